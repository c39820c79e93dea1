package storetest

import (
	"fmt"
	"strings"
	"testing"

	"supportal/domain"
	"supportal/domain/warranty"
)

// wantErrors fails unless errs are, in order, the conflicts want: each
// "line key other columns" with key shortened to device or line.
func wantErrors(t *testing.T, errs []warranty.RowError, want ...string) {
	t.Helper()
	got := make([]string, len(errs))
	for i, e := range errs {
		got[i] = fmt.Sprintf("%d %s", e.Line, strings.TrimPrefix(e.Key, "import.error.conflict_"))
		if e.Data != nil {
			got[i] += fmt.Sprintf(" %v %v", e.Data["Other"], e.Data["Columns"])
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("row errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// testImportExactDuplicates checks that rows repeating another exactly are
// applied once and counted, also on the run's record.
func testImportExactDuplicates(t *testing.T, w *warrantyWorld) {
	one := recOf(codeA, "SN-A1", "SVC-STD", "2025-01-01", "2026-01-01")
	other := recOf(codeA, "SN-A1", "SVC-UPG", "2025-01-01", "2027-01-01")
	w.mustImport(t, file(one, other, one, one), warranty.ModeUpsert, warranty.Counts{Read: 4, Inserted: 2, Duplicates: 2})
	if d := w.find(t, codeA, "SN-A1"); len(d.Lines) != 2 {
		t.Errorf("device = %+v, want its two lines once", d)
	}
	w.mustImport(t, file(one, other, one, one), warranty.ModeSnapshot, warranty.Counts{Read: 4, Unchanged: 2, Duplicates: 2})
}

// conflictRecs has, on file lines 2–8: a device (2) whose other line (4)
// gives it another name and order number, a line of another owner (3, which
// 7 repeats exactly), a service line (5) listed again (6) with another
// service name and end date, and line 8 repeating line 2 exactly.
func conflictRecs() []rec {
	a1 := recOf(codeA, "SN-A1", "SVC-STD", "2025-01-01", "2026-01-01")
	c1 := recOf(codeC, "SN-C1", "SVC-STD", "2025-01-01", "2026-01-01")
	renamed := recOf(codeA, "SN-A1", "SVC-UPG", "2025-01-01", "2027-01-01")
	renamed.device, renamed.order = "另一个名称", "PO-OTHER"
	b1 := baseRecs[3]
	longer := b1
	longer.end, longer.service = "2027-03-01", "延长服务"
	return []rec{a1, c1, renamed, b1, longer, c1, a1}
}

func testImportConflictRejects(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	run, err := w.importFile(t, t.Context(), file(conflictRecs()...), warranty.ImportOptions{})
	wantError(t, "conflicting rows", err, domain.Invalid, "import.error.rejected")
	if de := domain.As(err); de.Data["Count"] != 5 {
		t.Errorf("rejected %v rows, want 5", de.Data["Count"])
	}
	if run.Status != warranty.RunFailed || run.Counts != (warranty.Counts{Read: 7, Rejected: 5}) {
		t.Errorf("run = %+v", run)
	}
	// Line 2 and 7 agree with each other, and differ from line 4; line 5
	// and 6 are one service line of SN-B1.
	wantErrors(t, run.Errors,
		"2 device 4 device_name, order_no",
		"4 device 2 device_name, order_no",
		"5 line 6 service_name, end_date",
		"6 line 5 service_name, end_date",
		"8 device 4 device_name, order_no")
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
	if c := w.all(t, codeC); len(c) != 0 {
		t.Errorf("a rejected batch stored %+v", c)
	}
}

// testImportConflictSkipped checks that --skip-invalid rejects every row of a
// conflict as a row error and applies the rest.
func testImportConflictSkipped(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	run, err := w.importFile(t, t.Context(), file(conflictRecs()...), warranty.ImportOptions{SkipInvalid: true})
	if err != nil || run.Status != warranty.RunSucceeded ||
		run.Counts != (warranty.Counts{Read: 7, Rejected: 5, Inserted: 1, Duplicates: 1}) || len(run.Errors) != 5 {
		t.Fatalf("run = %+v, %v", run, err)
	}
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
	if c := w.find(t, codeC, "SN-C1"); len(c.Lines) != 1 {
		t.Errorf("SN-C1 = %+v, want its line once", c)
	}
}

// testImportSameSNOtherOwner checks that a device is its serial number
// within its owner: two owners may list the same SN with their own names.
func testImportSameSNOtherOwner(t *testing.T, w *warrantyWorld) {
	x, y := recOf(codeA, "SN-SHARED", "SVC-STD", "2025-01-01", "2026-01-01"), recOf(codeB, "SN-SHARED", "SVC-STD", "2025-01-01", "2026-06-30")
	y.device = "另一家公司的设备"
	w.mustImport(t, file(x, y), warranty.ModeUpsert, warranty.Counts{Read: 2, Inserted: 2})
	if d := w.find(t, codeB, "SN-SHARED"); d.Name != y.device || d.OwnerName != y.owner {
		t.Errorf("B's device = %+v", d)
	}
}

// testImportConflictsBounded checks that the run keeps at most
// MaxReportedErrors row errors, the first in line order, and counts every
// conflicting row.
func testImportConflictsBounded(t *testing.T, w *warrantyWorld) {
	const devices = 600
	recs := make([]rec, 0, 2*devices+1)
	recs = append(recs, recOf(codeA, "SN-OK", "SVC-STD", "2025-01-01", "2025-00-01")) // invalid: line 2
	for i := range devices {
		r := recOf(codeA, fmt.Sprintf("SN-%04d", i), "SVC-STD", "2025-01-01", "2026-01-01")
		recs = append(recs, r)
		r.sku, r.order = "SVC-UPG", "PO-CHANGED"
		recs = append(recs, r)
	}
	run, err := w.importFile(t, t.Context(), file(recs...), warranty.ImportOptions{})
	wantError(t, "many conflicts", err, domain.Invalid, "import.error.rejected")
	if run.Counts != (warranty.Counts{Read: 2*devices + 1, Rejected: 2*devices + 1}) || len(run.Errors) != warranty.MaxReportedErrors {
		t.Fatalf("counts %+v, %d errors", run.Counts, len(run.Errors))
	}
	if e := run.Errors[0]; e.Line != 2 || e.Column != "end_date" {
		t.Errorf("first error = %+v, want the invalid date", e)
	}
	wantErrors(t, run.Errors[1:3], "3 device 4 order_no", "4 device 3 order_no")
	if e := run.Errors[len(run.Errors)-1]; e.Line != warranty.MaxReportedErrors+1 {
		t.Errorf("last error = %+v, want line %d", e, warranty.MaxReportedErrors+1)
	}
	w.wantRecorded(t, run)
}

// testImportBadFileRecorded checks that a file refused before its first row
// (a wrong header, no header at all) is a failed run on record.
func testImportBadFileRecorded(t *testing.T, w *warrantyWorld) {
	for _, tt := range []struct{ data, key string }{
		{"a,b\n1,2\n", "import.error.header"},
		{"", "import.error.empty"},
		{strings.Join(warranty.Columns, ",") + "\n", "import.error.empty"},
	} {
		src := warranty.OpenLater(func() (warranty.Source, error) { return warranty.NewCSVSource(strings.NewReader(tt.data)) })
		run, err := w.svc.Import(t.Context(), src, warranty.ImportOptions{Source: "bad"})
		wantError(t, fmt.Sprintf("file %q", tt.data), err, domain.Invalid, tt.key)
		if run.ID == 0 || run.Status != warranty.RunFailed || run.Message != tt.key || run.FinishedAt.IsZero() {
			t.Errorf("file %q: run = %+v", tt.data, run)
		}
		w.wantRecorded(t, run)
		must(t, src.Close())
	}
	if _, ok, err := w.svc.LastUpdated(t.Context()); err != nil || ok {
		t.Errorf("LastUpdated after failed runs = %v, %v; want none", ok, err)
	}
}
