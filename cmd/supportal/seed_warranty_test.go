package main

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"supportal/domain/warranty"
)

// TestDemoWarranty checks the demo import file: valid rows, the same devices
// on every run, a few hundred devices with every coverage badge today.
func TestDemoWarranty(t *testing.T) {
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	var a, b bytes.Buffer
	if err := writeDemoWarranty(&a, now); err != nil {
		t.Fatal(err)
	}
	if err := writeDemoWarranty(&b, now); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the demo file differs between runs")
	}
	src, err := warranty.NewCSVSource(&a)
	if err != nil {
		t.Fatal(err)
	}
	devices, badges, lines := map[string]string{}, map[warranty.Coverage]int{}, 0
	for {
		line, rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		row, problems := warranty.ParseRow(line, rec)
		if len(problems) > 0 {
			t.Fatalf("line %d: %+v", line, problems)
		}
		if name, ok := devices[row.SN]; ok && name != row.DeviceName {
			t.Fatalf("serial number %s is shared by %q and %q", row.SN, name, row.DeviceName)
		}
		devices[row.SN] = row.DeviceName
		badges[warranty.CoverageOn(row.Start, row.End, now, shanghai())]++
		lines++
	}
	if len(devices) != demoDevices || lines < 600 || lines > 1000 {
		t.Errorf("%d devices, %d lines", len(devices), lines)
	}
	for _, c := range []warranty.Coverage{warranty.Active, warranty.Expiring, warranty.Expired, warranty.NotStarted} {
		if badges[c] < 30 {
			t.Errorf("only %d lines are %s: %v", badges[c], c, badges)
		}
	}
	t.Logf("%d devices, %d lines, %v", len(devices), lines, badges)
}
