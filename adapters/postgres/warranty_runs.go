package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain/warranty"
)

// ImportRuns records the warranty import runs (import_runs), over the
// database or over the transaction of a unit of work.
type ImportRuns struct {
	db sqlx.ExtContext
}

var _ warranty.Runs = (*ImportRuns)(nil)

// NewImportRuns returns the run records over db: a *sqlx.DB, or the
// *sqlx.Tx of a unit of work.
func NewImportRuns(db sqlx.ExtContext) *ImportRuns { return &ImportRuns{db: db} }

// NewWarrantyTx returns the warranty module's unit-of-work runner: its
// stores are the run records and the audit log over one transaction.
func NewWarrantyTx(db *sqlx.DB) *TxRunner[warranty.Stores] {
	return NewTxRunner(db, warrantyStores)
}

// warrantyStores returns the warranty module's stores over tx.
func warrantyStores(tx *sqlx.Tx) warranty.Stores {
	return warranty.Stores{Runs: NewImportRuns(tx), Audit: NewAudit(tx)}
}

// runError is a row error as import_runs.errors stores it.
type runError struct {
	Line   int            `json:"line"`
	Column string         `json:"column,omitempty"`
	Key    string         `json:"key"`
	Data   map[string]any `json:"data,omitempty"`
}

// runErrors encodes the row errors of a run as a JSON array.
func runErrors(es []warranty.RowError) ([]byte, error) {
	out := make([]runError, len(es))
	for i, e := range es {
		out[i] = runError{Line: e.Line, Column: e.Column, Key: e.Key, Data: e.Data}
	}
	return json.Marshal(out)
}

// StartRun records a run and fills r.ID. The warranty service starts a run
// over the database, not in an import's transaction, so that the record
// outlives a batch that rolls back.
func (s *ImportRuns) StartRun(ctx context.Context, r *warranty.Run) error {
	errs, err := runErrors(r.Errors)
	if err != nil {
		return warrantyErr("start run: errors", err)
	}
	const q = `
INSERT INTO import_runs (source, mode, dry_run, started_at, finished_at, status,
	read, inserted, updated, unchanged, removed, rejected, duplicates, errors, message)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
RETURNING id`
	c := r.Counts
	var id int64
	err = s.db.QueryRowxContext(ctx, q, r.Source, r.Mode, r.DryRun, r.StartedAt, zeroNull(r.FinishedAt), r.Status,
		c.Read, c.Inserted, c.Updated, c.Unchanged, c.Removed, c.Rejected, c.Duplicates, errs, r.Message).Scan(&id)
	if err != nil {
		return warrantyErr("start run", err)
	}
	r.ID = id
	return nil
}

// FinishRun stores the outcome of the run r.ID: finish time, status, counts,
// row errors and message. It returns NotFound (error.not_found) when no run
// has that id.
func (s *ImportRuns) FinishRun(ctx context.Context, r warranty.Run) error {
	errs, err := runErrors(r.Errors)
	if err != nil {
		return warrantyErr("finish run: errors", err)
	}
	const q = `
UPDATE import_runs SET finished_at = $2, status = $3, read = $4, inserted = $5, updated = $6,
	unchanged = $7, removed = $8, rejected = $9, duplicates = $10, errors = $11, message = $12
WHERE id = $1
RETURNING id`
	c := r.Counts
	var id int64
	err = s.db.QueryRowxContext(ctx, q, r.ID, zeroNull(r.FinishedAt), r.Status,
		c.Read, c.Inserted, c.Updated, c.Unchanged, c.Removed, c.Rejected, c.Duplicates, errs, r.Message).Scan(&id)
	if err != nil {
		return warrantyErr("finish run", notFound(err, keyRunNotFound))
	}
	return nil
}

// LastSuccess returns when the last successful run finished; ok is false
// when no run has succeeded. Failed runs and dry runs do not count.
func (s *ImportRuns) LastSuccess(ctx context.Context) (time.Time, bool, error) {
	const q = `SELECT max(finished_at) FROM import_runs WHERE status = 'succeeded'`
	var at sql.NullTime
	if err := sqlx.GetContext(ctx, s.db, &at, q); err != nil {
		return time.Time{}, false, warrantyErr("last success", err)
	}
	return utcOrZero(at), at.Valid, nil
}

// runRow is a row of import_runs.
type runRow struct {
	ID         int64        `db:"id"`
	Source     string       `db:"source"`
	Mode       string       `db:"mode"`
	DryRun     bool         `db:"dry_run"`
	StartedAt  time.Time    `db:"started_at"`
	FinishedAt sql.NullTime `db:"finished_at"`
	Status     string       `db:"status"`
	Read       int          `db:"read"`
	Inserted   int          `db:"inserted"`
	Updated    int          `db:"updated"`
	Unchanged  int          `db:"unchanged"`
	Removed    int          `db:"removed"`
	Rejected   int          `db:"rejected"`
	Duplicates int          `db:"duplicates"`
	Errors     []byte       `db:"errors"`
	Message    string       `db:"message"`
}

// RunByID returns the recorded run id, for operators and tests. It returns
// NotFound (error.not_found) when no run has that id.
func (s *ImportRuns) RunByID(ctx context.Context, id int64) (warranty.Run, error) {
	const q = `
SELECT id, source, mode, dry_run, started_at, finished_at, status,
	read, inserted, updated, unchanged, removed, rejected, duplicates, errors, message
FROM import_runs WHERE id = $1`
	var r runRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, id); err != nil {
		return warranty.Run{}, warrantyErr("run by id", notFound(err, keyRunNotFound))
	}
	var es []runError
	if err := json.Unmarshal(r.Errors, &es); err != nil {
		return warranty.Run{}, warrantyErr("run by id: errors", err)
	}
	run := warranty.Run{ID: r.ID, Source: r.Source, Mode: warranty.Mode(r.Mode), DryRun: r.DryRun,
		StartedAt: r.StartedAt.UTC(), FinishedAt: utcOrZero(r.FinishedAt), Status: r.Status,
		Counts: warranty.Counts{Read: r.Read, Inserted: r.Inserted, Updated: r.Updated, Unchanged: r.Unchanged,
			Removed: r.Removed, Rejected: r.Rejected, Duplicates: r.Duplicates},
		Message: r.Message}
	for _, e := range es {
		run.Errors = append(run.Errors, warranty.RowError{Line: e.Line, Column: e.Column, Key: e.Key, Data: e.Data})
	}
	return run, nil
}
