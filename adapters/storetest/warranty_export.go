package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"supportal/domain"
	"supportal/domain/warranty"
)

// exportAll returns what the service's export for account and in calls its
// function with.
func (w *warrantyWorld) exportAll(t *testing.T, account int64, in warranty.SearchInput) []warranty.Device {
	t.Helper()
	var out []warranty.Device
	must(t, w.svc.Export(t.Context(), account, in, func(d warranty.Device) error {
		out = append(out, d)
		return nil
	}))
	return out
}

// searchAll returns every page of account's search for in, in order.
func (w *warrantyWorld) searchAll(t *testing.T, account int64, in warranty.SearchInput) []warranty.Device {
	t.Helper()
	var out []warranty.Device
	for in.Page = 1; ; in.Page++ {
		res, err := w.svc.Search(t.Context(), account, in)
		must(t, err)
		out = append(out, res.Devices...)
		if !res.Page.HasNext {
			return out
		}
	}
}

// exportFleet returns n devices of owner code with three lines each, the
// devices ending on other days, so that the export's rows (3n) cross the
// PostgreSQL store's batches of rows inside a device's lines.
func exportFleet(code string, n int) []rec {
	var recs []rec
	for i := range n {
		sn := fmt.Sprintf("EX-%04d", i)
		end := day("2026-01-01").AddDate(0, 0, i)
		for j, sku := range []string{"SVC-A", "SVC-B", "SVC-C"} {
			r := recOf(code, sn, sku, "2025-01-01", end.AddDate(0, 0, -j).Format("2006-01-02"))
			r.device = fmt.Sprintf("导出设备 %d", i%7)
			recs = append(recs, r)
		}
	}
	return recs
}

func testExport(t *testing.T, w *warrantyWorld) {
	const n = 400 // 1,200 rows
	recs := append(exportFleet(codeA, n), exportFleet(codeB, 5)...)
	w.mustImport(t, file(recs...), warranty.ModeUpsert, warranty.Counts{Read: len(recs), Inserted: len(recs)})
	// The export is every page of the search, in its order, with all lines.
	for _, in := range []warranty.SearchInput{
		{}, {Sort: warranty.SortEndAsc}, {Name: "导出设备 3"}, {Name: "设备 3", Sort: warranty.SortEndAsc},
		{SN: " ex-0123 "}, {SN: "EX-9999"}, {Page: 7},
	} {
		got, want := w.exportAll(t, accountA, in), w.searchAll(t, accountA, in)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("export %+v: %d devices, the pages of the search %d", in, len(got), len(want))
		}
		for _, d := range got {
			if d.OwnerCode != codeA || len(d.Lines) != 3 {
				t.Fatalf("export %+v lists %s of %s with %d lines", in, d.SN, d.OwnerCode, len(d.Lines))
			}
		}
	}
	if got := w.exportAll(t, accountA, warranty.SearchInput{}); len(got) != n || got[0].SN != fmt.Sprintf("EX-%04d", n-1) {
		t.Fatalf("export of everything: %d devices, want %d, latest end first", len(got), n)
	}
	if got := w.exportAll(t, accountB, warranty.SearchInput{}); len(got) != 5 || got[0].OwnerCode != codeB {
		t.Errorf("B's export: %d devices", len(got))
	}
	if got := w.exportAll(t, accountC, warranty.SearchInput{}); len(got) != 0 {
		t.Errorf("C's export: %d devices, want none", len(got))
	}
	err := w.svc.Export(t.Context(), 99, warranty.SearchInput{}, func(warranty.Device) error { return nil })
	wantError(t, "unverified export", err, domain.Forbidden, "error.verification.required")

	// The function's error ends the export and comes back.
	stop, calls := errors.New("stop"), 0
	err = w.svc.Export(t.Context(), accountA, warranty.SearchInput{}, func(warranty.Device) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("export stopped by its function: %v after %d calls", err, calls)
	}
}

// testExportSnapshot commits an import while an export runs: the export
// shows the data before it in every device, none of the new lines or the
// moved order.
func testExportSnapshot(t *testing.T, w *warrantyWorld) {
	const n = 400
	w.mustImport(t, file(exportFleet(codeA, n)...), warranty.ModeUpsert, warranty.Counts{Read: 3 * n, Inserted: 3 * n})
	before := w.searchAll(t, accountA, warranty.SearchInput{})
	// The import reverses the order of the devices (their latest end dates)
	// and adds a line to each.
	var later []rec
	for i := range n {
		later = append(later, recOf(codeA, fmt.Sprintf("EX-%04d", i), "SVC-NEW", "2025-01-01",
			day("2040-01-01").AddDate(0, 0, -i).Format("2006-01-02")))
	}
	var got []warranty.Device
	must(t, w.svc.Export(t.Context(), accountA, warranty.SearchInput{}, func(d warranty.Device) error {
		if len(got) == 0 {
			w.mustImport(t, file(later...), warranty.ModeUpsert, warranty.Counts{Read: n, Inserted: n})
		}
		got = append(got, d)
		return nil
	}))
	if !reflect.DeepEqual(got, before) {
		t.Errorf("export during an import: %d devices, differs from the %d before it", len(got), len(before))
	}
	if after := w.exportAll(t, accountA, warranty.SearchInput{}); len(after) != n || len(after[0].Lines) != 4 || after[0].SN != "EX-0000" {
		t.Errorf("export after the import: %d devices, first %s with %d lines", len(after), after[0].SN, len(after[0].Lines))
	}
}
