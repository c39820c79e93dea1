package warranty

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"supportal/domain"
	"supportal/ports"
)

// MaxReportedErrors bounds the row errors kept in a report, so memory stays
// flat whatever the file.
const MaxReportedErrors = 1000

// ImportOptions choose how an import runs.
type ImportOptions struct {
	Mode        Mode
	DryRun      bool
	SkipInvalid bool
	Source      string // where the batch comes from, e.g. "cli:data.csv"
	// By is who imports, for the audit log.
	By Actor
	// Progress, when set, is called every ProgressEvery rows read.
	Progress func(read int)
}

// Actor is who runs an import: a service token of the API, or a person at
// the command line.
type Actor struct {
	TokenID   int64  // the API's service token; 0 at the command line
	User      string // the operating-system user of the command line, when known
	IP        string
	UserAgent string
}

// AuditImport is the type of the audit event every recorded run writes.
const AuditImport = "warranty_import"

// ProgressEvery is how often Progress is called.
const ProgressEvery = 1000

// Import streams src into one batch and applies it atomically: readers see the
// old data or the new, never half. One invalid row, or two rows that
// contradict each other (Batch.Conflicts), reject the whole batch unless
// SkipInvalid, which leaves them out; rows repeating another exactly are
// applied once and counted as duplicates. A dry run computes the counts and
// changes nothing. The run is recorded whatever happens, with its counts and
// row errors, and audited (AuditImport): a file whose header is wrong or that
// is empty fails the run; an import whose ctx ends before it commits is
// rolled back and recorded as cancelled, and Import then returns
// ErrCancelled.
//
// The run is started in a write of its own before the batch begins, so that
// its record outlives a batch that rolls back, and a run whose process dies
// shows as running. Its final record and audit event are one unit of work.
// For a batch that is applied, that unit is the batch's own transaction
// (Batch.Commit): the data, the run that says it succeeded and the event
// that records it are committed together, and no crash between two commits
// can leave applied data under a run that says it is still running, or
// unaudited. Every other outcome (rejected, failed, dry run, cancelled)
// rolls the batch back, a cancelled one from the goroutine that sees its
// context end and possibly over a connection that is gone, so that final
// record and event are written in a transaction of their own (Deps.Tx),
// once the batch has ended. An applied batch whose commit fails is recorded
// that second way too.
func (s *Service) Import(ctx context.Context, src Source, o ImportOptions) (Run, error) {
	if o.Mode == "" {
		o.Mode = ModeUpsert
	}
	if o.Mode != ModeUpsert && o.Mode != ModeSnapshot {
		return Run{}, domain.E(domain.Invalid, "import.error.mode")
	}
	if o.Mode == ModeSnapshot && o.SkipInvalid {
		// A rejected line would look unlisted and its stored line be removed.
		return Run{}, domain.E(domain.Invalid, "import.error.snapshot_skip_invalid")
	}
	run := Run{Source: o.Source, Mode: o.Mode, DryRun: o.DryRun, StartedAt: s.now(), Status: RunRunning}
	if err := s.d.Runs.StartRun(ctx, &run); err != nil {
		return run, fmt.Errorf("warranty: start run: %w", err)
	}
	defer s.updated.Clear()
	err := s.importRows(ctx, src, o, &run, func(st Stores) error {
		run.FinishedAt, run.Status = s.now(), RunSucceeded
		return s.finish(ctx, st, run, o.By)
	})
	if err == nil && !o.DryRun {
		return run, nil
	}
	run.FinishedAt = s.now()
	switch {
	case err != nil && ctx.Err() != nil:
		// Whatever failed first (a read of a body whose client is gone, a
		// statement cut short), the batch went with the context.
		run.Status, run.Message = RunCancelled, ErrCancelled.Key
		err = &domain.Error{Kind: ErrCancelled.Kind, Key: ErrCancelled.Key, Err: context.Cause(ctx)}
	case err != nil:
		run.Status, run.Message = RunFailed, "error.internal"
		if de := domain.As(err); de.Kind != domain.Internal {
			run.Message = de.Key
		}
	default:
		run.Status = RunDryRun
	}
	// Record the outcome even when ctx was cancelled mid-import.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ferr := s.d.Tx.InTx(fctx, func(st Stores) error { return s.finish(fctx, st, run, o.By) })
	if ferr != nil && err == nil {
		err = fmt.Errorf("warranty: finish run: %w", ferr)
	}
	return run, err
}

// finish writes the final record of run and its audit event through st.
func (s *Service) finish(ctx context.Context, st Stores, run Run, by Actor) error {
	if err := st.Runs.FinishRun(ctx, run); err != nil {
		return err
	}
	return st.Audit.Record(ctx, auditEvent(run, by))
}

// auditEvent is the audit log's line for run.
func auditEvent(run Run, by Actor) ports.AuditEvent {
	k := run.Counts
	who := ""
	switch {
	case by.TokenID != 0:
		who = fmt.Sprintf(" token=%d", by.TokenID)
	case by.User != "":
		who = fmt.Sprintf(" user=%q", by.User)
	}
	return ports.AuditEvent{At: run.FinishedAt, Type: AuditImport, IP: by.IP, UserAgent: by.UserAgent,
		Detail: fmt.Sprintf("run=%d%s source=%q mode=%s dry_run=%t status=%s read=%d inserted=%d updated=%d unchanged=%d removed=%d rejected=%d duplicates=%d",
			run.ID, who, run.Source, run.Mode, run.DryRun, run.Status, k.Read, k.Inserted, k.Updated, k.Unchanged, k.Removed, k.Rejected, k.Duplicates)}
}

// ErrCancelled is what Import returns when its context ended before the
// batch committed; the error it returns keeps the context's cause. The edges
// tell it by its key (import.error.cancelled).
var ErrCancelled = domain.E(domain.Internal, "import.error.cancelled")

var errRejected = domain.E(domain.Invalid, "import.error.rejected")

// importRows stages and merges the batch; unless it is a dry run, it
// commits the batch with what commit writes in its transaction.
func (s *Service) importRows(ctx context.Context, src Source, o ImportOptions, run *Run, commit func(Stores) error) (err error) {
	batch, err := s.d.Importer.BeginImport(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := batch.Rollback(); rerr != nil && err == nil {
			err = fmt.Errorf("warranty: rollback: %w", rerr)
		}
	}()
	if err := s.stage(ctx, src, o, batch, run); err != nil {
		return err
	}
	if run.Counts.Read == 0 {
		return domain.E(domain.Invalid, "import.error.empty")
	}
	conflicts, n, err := batch.Conflicts(ctx, max(MaxReportedErrors-len(run.Errors), 0))
	if err != nil {
		return err
	}
	run.Errors = append(run.Errors, conflicts...)
	run.Counts.Rejected += n
	if run.Counts.Rejected > 0 && !o.SkipInvalid {
		return errRejected.With("Count", run.Counts.Rejected)
	}
	c, err := batch.Merge(ctx, o.Mode)
	if err != nil {
		return err
	}
	run.Counts.Inserted, run.Counts.Updated, run.Counts.Unchanged, run.Counts.Removed = c.Inserted, c.Updated, c.Unchanged, c.Removed
	run.Counts.Duplicates = c.Duplicates
	if o.DryRun {
		return nil
	}
	return batch.Commit(ctx, commit)
}

// stage reads src into batch, counting the rows read and noting the invalid
// ones in run.
func (s *Service) stage(ctx context.Context, src Source, o ImportOptions, batch Batch, run *Run) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var cce *CellCountError
		switch {
		case errors.As(err, &cce):
			run.Counts.Read++
			run.Counts.Rejected++
			run.addError(RowError{Line: cce.Line, Key: "import.error.cells", Data: map[string]any{"Want": cce.Want, "Count": cce.Got}})
			continue
		case err != nil:
			return err
		}
		run.Counts.Read++
		if o.Progress != nil && run.Counts.Read%ProgressEvery == 0 {
			o.Progress(run.Counts.Read)
		}
		row, problems := ParseRow(line, rec)
		if len(problems) > 0 {
			run.Counts.Rejected++
			for _, p := range problems {
				run.addError(p)
			}
			continue
		}
		if err := batch.Add(ctx, row); err != nil {
			return err
		}
	}
	if o.Progress != nil {
		o.Progress(run.Counts.Read)
	}
	return nil
}

func (r *Run) addError(e RowError) {
	if len(r.Errors) < MaxReportedErrors {
		r.Errors = append(r.Errors, e)
	}
}

// LastUpdated returns when warranty data was last refreshed by a successful
// import (数据最后更新时间).
func (s *Service) LastUpdated(ctx context.Context) (time.Time, bool, error) {
	now := s.now()
	if r, ok := s.updated.Get(struct{}{}, now); ok {
		return r.at, r.ok, nil
	}
	gen := s.updated.Gen()
	at, ok, err := s.d.Runs.LastSuccess(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	s.updated.PutIf(struct{}{}, lastRun{at: at, ok: ok}, now, gen)
	return at, ok, nil
}
