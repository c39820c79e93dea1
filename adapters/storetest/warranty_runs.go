package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/warranty"
)

func testImportConcurrent(t *testing.T, w *warrantyWorld) {
	ctx := t.Context()
	first, err := w.s.BeginImport(ctx)
	must(t, err)
	_, err = w.s.BeginImport(ctx)
	wantError(t, "second BeginImport", err, domain.Conflict, "import.error.running")
	run, err := w.importFile(t, ctx, file(baseRecs...), warranty.ImportOptions{})
	wantError(t, "import during another", err, domain.Conflict, "import.error.running")
	if run.Status != warranty.RunFailed || run.Message != "import.error.running" {
		t.Errorf("refused run = %+v", run)
	}
	w.wantRecorded(t, run)
	must(t, first.Rollback())
	must(t, first.Rollback()) // a no-op the second time
	w.mustImport(t, file(baseRecs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Inserted: 5})
}

// cancelAfter is a Source that cancels its import after n records.
type cancelAfter struct {
	warranty.Source
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Next() (int, []string, error) {
	if c.n == 0 {
		c.cancel()
	}
	c.n--
	return c.Source.Next()
}

// manyRecs returns n lines of owner A on new devices, and one change to SN-A2.
func manyRecs(n int) []rec {
	recs := make([]rec, 0, n+1)
	changed := baseRecs[2]
	changed.end = "2025-12-31"
	recs = append(recs, changed)
	for i := range n {
		recs = append(recs, recOf(codeA, fmt.Sprintf("SN-M%03d", i), "SVC-STD", "2025-01-01", "2026-01-01"))
	}
	return recs
}

func testImportCancelled(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	src, err := warranty.NewCSVSource(strings.NewReader(file(manyRecs(200)...)))
	must(t, err)
	run, err := w.svc.Import(ctx, &cancelAfter{Source: src, n: 50, cancel: cancel}, warranty.ImportOptions{Mode: warranty.ModeSnapshot})
	wantError(t, "cancelled import", err, domain.Internal, "import.error.cancelled")
	if !errors.Is(err, context.Canceled) || run.Status != warranty.RunCancelled || run.Message != "import.error.cancelled" ||
		run.FinishedAt.IsZero() {
		t.Fatalf("cancelled import = %+v, %v; want a cancelled run", run, err)
	}
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
	// The lock went with the batch.
	w.mustImport(t, file(manyRecs(3)...), warranty.ModeUpsert, warranty.Counts{Read: 4, Inserted: 3, Updated: 1})
}

func testImportBroken(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	// A bare quote on line 23, with good lines before and after it.
	_, after, _ := strings.Cut(file(recOf(codeA, "SN-Z", "SVC-STD", "2025-01-01", "2026-01-01")), "\n")
	data := file(manyRecs(20)...) + codeA + `,x,a bare " quote,SN-X,,SVC,s,2025-01-01,2026-01-01` + "\n" + after
	run, err := w.importFile(t, t.Context(), data, warranty.ImportOptions{Mode: warranty.ModeSnapshot})
	wantError(t, "broken file", err, domain.Invalid, "import.error.csv")
	if run.Status != warranty.RunFailed || run.Message != "import.error.csv" {
		t.Errorf("run = %+v", run)
	}
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
}

func testLastSuccess(t *testing.T, w *warrantyWorld) {
	ctx := t.Context()
	if _, ok, err := w.svc.LastUpdated(ctx); err != nil || ok {
		t.Fatalf("LastUpdated on no runs = %v, %v; want false", ok, err)
	}
	if _, err := w.importFile(t, ctx, file(badRecs()...), warranty.ImportOptions{}); err == nil {
		t.Fatal("bad file imported")
	}
	if _, err := w.importFile(t, ctx, file(baseRecs...), warranty.ImportOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := w.svc.LastUpdated(ctx); err != nil || ok {
		t.Fatalf("LastUpdated after a failed run and a dry run = %v, %v; want false", ok, err)
	}
	first := w.mustImport(t, file(baseRecs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Inserted: 5})
	at, ok, err := w.svc.LastUpdated(ctx)
	if err != nil || !ok {
		t.Fatalf("LastUpdated = %v, %v", ok, err)
	}
	sameTime(t, "LastUpdated", at, first.FinishedAt)
	second := w.mustImport(t, file(baseRecs...), warranty.ModeUpsert, warranty.Counts{Read: 5, Unchanged: 5})
	if _, err := w.importFile(t, ctx, file(badRecs()...), warranty.ImportOptions{}); err == nil {
		t.Fatal("bad file imported")
	}
	at, _, err = w.svc.LastUpdated(ctx)
	must(t, err)
	sameTime(t, "LastUpdated", at, second.FinishedAt)
}

// testCancelReleases checks that a batch whose context ends is rolled back
// and releases the import lock even when its caller never ends it.
func testCancelReleases(t *testing.T, w *warrantyWorld) {
	ctx, cancel := context.WithCancel(t.Context())
	b, err := w.s.BeginImport(ctx)
	must(t, err)
	row, problems := warranty.ParseRow(2, []string{codeA, "甲", "设备", "SN-1", "", "SVC", "服务", "2025-01-01", "2026-01-01"})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	must(t, b.Add(ctx, row))
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		next, err := w.s.BeginImport(t.Context())
		if err == nil {
			must(t, next.Rollback())
			break
		}
		if domain.KindOf(err) != domain.Conflict || time.Now().After(deadline) {
			t.Fatalf("BeginImport after cancelling the open batch: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := b.Add(t.Context(), row); err == nil {
		t.Error("Add to a cancelled batch succeeded")
	}
	if _, err := b.Merge(t.Context(), warranty.ModeUpsert); err == nil {
		t.Error("Merge of a cancelled batch succeeded")
	}
	must(t, b.Rollback())
	if a := w.all(t, codeA); len(a) != 0 {
		t.Errorf("a cancelled batch stored %+v", a)
	}
}

// testImportNUL checks that a NUL character, which PostgreSQL cannot store,
// is a row error naming its line and column, and changes nothing.
func testImportNUL(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	recs := manyRecs(3)
	recs[2].device = "bad\x00name"
	run, err := w.importFile(t, t.Context(), file(recs...), warranty.ImportOptions{})
	wantError(t, "NUL", err, domain.Invalid, "import.error.rejected")
	if run.Status != warranty.RunFailed || len(run.Errors) != 1 || run.Errors[0].Key != "import.error.control" ||
		run.Errors[0].Column != "device_name" || run.Errors[0].Line != 4 {
		t.Errorf("run = %+v", run)
	}
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
}

// cancelAtMerge is an Importer whose batches cancel their import as the
// merge begins.
type cancelAtMerge struct {
	warranty.Importer
	cancel context.CancelFunc
}

func (c cancelAtMerge) BeginImport(ctx context.Context) (warranty.Batch, error) {
	b, err := c.Importer.BeginImport(ctx)
	if err != nil {
		return nil, err
	}
	return cancelledBatch{Batch: b, cancel: c.cancel}, nil
}

type cancelledBatch struct {
	warranty.Batch
	cancel context.CancelFunc
}

func (b cancelledBatch) Merge(ctx context.Context, m warranty.Mode) (warranty.Counts, error) {
	b.cancel()
	return b.Batch.Merge(ctx, m)
}

// testImportCancelledAtMerge cancels an import once every row is staged:
// the merge stops, nothing changes and the run is recorded as cancelled.
func testImportCancelledAtMerge(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	svc := warranty.NewService(warranty.Deps{Importer: cancelAtMerge{Importer: w.s, cancel: cancel}, Runs: w.s, Lookup: w.s,
		Tx: w.tx, Verifications: verified{}, Now: func() time.Time { return time.Now().Truncate(time.Millisecond) }})
	src, err := warranty.NewCSVSource(strings.NewReader(file(manyRecs(200)...)))
	must(t, err)
	run, err := svc.Import(ctx, src, warranty.ImportOptions{Mode: warranty.ModeSnapshot})
	wantError(t, "import cancelled at its merge", err, domain.Internal, "import.error.cancelled")
	if run.Status != warranty.RunCancelled || run.Counts.Read != 201 || run.Counts.Inserted != 0 {
		t.Fatalf("cancelled import = %+v, %v", run, err)
	}
	w.wantRecorded(t, run)
	sameDevices(t, w, a, b)
	w.mustImport(t, file(manyRecs(3)...), warranty.ModeUpsert, warranty.Counts{Read: 4, Inserted: 3, Updated: 1})
}
