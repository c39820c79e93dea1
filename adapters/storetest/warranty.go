package storetest

import (
	"context"
	"encoding/csv"
	"strings"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/warranty"
)

// WarrantyStores is everything the warranty module stores, plus RunByID,
// through which the suite checks what a run recorded.
type WarrantyStores interface {
	warranty.Importer
	warranty.Runs
	warranty.Lookup
	RunByID(ctx context.Context, id int64) (warranty.Run, error)
}

// WarrantyBackend is an empty warranty store with the module's unit-of-work
// runner and the audit log both write to.
type WarrantyBackend struct {
	Store WarrantyStores
	Tx    warranty.TxRunner
	Audit AuditStore
}

// Warranty runs the warranty store contract through the real warranty
// service and CSV source. newBackend returns an empty store, its runner and
// audit log; it is called once per subtest, and subtests run in parallel.
func Warranty(t *testing.T, newBackend func(t *testing.T) WarrantyBackend) {
	tests := []struct {
		name string
		run  func(t *testing.T, w *warrantyWorld)
	}{
		{"Insert", testImportInsert},
		{"ReimportUnchanged", testImportUnchanged},
		{"Update", testImportUpdate},
		{"ExactDuplicatesOnce", testImportExactDuplicates},
		{"ConflictRejectsBatch", testImportConflictRejects},
		{"ConflictSkipInvalid", testImportConflictSkipped},
		{"SameSNOtherOwner", testImportSameSNOtherOwner},
		{"ConflictsBounded", testImportConflictsBounded},
		{"BadFileRecorded", testImportBadFileRecorded},
		{"SnapshotRemoves", testImportSnapshot},
		{"UpsertKeeps", testImportUpsertKeeps},
		{"DryRun", testImportDryRun},
		{"InvalidRejectsBatch", testImportInvalid},
		{"SkipInvalid", testImportSkipInvalid},
		{"SecondImportRefused", testImportConcurrent},
		{"CancelledMidImport", testImportCancelled},
		{"CancelledAtMerge", testImportCancelledAtMerge},
		{"BrokenFileMidImport", testImportBroken},
		{"CancelReleasesLock", testCancelReleases},
		{"NULRefused", testImportNUL},
		{"LastSuccess", testLastSuccess},
		{"SampleFile", testSampleFile},
		{"SearchName", testSearchName},
		{"SearchSN", testSearchSN},
		{"OwnerIsolation", testOwnerIsolation},
		{"DeviceLookups", testDeviceLookups},
		{"SortByEndDate", testSortByEnd},
		{"Paging", testPaging},
		{"CountCapped", testCountCapped},
		{"Export", testExport},
		{"ExportSnapshot", testExportSnapshot},
		{"ImportAudited", testImportAudited},
		{"FinishUndoneWhenAuditFails", testFinishUndone},
		{"CommitUndoneWhenAuditFails", testCommitUndone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newWarrantyWorld(newBackend(t)))
		})
	}
}

// The callers of the suite, each of a company verified for one credit code;
// the service passes them on to Verifications as the caller's company.
const (
	accountA int64 = 1 + iota
	accountB
	accountC
)

// verified is a warranty.Verifications that knows accountA..C.
type verified map[int64]string

func (v verified) VerifiedCreditCode(_ context.Context, companyID int64) (string, error) {
	if code, ok := v[companyID]; ok {
		return code, nil
	}
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// warrantyWorld is a store and the service over it, with a clock that moves
// one second per reading.
type warrantyWorld struct {
	s     WarrantyStores
	tx    warranty.TxRunner
	audit AuditStore
	svc   *warranty.Service
}

func newWarrantyWorld(be WarrantyBackend) *warrantyWorld {
	s := be.Store
	var (
		mu  sync.Mutex
		now = time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	svc := warranty.NewService(warranty.Deps{Importer: s, Runs: s, Lookup: s, Tx: be.Tx,
		Verifications: verified{accountA: codeA, accountB: codeB, accountC: codeC}, Now: clock})
	return &warrantyWorld{s: s, tx: be.Tx, audit: be.Audit, svc: svc}
}

// rec is one line of an import file.
type rec struct {
	code, owner, device, sn, order, sku, service, start, end string
}

// recOf returns a valid line of owner code for device sn.
func recOf(code, sn, sku, start, end string) rec {
	return rec{code: code, owner: "公司 " + code[:4], device: "设备 " + sn, sn: sn, order: "PO-" + sn,
		sku: sku, service: "服务 " + sku, start: start, end: end}
}

// file returns an import file with the header and recs.
func file(recs ...rec) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(warranty.Columns)
	for _, r := range recs {
		_ = w.Write([]string{r.code, r.owner, r.device, r.sn, r.order, r.sku, r.service, r.start, r.end})
	}
	w.Flush()
	return b.String()
}

// importFile runs the service's import of data with o.
func (w *warrantyWorld) importFile(t *testing.T, ctx context.Context, data string, o warranty.ImportOptions) (warranty.Run, error) {
	t.Helper()
	src, err := warranty.NewCSVSource(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return w.svc.Import(ctx, src, o)
}

// mustImport imports data and fails unless the run succeeds with want.
func (w *warrantyWorld) mustImport(t *testing.T, data string, mode warranty.Mode, want warranty.Counts) warranty.Run {
	t.Helper()
	run, err := w.importFile(t, t.Context(), data, warranty.ImportOptions{Mode: mode, Source: "test"})
	if err != nil {
		t.Fatalf("import: %v (run %+v)", err, run)
	}
	if run.Status != warranty.RunSucceeded || run.Counts != want {
		t.Fatalf("import: status %s counts %+v, want succeeded %+v", run.Status, run.Counts, want)
	}
	w.wantRecorded(t, run)
	return run
}

// wantRecorded fails unless the store recorded run as the service returned it.
func (w *warrantyWorld) wantRecorded(t *testing.T, run warranty.Run) {
	t.Helper()
	got, err := w.s.RunByID(t.Context(), run.ID)
	must(t, err)
	if got.Status != run.Status || got.Counts != run.Counts || got.Mode != run.Mode || got.DryRun != run.DryRun ||
		got.Source != run.Source || got.Message != run.Message || len(got.Errors) != len(run.Errors) {
		t.Errorf("recorded run = %+v\nwant %+v", got, run)
	}
	sameTime(t, "recorded StartedAt", got.StartedAt, run.StartedAt)
	sameTime(t, "recorded FinishedAt", got.FinishedAt, run.FinishedAt)
	for i := range got.Errors {
		if g, r := got.Errors[i], run.Errors[i]; g.Line != r.Line || g.Column != r.Column || g.Key != r.Key {
			t.Errorf("recorded error %d = %+v, want %+v", i, g, r)
		}
	}
}

// all returns every device of code, latest end date first.
func (w *warrantyWorld) all(t *testing.T, code string) []warranty.Device {
	t.Helper()
	devs, err := w.s.SearchDevices(t.Context(), warranty.Query{Owner: code, Sort: warranty.SortEndDesc, Limit: 1000})
	must(t, err)
	return devs
}

// find returns the device sn of code, failing when there is none.
func (w *warrantyWorld) find(t *testing.T, code, sn string) warranty.Device {
	t.Helper()
	devs, err := w.s.SearchDevices(t.Context(), warranty.Query{Owner: code, SN: sn, Limit: 10})
	must(t, err)
	if len(devs) != 1 {
		t.Fatalf("device %s/%s: %d found", code, sn, len(devs))
	}
	return devs[0]
}

// day parses a date of the suite.
func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}
