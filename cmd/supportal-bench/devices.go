package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Device names are "<product> <kind> <model>-R<rev>", e.g.
// "AnyBackup 一体机 AB6420-R2". The product and the kind are common words that
// match many of a company's devices; the model number (10,000 per product)
// is a rare fragment that matches a handful.
var (
	products = []struct {
		name, code string
		weight     int
	}{{"AnyBackup", "AB", 35}, {"AnyShare", "AS", 20}, {"AnyStorage", "AT", 15}, {"AnyRobot", "AR", 10},
		{"AnyFabric", "AF", 8}, {"AnyDATA", "AD", 6}, {"AnyVDI", "AV", 4}, {"AnyOffice", "AO", 2}}
	kinds = []struct {
		name   string
		weight int
	}{{"一体机", 40}, {"存储节点", 15}, {"备份服务器", 15}, {"管理节点", 10}, {"扩展柜", 10}, {"软件授权", 10}}
)

// CommonWords are name fragments that match a large share of every
// company's devices (一体机 about 40 %, AnyBackup about 35 %).
var CommonWords = []string{"一体机", "AnyBackup"}

// modelsPerProduct is how many model numbers each product has.
const modelsPerProduct = 10000

// sku is a service product sold for a device.
type sku struct {
	code, name string
	years      int
}

// skus are the service products; a device's first line is always the base
// warranty and its others are distinct, so (SN, SKU) is unique in a file.
var skus = []sku{{"SVC-BASE-3Y", "原厂基础保修服务", 3}, {"SVC-STD-1Y", "标准维保服务(5x8)", 1},
	{"SVC-PRM-1Y", "高级维保服务(7x24)", 1}, {"SVC-PRM-3Y", "高级维保服务(7x24)三年", 3},
	{"SVC-ONS-1Y", "现场工程师支持服务", 1}, {"SVC-SW-2Y", "软件升级与订阅服务", 2}}

// firstPurchase and purchaseDays bound when devices were bought.
var firstPurchase = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)

const purchaseDays = 3500

// Line is one generated service line.
type Line struct {
	SKU, Service string
	Start, End   time.Time
}

// Device is one generated device with its service lines.
type Device struct {
	Owner   int // index into the generator's companies
	Name    string
	Model   string // the rare fragment of Name, e.g. AB6420
	SN      string
	OrderNo string
	Lines   []Line
}

// Generator yields the devices of a Spec one at a time, so that files of any
// size stream. Only the owner of each device (two bytes a device) is kept.
type Generator struct {
	spec      Spec
	companies []Company
	owners    []uint16
	rng       *rand.Rand
	key       uint64
	next      int
	lines     []Line
	order     []int
}

// NewGenerator prepares the companies and deals the devices out to them in a
// seeded random order.
func NewGenerator(s Spec) (*Generator, error) {
	if s.ZipfS == 0 {
		s.ZipfS = 0.8
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x5eed))
	g := &Generator{spec: s, companies: s.makeCompanies(rng), rng: rng, key: rng.Uint64()}
	g.owners = make([]uint16, 0, s.Devices)
	for i, c := range g.companies {
		for range c.Devices {
			g.owners = append(g.owners, uint16(i))
		}
	}
	rng.Shuffle(len(g.owners), func(i, j int) { g.owners[i], g.owners[j] = g.owners[j], g.owners[i] })
	g.order = make([]int, len(skus)-1)
	return g, nil
}

// Companies returns the companies, largest first.
func (g *Generator) Companies() []Company { return g.companies }

// Next returns the next device, or false after the last. The returned
// device's Lines are reused by the following call.
func (g *Generator) Next() (Device, bool) {
	if g.next >= len(g.owners) {
		return Device{}, false
	}
	i := g.next
	g.next++
	rng := g.rng
	p := products[pick(rng, len(products), func(k int) int { return products[k].weight })]
	k := kinds[pick(rng, len(kinds), func(k int) int { return kinds[k].weight })]
	model := fmt.Sprintf("%s%04d", p.code, rng.IntN(modelsPerProduct))
	start := firstPurchase.AddDate(0, 0, rng.IntN(purchaseDays))
	d := Device{
		Owner:   int(g.owners[i]),
		Name:    fmt.Sprintf("%s %s %s-R%d", p.name, k.name, model, 1+rng.IntN(5)),
		Model:   model,
		SN:      p.code + start.Format("2006") + encode40(scramble(uint64(i), g.key)),
		OrderNo: fmt.Sprintf("SO%s%06d", start.Format("200601"), rng.IntN(1000000)),
	}
	// The base warranty, then distinct renewals back to back.
	for j := range g.order {
		g.order[j] = j + 1
	}
	g.lines = g.lines[:0]
	for n := 0; n < g.spec.LinesPerDevice; n++ {
		s := skus[0]
		if n > 0 {
			j := n - 1 + rng.IntN(len(g.order)-(n-1))
			g.order[n-1], g.order[j] = g.order[j], g.order[n-1]
			s = skus[g.order[n-1]]
		}
		end := start.AddDate(s.years, 0, -1)
		g.lines = append(g.lines, Line{SKU: s.code, Service: s.name, Start: start, End: end})
		start = end.AddDate(0, 0, 1)
	}
	d.Lines = g.lines
	return d, true
}

// pick returns an index drawn with the given integer weights.
func pick(rng *rand.Rand, n int, weight func(int) int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += weight(i)
	}
	r := rng.IntN(total)
	for i := 0; i < n; i++ {
		if r -= weight(i); r < 0 {
			return i
		}
	}
	return n - 1
}

// scramble maps device numbers to 40-bit values one to one (every step is
// a bijection modulo 2^40), so serial numbers are unique yet look random.
func scramble(i, key uint64) uint64 {
	const mask = 1<<40 - 1
	x := (i + key) & mask
	x = (x * 0x9E3779B97F4A7C15) & mask
	x ^= x >> 20
	x = (x * 0xBF58476D1CE4E5B9) & mask
	x ^= x >> 17
	return x
}

// crockford is Crockford's base 32 alphabet (no I, L, O, U).
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// encode40 writes a 40-bit value as eight base-32 characters.
func encode40(x uint64) string {
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = crockford[x&31]
		x >>= 5
	}
	return string(b[:])
}

// RareFragment returns the rare part of a generated device name (its model
// number), or "" for a name that has none.
func RareFragment(name string) string {
	f := strings.Fields(name)
	if len(f) < 3 {
		return ""
	}
	m, _, _ := strings.Cut(f[len(f)-1], "-")
	return m
}
