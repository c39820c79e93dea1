package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"supportal/domain/creditcode"
	"supportal/domain/warranty"
)

// Targets are the search inputs of a load run, all taken from the signed-in
// customer's own company so that every exact SN finds its device.
type Targets struct {
	Code    string   // the company's credit code
	Name    string   // the company's name
	Devices int      // its devices in the file
	SNs     []string // a sample of its serial numbers
	Rare    []string // the model numbers of the same sample (few matches each)
	Common  []string // words that match many of its devices
}

// LoadTargets reads the CSV file and samples up to max devices of the
// company code (of the company with the most devices when code is "").
func LoadTargets(file, code string, max int, seed uint64) (Targets, error) {
	if code == "" {
		var err error
		if code, err = largestOwner(file); err != nil {
			return Targets{}, err
		}
	}
	code = creditcode.Normalize(code)
	t := Targets{Code: code, Common: CommonWords}
	rng := rand.New(rand.NewPCG(seed, 0x7a7))
	prev := ""
	err := eachRecord(file, func(rec []string) {
		if rec[0] != code || rec[3] == prev {
			return
		}
		prev = rec[3]
		t.Name = rec[1]
		t.Devices++
		sn, rare := warranty.NormalizeSN(rec[3]), RareFragment(rec[2])
		// Reservoir sampling keeps a uniform sample whatever the file's order.
		switch {
		case len(t.SNs) < max:
			t.SNs, t.Rare = append(t.SNs, sn), append(t.Rare, rare)
		default:
			if j := rng.IntN(t.Devices); j < max {
				t.SNs[j], t.Rare[j] = sn, rare
			}
		}
	})
	if err != nil {
		return t, err
	}
	if t.Devices == 0 {
		return t, fmt.Errorf("targets: no device of %s in %s", code, file)
	}
	return t, nil
}

// largestOwner returns the credit code with the most distinct devices.
func largestOwner(file string) (string, error) {
	counts := map[string]int{}
	prev := ""
	err := eachRecord(file, func(rec []string) {
		if rec[3] != prev {
			counts[rec[0]]++
			prev = rec[3]
		}
	})
	best := ""
	for c, n := range counts {
		if n > counts[best] || (n == counts[best] && c < best) {
			best = c
		}
	}
	return best, err
}

// eachRecord calls fn with every record of an import CSV file, in
// warranty.Columns order. fn must not keep the slice.
func eachRecord(file string, fn func(rec []string)) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("targets: %s: %w", file, err)
	}
	order, err := warranty.ColumnOrder(header)
	if err != nil {
		return fmt.Errorf("targets: %s: %w", file, err)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("targets: %s: %w", file, err)
		}
		fn(warranty.Reorder(order, rec))
	}
}
