package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"

	"supportal/domain"
	"supportal/domain/warranty"
)

// importLockID is the key of the transaction-level advisory lock that one
// import holds from BeginImport to Commit or Rollback ("warranty" in ASCII).
const importLockID int64 = 0x77617272616e7479

// dateLayout is how rows' dates travel in the COPY stream.
const dateLayout = "2006-01-02"

// importBatch is one import: a transaction holding the import lock, a TEMP
// staging table and the COPY statement that streams rows into it.
//
// Its transaction does not follow the context of BeginImport: database/sql
// would roll it back from another goroutine while the COPY is still open,
// which lib/pq cannot do. Instead the batch rolls itself back, COPY closed
// first, when that context ends (context.AfterFunc), and mu keeps that apart
// from the calls in flight.
type importBatch struct {
	mu     sync.Mutex
	tx     *sqlx.Tx
	copy   *sql.Stmt // nil once the COPY is finished
	merged bool
	done   bool        // committed or rolled back
	stop   func() bool // stops the rollback on cancellation
	rows   int         // rows staged
	db     *sqlx.DB    // for ANALYZE after a large batch
}

// analyzeAfter is the batch size from which Commit refreshes the planner's
// statistics: right after a large import, stale statistics make common name
// fragments pick a plan that sorts a whole tenant.
const analyzeAfter = 10000

// BeginImport takes the import lock, creates the staging table and opens
// the COPY into it. It returns Conflict (import.error.running) when another
// import holds the lock. The caller must end the batch with Commit or
// Rollback; cancelling ctx rolls it back.
func (s *WarrantyStore) BeginImport(ctx context.Context) (_ warranty.Batch, err error) {
	tx, err := s.db.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, warrantyErr("begin import", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	const lock = `SELECT pg_try_advisory_xact_lock($1)`
	var locked bool
	if err := tx.GetContext(ctx, &locked, lock, importLockID); err != nil {
		return nil, warrantyErr("begin import: lock", err)
	}
	if !locked {
		return nil, domain.E(domain.Conflict, keyImportRunning)
	}
	// The merge sorts and hashes the whole batch; with the default 4 MB it
	// spills to disk from a few ten thousand lines. Only one import runs at
	// a time, so it may take more.
	const workMem = `SET LOCAL work_mem = '64MB'`
	if _, err := tx.ExecContext(ctx, workMem); err != nil {
		return nil, warrantyErr("begin import: work_mem", err)
	}
	const create = `
CREATE TEMP TABLE warranty_staging (
	line         integer NOT NULL,
	owner_code   text NOT NULL,
	owner_name   text NOT NULL,
	device_name  text NOT NULL,
	sn           text NOT NULL,
	order_no     text NOT NULL,
	sku          text NOT NULL,
	service_name text NOT NULL,
	start_date   date NOT NULL,
	end_date     date NOT NULL
) ON COMMIT DROP`
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return nil, warrantyErr("begin import: staging", err)
	}
	const copyIn = `
COPY warranty_staging (line, owner_code, owner_name, device_name, sn, order_no, sku, service_name,
	start_date, end_date) FROM STDIN`
	stmt, err := tx.PrepareContext(ctx, copyIn)
	if err != nil {
		return nil, warrantyErr("begin import: copy", err)
	}
	b := &importBatch{tx: tx, copy: stmt, db: s.db}
	b.stop = context.AfterFunc(ctx, func() { _ = b.Rollback() })
	return b, nil
}

var errBatchDone = errors.New("batch already committed or rolled back")

// errNUL refuses a row holding a NUL character, which PostgreSQL cannot
// store in text: it would fail the COPY without saying which line.
var errNUL = domain.E(domain.Invalid, "import.error.encoding")

// Add streams r into the COPY. lib/pq buffers the rows and sends them in
// 64 KiB messages, so memory does not grow with the batch; an error of the
// server may surface on a later Add or on Merge. A row holding a NUL
// character fails the batch with Invalid (import.error.encoding, Data Line).
func (b *importBatch) Add(ctx context.Context, r warranty.Row) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.done:
		return warrantyErr("add", errBatchDone)
	case b.copy == nil:
		return warrantyErr("add", errors.New("batch already merged"))
	}
	for _, v := range []string{r.OwnerCode, r.OwnerName, r.DeviceName, r.SN, r.OrderNo, r.SKU, r.ServiceName} {
		if strings.IndexByte(v, 0) >= 0 {
			return errNUL.With("Line", r.Line)
		}
	}
	_, err := b.copy.ExecContext(ctx, r.Line, r.OwnerCode, r.OwnerName, r.DeviceName, r.SN, r.OrderNo, r.SKU,
		r.ServiceName, r.Start.Format(dateLayout), r.End.Format(dateLayout))
	if err != nil {
		return warrantyErr("add", err)
	}
	b.rows++
	return nil
}

// finishCopy ends the COPY and reports the errors of rows still in flight.
func (b *importBatch) finishCopy(ctx context.Context) error {
	if b.copy == nil {
		return nil
	}
	_, err := b.copy.ExecContext(ctx) // no values: flush and end the COPY
	if cerr := b.copy.Close(); err == nil {
		err = cerr
	}
	b.copy = nil
	return err
}

// Merge ends the COPY and applies the staged rows in a few set-based
// statements (see merge). Nothing is visible to readers before Commit.
func (b *importBatch) Merge(ctx context.Context, m warranty.Mode) (warranty.Counts, error) {
	if m != warranty.ModeUpsert && m != warranty.ModeSnapshot {
		return warranty.Counts{}, domain.E(domain.Invalid, "import.error.mode")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.done:
		return warranty.Counts{}, warrantyErr("merge", errBatchDone)
	case b.merged:
		return warranty.Counts{}, warrantyErr("merge", errors.New("batch already merged"))
	}
	if err := b.finishCopy(ctx); err != nil {
		return warranty.Counts{}, warrantyErr("merge: copy", err)
	}
	b.merged = true
	c, err := merge(ctx, b.tx, m)
	if err != nil {
		return warranty.Counts{}, warrantyErr("merge", err)
	}
	return c, nil
}

// Commit makes the merged batch visible and releases the import lock. It
// returns the error of COMMIT; when ctx has ended it rolls back instead.
func (b *importBatch) Commit(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		if !b.done {
			_ = b.rollback()
		}
		return warrantyErr("commit", err)
	}
	switch {
	case b.done:
		return warrantyErr("commit", errBatchDone)
	case !b.merged:
		return warrantyErr("commit", errors.New("batch not merged"))
	}
	b.done = true
	b.stop()
	if err := b.tx.Commit(); err != nil {
		return warrantyErr("commit", err)
	}
	if b.rows >= analyzeAfter {
		// Best effort: the batch is committed whatever happens here, and
		// autovacuum refreshes the statistics later anyway.
		_, _ = b.db.ExecContext(ctx, `ANALYZE devices, service_lines`)
	}
	return nil
}

// Rollback discards the batch and releases the import lock. It is a no-op
// once the batch is committed or rolled back.
func (b *importBatch) Rollback() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	if err := b.rollback(); err != nil {
		return warrantyErr("rollback", err)
	}
	return nil
}

// rollback ends the COPY, which lib/pq needs before any other statement,
// and rolls back. The caller holds mu.
func (b *importBatch) rollback() error {
	b.done = true
	b.stop()
	// A COPY that the server refused is rolled back all the same.
	_ = b.finishCopy(context.Background())
	err := b.tx.Rollback()
	// lib/pq closes the connection of a statement whose context ends, and
	// the server then aborts the transaction and frees the lock itself.
	if err != nil && !errors.Is(err, sql.ErrTxDone) && !errors.Is(err, driver.ErrBadConn) {
		return err
	}
	return nil
}
