package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"supportal/domain/warranty"
)

// genFlags registers the data set flags shared by gen and all.
func genFlags(fs *flag.FlagSet) *Spec {
	s := &Spec{}
	fs.IntVar(&s.Companies, "companies", 1000, "number of companies")
	fs.IntVar(&s.Devices, "devices", 1000000, "number of devices")
	fs.IntVar(&s.LinesPerDevice, "lines-per-device", 3, "service lines of every device")
	fs.Uint64Var(&s.Seed, "seed", 1, "random seed: the same seed gives the same file")
	fs.Float64Var(&s.TopShare, "top-share", 0.10, "share of the devices held by the largest company")
	fs.Float64Var(&s.SecondShare, "second-share", 0, "share of the devices held by the second company (0: Zipf-sized like the others); with --top-share 0.3 --second-share 0.2, a 300,000-device company beside a 200,000-device one in 1 M")
	fs.Float64Var(&s.ZipfS, "zipf", 0.8, "Zipf exponent of the other companies' sizes")
	return s
}

// genCmd writes a data set as an import CSV file.
func genCmd(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	spec := genFlags(fs)
	out := fs.String("out", "data.csv", "the CSV file to write (- for standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	g, err := NewGenerator(*spec)
	if err != nil {
		return err
	}
	var w io.Writer = stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		defer f.Close()
		w = f
	}
	start := time.Now()
	n, err := WriteCSV(w, g)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		top := g.Companies()[0]
		fmt.Fprintf(stdout, "gen: %d rows (%d devices, %d companies) in %s to %s; largest company %s %s holds %d devices\n",
			n, spec.Devices, spec.Companies, time.Since(start).Round(time.Millisecond), *out, top.Code, top.Name, top.Devices)
	}
	return nil
}

// WriteCSV writes the header of SPEC §3.3 and one row per service line of
// every device of g, and returns the number of rows.
func WriteCSV(w io.Writer, g *Generator) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	if err := cw.Write(warranty.Columns); err != nil {
		return 0, err
	}
	n := 0
	rec := make([]string, len(warranty.Columns))
	for {
		d, ok := g.Next()
		if !ok {
			break
		}
		c := g.companies[d.Owner]
		for _, l := range d.Lines {
			// In warranty.Columns order.
			rec[0], rec[1], rec[2], rec[3], rec[4] = c.Code, c.Name, d.Name, d.SN, d.OrderNo
			rec[5], rec[6], rec[7], rec[8] = l.SKU, l.Service, l.Start.Format(time.DateOnly), l.End.Format(time.DateOnly)
			if err := cw.Write(rec); err != nil {
				return n, err
			}
			n++
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}
