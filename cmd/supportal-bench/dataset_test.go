package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"

	"supportal/domain/creditcode"
	"supportal/domain/warranty"
)

func testSpec() Spec {
	return Spec{Companies: 200, Devices: 40000, LinesPerDevice: 3, Seed: 7, TopShare: 0.10, ZipfS: 0.8}
}

func TestCompaniesValidAndDistributed(t *testing.T) {
	g, err := NewGenerator(testSpec())
	if err != nil {
		t.Fatal(err)
	}
	cs := g.Companies()
	codes, names, total := map[string]bool{}, map[string]bool{}, 0
	for i, c := range cs {
		if e := creditcode.Validate(c.Code); e != nil {
			t.Errorf("company %d: code %s: %s", i, c.Code, e.Key)
		}
		if codes[c.Code] || names[c.Name] {
			t.Errorf("company %d: duplicate code %s or name %s", i, c.Code, c.Name)
		}
		codes[c.Code], names[c.Name] = true, true
		if c.Devices < 1 {
			t.Errorf("company %d has no device", i)
		}
		if i > 0 && c.Devices > cs[0].Devices {
			t.Errorf("company %d (%d devices) is larger than the largest (%d)", i, c.Devices, cs[0].Devices)
		}
		if i > 1 && c.Devices > cs[i-1].Devices {
			t.Errorf("sizes not falling at %d: %d after %d", i, c.Devices, cs[i-1].Devices)
		}
		total += c.Devices
	}
	if total != 40000 || cs[0].Devices != 4000 {
		t.Errorf("total %d, largest %d; want 40000 and 4000", total, cs[0].Devices)
	}
	// Zipf-ish: the tail is small but present.
	if last := cs[len(cs)-1].Devices; last > cs[1].Devices/10 {
		t.Errorf("flat tail: second %d, last %d", cs[1].Devices, last)
	}
}

func TestFewCompaniesKeepTheLargestFirst(t *testing.T) {
	s := Spec{Companies: 12, Devices: 1000, LinesPerDevice: 1, TopShare: 0.10, ZipfS: 0.8}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	sizes := s.sizes()
	sum := 0
	for i, n := range sizes {
		sum += n
		if i > 0 && n > sizes[0] {
			t.Errorf("sizes %v: %d is larger than the first", sizes, n)
		}
	}
	if sum != 1000 || sizes[0] != 100 {
		t.Errorf("sizes %v add up to %d", sizes, sum)
	}
	s.Companies = 5
	if err := s.Validate(); err == nil {
		t.Error("5 companies cannot have a largest one holding 10 %")
	}
}

// TestCSVImportsCleanly parses the whole generated file with the import's own
// CSV source and row rules, and checks that serial numbers are unique per
// device and that the name fragments are rare and common as promised.
func TestCSVImportsCleanly(t *testing.T) {
	g, err := NewGenerator(testSpec())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := WriteCSV(&buf, g)
	if err != nil || n != 120000 {
		t.Fatalf("WriteCSV = %d, %v; want 120000 rows", n, err)
	}
	src, err := warranty.NewCSVSource(&buf)
	if err != nil {
		t.Fatal(err)
	}
	top := g.Companies()[0].Code
	owner := map[string]string{}  // SN → owner
	lines := map[string]int{}     // SN → lines
	keys := map[string]bool{}     // SN|SKU
	models := map[string]int{}    // the largest company's model numbers → devices
	var topDevices, topCommon int // the largest company's devices, and those named 一体机
	for {
		line, rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		r, problems := warranty.ParseRow(line, rec)
		if len(problems) > 0 {
			t.Fatalf("line %d rejected: %+v", line, problems)
		}
		if o, ok := owner[r.SN]; ok && o != r.OwnerCode {
			t.Fatalf("SN %s belongs to two companies", r.SN)
		}
		if keys[r.SN+"|"+r.SKU] {
			t.Fatalf("SN %s has SKU %s twice", r.SN, r.SKU)
		}
		keys[r.SN+"|"+r.SKU] = true
		owner[r.SN] = r.OwnerCode
		lines[r.SN]++
		if lines[r.SN] == 1 && r.OwnerCode == top {
			topDevices++
			models[RareFragment(r.DeviceName)]++
			if strings.Contains(r.DeviceName, "一体机") {
				topCommon++
			}
		}
	}
	if len(lines) != 40000 {
		t.Errorf("%d distinct SNs, want 40000 (one per device)", len(lines))
	}
	for sn, n := range lines {
		if n != 3 {
			t.Fatalf("SN %s has %d lines, want 3", sn, n)
		}
	}
	if share := float64(topCommon) / float64(topDevices); share < 0.3 || share > 0.5 {
		t.Errorf("一体机 names %.0f %% of the largest company's devices, want about 40 %%", 100*share)
	}
	most := 0
	for m, n := range models {
		if m == "" {
			t.Fatal("a device name without a model number")
		}
		most = max(most, n)
	}
	if most > 5 {
		t.Errorf("a model number matches %d of %d devices; rare fragments should match few", most, topDevices)
	}
}

func TestDeterministic(t *testing.T) {
	sum := func(seed uint64) [32]byte {
		s := testSpec()
		s.Devices, s.Seed = 5000, seed
		g, err := NewGenerator(s)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := WriteCSV(h, g); err != nil {
			t.Fatal(err)
		}
		return [32]byte(h.Sum(nil))
	}
	if sum(1) != sum(1) {
		t.Error("the same seed gave two files")
	}
	if sum(1) == sum(2) {
		t.Error("two seeds gave the same file")
	}
}

func TestScrambleIsOneToOne(t *testing.T) {
	seen := make(map[uint64]bool, 1<<18)
	for i := uint64(0); i < 1<<18; i++ {
		x := scramble(i, 12345)
		if seen[x] || x >= 1<<40 {
			t.Fatalf("scramble(%d) = %d repeats or overflows", i, x)
		}
		seen[x] = true
	}
	if got := encode40(1<<40 - 1); got != "ZZZZZZZZ" {
		t.Errorf("encode40(max) = %s", got)
	}
}

func TestRareFragment(t *testing.T) {
	for in, want := range map[string]string{"AnyBackup 一体机 AB6420-R2": "AB6420", "AnyShare 扩展柜 AS0007-R5": "AS0007", "x": ""} {
		if got := RareFragment(in); got != want {
			t.Errorf("RareFragment(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSecondLargeCompany checks --second-share: the largest and the second
// company hold their shares, the others the rest, largest first.
func TestSecondLargeCompany(t *testing.T) {
	s := Spec{Companies: 100, Devices: 10000, LinesPerDevice: 1, TopShare: 0.3, SecondShare: 0.2, ZipfS: 0.8}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	sizes := s.sizes()
	sum := 0
	for i, n := range sizes {
		sum += n
		if n < 1 || (i > 0 && n > sizes[i-1]) {
			t.Fatalf("sizes %v: %d at %d", sizes[:5], n, i)
		}
	}
	if sizes[0] != 3000 || sizes[1] != 2000 || sum != 10000 {
		t.Errorf("sizes %v… add up to %d; want 3000, 2000 and 10000 in all", sizes[:5], sum)
	}
	for _, bad := range []Spec{{Companies: 100, Devices: 10000, LinesPerDevice: 1, TopShare: 0.2, SecondShare: 0.3},
		{Companies: 100, Devices: 10000, LinesPerDevice: 1, TopShare: 0.6, SecondShare: 0.5}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
