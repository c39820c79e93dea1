package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
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

// importBatch is one import: a transaction holding the import lock, on a
// connection of its own, a TEMP staging table and the COPY that streams
// rows into it (copyWriter).
//
// Its transaction does not follow the context of BeginImport: database/sql
// would roll it back from another goroutine while the COPY is still open,
// which lib/pq cannot do. Instead the batch rolls itself back, COPY ended
// first, when that context ends (context.AfterFunc), and mu keeps that apart
// from the calls in flight.
type importBatch struct {
	mu     sync.Mutex
	conn   *sqlx.Conn // closed, back to the pool, when the batch is done
	tx     *sqlx.Tx
	copy   *copyWriter // nil once the COPY is finished
	merged bool
	done   bool        // committed or rolled back
	stop   func() bool // stops the rollback on cancellation
	rows   int         // rows staged
	// conflicts is how many staged rows contradict another, once checked.
	conflicts int
	checked   bool
	db        *sqlx.DB // for ANALYZE after a large batch
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
	// The COPY needs the driver's connection (sql.Conn.Raw), so the batch
	// takes one from the pool for its transaction.
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return nil, warrantyErr("begin import: connection", err)
	}
	tx, err := conn.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		_ = conn.Close()
		return nil, warrantyErr("begin import", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			_ = conn.Close()
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
	// The merge sorts the whole batch by key and, when devices are stored
	// already, hashes them and their lines: with 512 MB the hash tables of
	// 1 million devices and 3 million lines (about 160 and 320 MB) take one
	// pass instead of spilling to disk in several, which makes re-importing
	// such a batch about a tenth faster. (Its sort spills all the same, into a
	// single merge pass that costs little.) Only one import runs at a time.
	const workMem = `SET LOCAL work_mem = '512MB'`
	if _, err := tx.ExecContext(ctx, workMem); err != nil {
		return nil, warrantyErr("begin import: work_mem", err)
	}
	// Codes, serial numbers and SKUs in byte order (COLLATE "C", as in
	// devices) make the merge's sort and joins on them cheaper.
	const create = `
CREATE TEMP TABLE warranty_staging (
	line         integer NOT NULL,
	owner_code   text COLLATE "C" NOT NULL,
	owner_name   text NOT NULL,
	device_name  text NOT NULL,
	sn           text COLLATE "C" NOT NULL,
	order_no     text NOT NULL,
	sku          text COLLATE "C" NOT NULL,
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
	w, err := startCopy(ctx, conn.Conn, copyIn)
	if err != nil {
		return nil, warrantyErr("begin import: copy", err)
	}
	b := &importBatch{conn: conn, tx: tx, copy: w, db: s.db}
	b.stop = context.AfterFunc(ctx, func() { _ = b.Rollback() })
	return b, nil
}

var errBatchDone = errors.New("batch already committed or rolled back")

// errNUL refuses a row holding a NUL character, which PostgreSQL cannot
// store in text: it would fail the COPY without saying which line.
var errNUL = domain.E(domain.Invalid, "import.error.encoding")

// Add streams r into the COPY. A goroutine of the batch sends the rows to
// the server in chunks of 64 KiB, so memory does not grow with the batch;
// an error of the server may surface on a later Add or on Merge. A row
// holding a NUL character fails the batch with Invalid
// (import.error.encoding, Data Line).
func (b *importBatch) Add(ctx context.Context, r warranty.Row) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.done:
		return warrantyErr("add", errBatchDone)
	case b.copy == nil:
		return warrantyErr("add", errors.New("batch already merged"))
	}
	if hasNUL(&r) {
		return errNUL.With("Line", r.Line)
	}
	if err := b.copy.add(ctx, &r); err != nil {
		return warrantyErr("add", err)
	}
	b.rows++
	return nil
}

// finishCopy ends the COPY and reports the errors of rows still in flight.
func (b *importBatch) finishCopy() error {
	if b.copy == nil {
		return nil
	}
	err := b.copy.finish()
	b.copy = nil
	return err
}

// Merge ends the COPY and applies the staged rows that conflict with no
// other (Conflicts) in a few set-based statements (see merge). Nothing is
// visible to readers before Commit.
func (b *importBatch) Merge(ctx context.Context, m warranty.Mode) (warranty.Counts, error) {
	if m != warranty.ModeUpsert && m != warranty.ModeSnapshot {
		return warranty.Counts{}, domain.E(domain.Invalid, "import.error.mode")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.check(ctx); err != nil {
		return warranty.Counts{}, err
	}
	b.merged = true
	if b.conflicts > 0 {
		if err := b.reclassify(ctx); err != nil {
			return warranty.Counts{}, warrantyErr("merge", err)
		}
	}
	c, err := merge(ctx, b.tx, m)
	if err != nil {
		return warranty.Counts{}, warrantyErr("merge", err)
	}
	// Each merged key is one distinct row of the batch; the other rows
	// staged repeat one of them exactly.
	c.Duplicates = b.rows - b.conflicts - (c.Inserted + c.Updated + c.Unchanged)
	return c, nil
}

// Commit calls fn with the warranty stores over the batch's transaction,
// then makes the merged batch and what fn wrote visible and releases the
// import lock. It returns the error of COMMIT; when fn fails, or ctx has
// ended, it rolls back instead and returns that error.
func (b *importBatch) Commit(ctx context.Context, fn func(warranty.Stores) error) error {
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
	// The COPY has ended with the merge, so the transaction takes other
	// statements again.
	if err := fn(warrantyStores(b.tx)); err != nil {
		_ = b.rollback()
		return err
	}
	b.done = true
	b.stop()
	err := b.tx.Commit()
	_ = b.conn.Close()
	if err != nil {
		return warrantyErr("commit", err)
	}
	if b.rows >= analyzeAfter {
		// Best effort: the batch is committed whatever happens here, and
		// autovacuum does both later anyway. The trigram index keeps the
		// batch's names in its pending list (up to 4 MB), which every
		// fuzzy lookup would read until it is merged, and which makes the
		// planner shun the index. VACUUM also marks the devices' pages
		// all-visible, so that a name search walks the covering index
		// without reading a table row per device (00025).
		_, _ = b.db.ExecContext(ctx, `SELECT gin_clean_pending_list('devices_name_trgm_idx'::regclass)`)
		_, _ = b.db.ExecContext(ctx, `VACUUM (ANALYZE) devices`)
		_, _ = b.db.ExecContext(ctx, `ANALYZE service_lines`)
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
	if b.copy != nil {
		b.copy.stop()
		b.copy = nil
	}
	err := b.tx.Rollback()
	_ = b.conn.Close()
	// lib/pq closes the connection of a statement whose context ends, and
	// the server then aborts the transaction and frees the lock itself.
	if err != nil && !errors.Is(err, sql.ErrTxDone) && !errors.Is(err, driver.ErrBadConn) {
		return err
	}
	return nil
}
