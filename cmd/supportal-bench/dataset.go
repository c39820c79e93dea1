package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"supportal/domain/creditcode"
)

// Spec describes a generated data set. The same Spec always yields the same
// companies, devices and service lines.
type Spec struct {
	Companies      int
	Devices        int
	LinesPerDevice int
	Seed           uint64
	// TopShare is the share of the devices that the largest company holds.
	TopShare float64
	// SecondShare, when above 0, is the share of the second company (a
	// second large one beside the largest); the others share the rest.
	SecondShare float64
	// ZipfS is the exponent of the other companies' Zipf-like sizes.
	ZipfS float64
}

// Company is one device owner of a data set.
type Company struct {
	Code    string // unified social credit code with a valid check character
	Name    string
	Devices int
}

// regions are real administrative division codes with their cities, so that
// the credit codes look like the ones customers have.
var regions = []struct{ code, city string }{
	{"310110", "上海"}, {"440300", "深圳"}, {"110108", "北京"}, {"330106", "杭州"}, {"510107", "成都"},
	{"420111", "武汉"}, {"320505", "苏州"}, {"370202", "青岛"}, {"500105", "重庆"}, {"610113", "西安"},
	{"120116", "天津"}, {"350203", "厦门"}, {"430104", "长沙"}, {"210204", "大连"}, {"320106", "南京"},
}

// Words of company names: a brand word and a trade.
var (
	brandWords = []string{"恒泰", "华信", "启明", "远航", "博远", "天成", "瑞达", "智联", "汇通", "中科", "东方", "嘉禾",
		"宏图", "金桥", "新元", "星河", "海纳", "云帆", "正阳", "立信", "万象", "长风", "鼎盛", "明德", "安和", "永信",
		"德润", "晨光", "宇辰", "九州", "中盛", "同创", "华瑞", "国信", "盛世", "泰和", "凯达", "腾飞", "信达", "众诚"}
	trades = []string{"数据科技", "信息技术", "网络科技", "软件", "智能制造", "医疗科技", "金融服务", "物流", "能源科技",
		"教育科技", "电子商务", "通信技术"}
)

// orgAlphabet is the GB 32100-2015 character set of positions 9–17.
const orgAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// Validate checks that a Spec can be generated.
func (s Spec) Validate() error {
	switch {
	case s.Companies < 1:
		return errors.New("at least one company")
	case s.Companies > 65535:
		return errors.New("at most 65535 companies")
	case s.Devices < s.Companies:
		return errors.New("at least as many devices as companies")
	case s.Devices > 1<<39:
		return errors.New("too many devices")
	case s.LinesPerDevice < 1 || s.LinesPerDevice > len(skus):
		return fmt.Errorf("lines per device between 1 and %d", len(skus))
	case s.TopShare <= 0 || s.TopShare > 1:
		return errors.New("top share between 0 and 1")
	case s.SecondShare < 0 || s.SecondShare > s.TopShare || s.TopShare+s.SecondShare > 1:
		return errors.New("second share between 0 and the top share, both at most 1 together")
	case s.SecondShare > 0 && s.Companies < 3:
		return errors.New("a second large company needs at least 3 companies")
	case s.TopShare*float64(s.Companies) < 1:
		return fmt.Errorf("a largest company holding %.0f %% needs at least %.0f companies", 100*s.TopShare, 1/s.TopShare)
	}
	return nil
}

// makeCompanies returns the companies, largest first: the first holds
// TopShare of the devices, the others sizes falling like 1/rank^ZipfS, every
// company at least one device. Codes and names are unique.
func (s Spec) makeCompanies(rng *rand.Rand) []Company {
	cs := make([]Company, s.Companies)
	codes, names := map[string]bool{}, map[string]bool{}
	for i := range cs {
		r := regions[rng.IntN(len(regions))]
		for {
			b := []byte("91" + r.code + "000000000")
			for j := 8; j < 17; j++ {
				b[j] = orgAlphabet[rng.IntN(len(orgAlphabet))]
			}
			code := string(b) + string(creditcode.CheckChar(string(b)))
			if !codes[code] {
				codes[code] = true
				cs[i].Code = code
				break
			}
		}
		for n := 0; ; n++ {
			name := r.city + brandWords[rng.IntN(len(brandWords))] + trades[rng.IntN(len(trades))] + "有限公司"
			if n > 20 { // the combinations run out: number the branch
				name = fmt.Sprintf("%s%s%s第%d分公司", r.city, brandWords[rng.IntN(len(brandWords))], trades[rng.IntN(len(trades))], i)
			}
			if !names[name] {
				names[name] = true
				cs[i].Name = name
				break
			}
		}
	}
	for i, n := range s.sizes() {
		cs[i].Devices = n
	}
	return cs
}

// sizes splits Devices over the companies (largest remainder), largest first.
// When few companies would make the second larger than the first, the Zipf
// exponent is lowered until the first is the largest again.
func (s Spec) sizes() []int {
	for {
		out := s.zipfSizes()
		if len(out) < 2 || (out[1] <= out[0] && (len(out) < 3 || out[2] <= out[1])) || s.ZipfS <= 0 {
			return out
		}
		s.ZipfS = math.Max(0, s.ZipfS-0.1)
	}
}

func (s Spec) zipfSizes() []int {
	out := make([]int, s.Companies)
	top := int(math.Round(s.TopShare * float64(s.Devices)))
	if s.Companies == 1 {
		out[0] = s.Devices
		return out
	}
	second, fixed := 0, 1 // the companies of given size
	if s.SecondShare > 0 {
		second, fixed = int(math.Round(s.SecondShare*float64(s.Devices))), 2
	}
	rest := s.Devices - top - second - (s.Companies - fixed) // one device each is given first
	if rest < 0 {
		top += rest
		rest = 0
	}
	out[0] = top
	if fixed == 2 {
		out[1] = second
	}
	w := make([]float64, s.Companies-fixed)
	sum := 0.0
	for k := range w {
		w[k] = 1 / math.Pow(float64(k+1), s.ZipfS)
		sum += w[k]
	}
	type frac struct {
		i int
		f float64
	}
	fr := make([]frac, len(w))
	given := 0
	for k := range w {
		exact := float64(rest) * w[k] / sum
		n := int(exact)
		out[k+fixed] = 1 + n
		given += n
		fr[k] = frac{k + fixed, exact - float64(n)}
	}
	sort.SliceStable(fr, func(a, b int) bool { return fr[a].f > fr[b].f })
	for k := 0; k < rest-given; k++ {
		out[fr[k].i]++
	}
	return out
}
