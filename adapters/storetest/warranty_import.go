package storetest

import (
	"os"
	"reflect"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/warranty"
)

// baseRecs are two owners' devices: A has SN-A1 (two lines) and SN-A2, B has
// SN-B1 with two lines of the same SKU and different start dates.
var baseRecs = []rec{
	recOf(codeA, "SN-A1", "SVC-STD", "2025-01-01", "2026-01-01"),
	recOf(codeA, "SN-A1", "SVC-UPG", "2025-01-01", "2027-01-01"),
	recOf(codeA, "SN-A2", "SVC-STD", "2024-01-01", "2025-06-30"),
	recOf(codeB, "SN-B1", "SVC-STD", "2025-03-01", "2026-03-01"),
	recOf(codeB, "SN-B1", "SVC-STD", "2026-03-02", "2027-03-01"),
}

// withBase imports baseRecs and returns the devices of A and B.
func withBase(t *testing.T, w *warrantyWorld) (a, b []warranty.Device) {
	t.Helper()
	w.mustImport(t, file(baseRecs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Inserted: 5})
	return w.all(t, codeA), w.all(t, codeB)
}

// sameDevices fails unless the owners' devices are still a and b.
func sameDevices(t *testing.T, w *warrantyWorld, a, b []warranty.Device) {
	t.Helper()
	if got := w.all(t, codeA); !reflect.DeepEqual(got, a) {
		t.Errorf("devices of A = %+v\nwant %+v", got, a)
	}
	if got := w.all(t, codeB); !reflect.DeepEqual(got, b) {
		t.Errorf("devices of B = %+v\nwant %+v", got, b)
	}
}

func testImportInsert(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	if len(a) != 2 || len(b) != 1 {
		t.Fatalf("devices: A %d, B %d; want 2, 1", len(a), len(b))
	}
	d := w.find(t, codeA, "SN-A1")
	want := warranty.Device{ID: d.ID, OwnerCode: codeA, OwnerName: "公司 9131", Name: "设备 SN-A1", SN: "SN-A1",
		OrderNo: "PO-SN-A1", Lines: []warranty.Line{
			{SKU: "SVC-UPG", ServiceName: "服务 SVC-UPG", Start: day("2025-01-01"), End: day("2027-01-01")},
			{SKU: "SVC-STD", ServiceName: "服务 SVC-STD", Start: day("2025-01-01"), End: day("2026-01-01")},
		}}
	if d.ID == 0 || !reflect.DeepEqual(d, want) {
		t.Errorf("device = %+v\nwant %+v", d, want)
	}
	if l := d.Lines[0]; l.Start.Location() != time.UTC || l.End.Location() != time.UTC {
		t.Errorf("line dates in %v/%v, want UTC", l.Start.Location(), l.End.Location())
	}
	if got := w.find(t, codeB, "SN-B1"); len(got.Lines) != 2 {
		t.Errorf("SN-B1 has %d lines, want 2", len(got.Lines))
	}
}

func testImportUnchanged(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	w.mustImport(t, file(baseRecs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Unchanged: 5})
	w.mustImport(t, file(baseRecs...), warranty.ModeSnapshot, warranty.Counts{Read: 5, Unchanged: 5})
	sameDevices(t, w, a, b)
}

func testImportUpdate(t *testing.T, w *warrantyWorld) {
	withBase(t, w)
	recs := append([]rec(nil), baseRecs...)
	recs[2].end = "2025-12-31"
	w.mustImport(t, file(recs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Updated: 1, Unchanged: 4})
	if d := w.find(t, codeA, "SN-A2"); !d.Lines[0].End.Equal(day("2025-12-31")) {
		t.Errorf("SN-A2 ends %v, want 2025-12-31", d.Lines[0].End)
	}
	// A device's name, order number and owner name belong to each of its lines.
	recs[0].device, recs[1].device, recs[1].order = "新名称", "新名称", "PO-NEW"
	recs[0].order = "PO-NEW"
	w.mustImport(t, file(recs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Updated: 2, Unchanged: 3})
	if d := w.find(t, codeA, "SN-A1"); d.Name != "新名称" || d.OrderNo != "PO-NEW" {
		t.Errorf("SN-A1 = %+v, want renamed", d)
	}
	w.mustImport(t, file(recs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Unchanged: 5})
}

func testImportSnapshot(t *testing.T, w *warrantyWorld) {
	_, b := withBase(t, w)
	keep := baseRecs[0]
	added := recOf(codeA, "SN-A3", "SVC-STD", "2025-01-01", "2025-12-31")
	// SN-A1's SVC-UPG and all of SN-A2 are no longer listed; B is not in the file.
	w.mustImport(t, file(keep, added), warranty.ModeSnapshot, warranty.Counts{Read: 2, Inserted: 1, Unchanged: 1, Removed: 2})
	a := w.all(t, codeA)
	if len(a) != 2 || a[0].SN != "SN-A1" || len(a[0].Lines) != 1 || a[0].Lines[0].SKU != "SVC-STD" || a[1].SN != "SN-A3" {
		t.Errorf("devices of A after the snapshot = %+v", a)
	}
	if got := w.all(t, codeB); !reflect.DeepEqual(got, b) {
		t.Errorf("devices of B = %+v\nwant %+v", got, b)
	}
	w.mustImport(t, file(keep, added), warranty.ModeSnapshot, warranty.Counts{Read: 2, Unchanged: 2})
}

func testImportUpsertKeeps(t *testing.T, w *warrantyWorld) {
	_, b := withBase(t, w)
	changed := baseRecs[0]
	changed.end = "2026-02-01"
	w.mustImport(t, file(changed), warranty.ModeUpsert, warranty.Counts{Read: 1, Updated: 1})
	if a := w.all(t, codeA); len(a) != 2 || len(a[0].Lines)+len(a[1].Lines) != 3 {
		t.Errorf("devices of A = %+v, want all three lines kept", a)
	}
	sameDevices(t, w, w.all(t, codeA), b)
}

func testImportDryRun(t *testing.T, w *warrantyWorld) {
	run, err := w.importFile(t, t.Context(), file(baseRecs...), warranty.ImportOptions{DryRun: true})
	if err != nil || run.Status != warranty.RunDryRun || run.Counts != (warranty.Counts{Read: 5, Inserted: 5}) {
		t.Fatalf("dry run on an empty store = %+v, %v", run, err)
	}
	w.wantRecorded(t, run)
	if a := w.all(t, codeA); len(a) != 0 {
		t.Fatalf("a dry run stored %+v", a)
	}
	a, b := withBase(t, w)
	changed := baseRecs[0]
	changed.end = "2026-02-01"
	run, err = w.importFile(t, t.Context(), file(changed), warranty.ImportOptions{Mode: warranty.ModeSnapshot, DryRun: true})
	if err != nil || run.Status != warranty.RunDryRun || run.Counts != (warranty.Counts{Read: 1, Updated: 1, Removed: 2}) {
		t.Fatalf("dry snapshot = %+v, %v", run, err)
	}
	sameDevices(t, w, a, b)
}

// badRecs has two good lines and two bad ones, on file lines 3 and 4.
func badRecs() []rec {
	bad1 := recOf(codeA, "SN-A9", "SVC-STD", "2025-01-01", "2024-01-01")
	bad2 := recOf(codeA, "SN-A8", "SVC-STD", "2025-02-30", "2026-01-01")
	changed := baseRecs[2]
	changed.end = "2025-12-31"
	return []rec{recOf(codeC, "SN-C1", "SVC-STD", "2025-01-01", "2026-01-01"), bad1, bad2, changed}
}

func testImportInvalid(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	run, err := w.importFile(t, t.Context(), file(badRecs()...), warranty.ImportOptions{Mode: warranty.ModeSnapshot})
	wantError(t, "import", err, domain.Invalid, "import.error.rejected")
	if run.Status != warranty.RunFailed || run.Counts != (warranty.Counts{Read: 4, Rejected: 2}) || len(run.Errors) != 2 ||
		run.Errors[0].Line != 3 || run.Errors[0].Column != "end_date" || run.Errors[1].Line != 4 || run.Errors[1].Column != "start_date" {
		t.Errorf("run = %+v", run)
	}
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
	if c := w.all(t, codeC); len(c) != 0 {
		t.Errorf("a rejected batch stored %+v", c)
	}
}

func testImportSkipInvalid(t *testing.T, w *warrantyWorld) {
	withBase(t, w)
	run, err := w.importFile(t, t.Context(), file(badRecs()...), warranty.ImportOptions{SkipInvalid: true})
	if err != nil || run.Status != warranty.RunSucceeded ||
		run.Counts != (warranty.Counts{Read: 4, Rejected: 2, Inserted: 1, Updated: 1}) || len(run.Errors) != 2 {
		t.Fatalf("run = %+v, %v", run, err)
	}
	w.wantRecorded(t, run)
	w.find(t, codeC, "SN-C1")
	if d := w.find(t, codeA, "SN-A2"); !d.Lines[0].End.Equal(day("2025-12-31")) {
		t.Errorf("SN-A2 = %+v, want the good row applied", d)
	}
}

// SampleCSV is the path of the sample import of SPEC §3.3 (91 service lines),
// relative to the folder of a package two levels below the module's root, as
// the packages that run the contract suites are.
const SampleCSV = "../../domain/warranty/testdata/warranty-sample.csv"

func testSampleFile(t *testing.T, w *warrantyWorld) {
	f, err := os.Open(SampleCSV)
	must(t, err)
	defer f.Close()
	src, err := warranty.NewCSVSource(f)
	must(t, err)
	run, err := w.svc.Import(t.Context(), src, warranty.ImportOptions{Mode: warranty.ModeSnapshot, Source: "sample"})
	if err != nil || run.Counts.Read != 91 || run.Counts.Rejected != 0 || run.Counts.Inserted != 91 {
		t.Fatalf("sample import = %+v, %v", run, err)
	}
	const name = `AnyBackup 一体机 A3000 "主机房", 机柜 3`
	if d := w.find(t, codeA, "AS2025NXV45HW4"); d.Name != name || len(d.Lines) != 3 {
		t.Errorf("quoted device = %q with %d lines, want %q with 3", d.Name, len(d.Lines), name)
	}
	res, err := w.svc.Search(t.Context(), accountA, warranty.SearchInput{Name: `"主机房", 机柜`})
	if err != nil || len(res.Devices) != 1 || res.Devices[0].Name != name {
		t.Errorf("search by a fragment with quotes and a comma = %+v, %v", res, err)
	}
}
