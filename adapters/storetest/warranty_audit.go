package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/warranty"
	"supportal/ports"
)

// importEvents returns the audit log's warranty_import events.
func (w *warrantyWorld) importEvents(t *testing.T) []ports.AuditEvent {
	t.Helper()
	all, err := w.audit.Events(t.Context(), time.Time{}, 100)
	must(t, err)
	var out []ports.AuditEvent
	for _, e := range all {
		if e.Type == warranty.AuditImport {
			out = append(out, e)
		}
	}
	return out
}

// testImportAudited checks that every recorded run writes one audit event,
// read back from the log, naming the run, who ran it and how it ended.
func testImportAudited(t *testing.T, w *warrantyWorld) {
	by := warranty.Actor{TokenID: 7, IP: "203.0.113.9", UserAgent: "erp-sync/2"}
	run, err := w.importFile(t, t.Context(), file(baseRecs...), warranty.ImportOptions{Source: "api:erp", By: by})
	must(t, err)
	bad, err := w.importFile(t, t.Context(), file(recOf(codeA, "SN-A9", "SVC", "2025-01-01", "2024-01-01")),
		warranty.ImportOptions{Source: "cli:x.csv", By: warranty.Actor{User: "ops", UserAgent: "supportal-cli"}})
	wantError(t, "rejected import", err, domain.Invalid, "import.error.rejected")
	got := w.importEvents(t)
	if len(got) != 2 {
		t.Fatalf("audit events = %+v, want one per run", got)
	}
	ok, rej := got[0], got[1]
	if ok.IP != by.IP || ok.UserAgent != by.UserAgent || ok.ActorID != 0 ||
		!strings.Contains(ok.Detail, "token=7") || !strings.Contains(ok.Detail, "status=succeeded") ||
		!strings.Contains(ok.Detail, `source="api:erp"`) || !strings.Contains(ok.Detail, "inserted=5") {
		t.Errorf("event of the applied import = %+v (run %d)", ok, run.ID)
	}
	sameTime(t, "event at", ok.At, run.FinishedAt)
	if rej.UserAgent != "supportal-cli" || !strings.Contains(rej.Detail, `user="ops"`) ||
		!strings.Contains(rej.Detail, "status=failed") || !strings.Contains(rej.Detail, "rejected=1") {
		t.Errorf("event of the rejected import = %+v (run %d)", rej, bad.ID)
	}
}

var errAuditDown = errors.New("audit log unavailable")

// failingAudit refuses every event.
type failingAudit struct{}

func (failingAudit) Record(context.Context, ports.AuditEvent) error { return errAuditDown }

// failAudit wraps fn so that the audit log of its stores refuses events.
func failAudit(fn func(warranty.Stores) error) func(warranty.Stores) error {
	return func(st warranty.Stores) error {
		st.Audit = failingAudit{}
		return fn(st)
	}
}

// auditDownTx is a runner whose units of work cannot write their audit event.
type auditDownTx struct{ warranty.TxRunner }

func (r auditDownTx) InTx(ctx context.Context, fn func(warranty.Stores) error) error {
	return r.TxRunner.InTx(ctx, failAudit(fn))
}

// auditDownImporter opens batches whose commit cannot write its audit event.
type auditDownImporter struct{ warranty.Importer }

func (i auditDownImporter) BeginImport(ctx context.Context) (warranty.Batch, error) {
	b, err := i.Importer.BeginImport(ctx)
	if err != nil {
		return nil, err
	}
	return auditDownBatch{b}, nil
}

type auditDownBatch struct{ warranty.Batch }

func (b auditDownBatch) Commit(ctx context.Context, fn func(warranty.Stores) error) error {
	return b.Batch.Commit(ctx, failAudit(fn))
}

// auditDownService is the world's service over stores whose audit log
// refuses events.
func (w *warrantyWorld) auditDownService() *warranty.Service {
	return warranty.NewService(warranty.Deps{Importer: auditDownImporter{w.s}, Runs: w.s, Lookup: w.s,
		Tx: auditDownTx{w.tx}, Verifications: verified{}})
}

// wantStillRunning fails unless run is recorded as started and nothing more:
// the final record written before the audit event failed was undone.
func (w *warrantyWorld) wantStillRunning(t *testing.T, run warranty.Run) {
	t.Helper()
	got, err := w.s.RunByID(t.Context(), run.ID)
	must(t, err)
	if got.Status != warranty.RunRunning || !got.FinishedAt.IsZero() || got.Counts != (warranty.Counts{}) {
		t.Errorf("run after its audit event failed = %+v, want it as started", got)
	}
	if ev := w.importEvents(t); len(ev) != 1 {
		t.Errorf("audit events = %+v, want only the base import's", ev)
	}
}

// testFinishUndone makes the audit event of a rejected run fail: its final
// record, written first in the same unit of work, does not stay.
func testFinishUndone(t *testing.T, w *warrantyWorld) {
	withBase(t, w)
	run, err := w.auditDownService().Import(t.Context(), mustCSV(t, file(recOf(codeA, "SN-A9", "SVC", "2025-01-01", "2024-01-01"))),
		warranty.ImportOptions{Source: "test"})
	wantError(t, "rejected import", err, domain.Invalid, "import.error.rejected")
	if run.ID == 0 || run.Status != warranty.RunFailed {
		t.Fatalf("import = %+v, %v", run, err)
	}
	w.wantStillRunning(t, run)
}

// testCommitUndone makes the audit event of an applied batch fail: the
// batch, and the run's final record written in its transaction, do not
// stay, and the service reports the failure.
func testCommitUndone(t *testing.T, w *warrantyWorld) {
	a, b := withBase(t, w)
	changed := baseRecs[0]
	changed.end = "2030-01-01"
	run, err := w.auditDownService().Import(t.Context(), mustCSV(t, file(changed, recOf(codeA, "SN-A7", "SVC", "2025-01-01", "2026-01-01"))),
		warranty.ImportOptions{Source: "test"})
	if !errors.Is(err, errAuditDown) || run.Status != warranty.RunFailed {
		t.Fatalf("import with the audit log down = %+v, %v", run, err)
	}
	sameDevices(t, w, a, b)
	w.wantStillRunning(t, run)
	// The import lock went with the batch.
	w.mustImport(t, file(changed), warranty.ModeUpsert, warranty.Counts{Read: 1, Updated: 1})
}

// mustCSV returns the CSV source of data.
func mustCSV(t *testing.T, data string) warranty.Source {
	t.Helper()
	src, err := warranty.NewCSVSource(strings.NewReader(data))
	must(t, err)
	return src
}
