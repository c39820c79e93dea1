package warranty

import (
	"context"
	"time"

	"supportal/ports"
)

// Importer opens import batches. BeginImport takes the one import lock and
// returns Conflict (import.error.running) when another import holds it.
type Importer interface {
	BeginImport(ctx context.Context) (Batch, error)
}

// Batch is one import in progress: rows are streamed into a staging area and
// merged in one set-based step; nothing is visible to readers before Commit.
type Batch interface {
	Add(ctx context.Context, r Row) error
	// Conflicts ends the staging and finds the rows that contradict another
	// row of the batch: the same device (owner code and SN) with another
	// customer name, device name or order number, or the same service line
	// (owner code, SN, SKU and start date) with another service name or end
	// date. It returns the first limit of them as row errors in line order
	// (import.error.conflict_device, import.error.conflict_line) and how many
	// rows conflict; Merge leaves all of those rows out. Rows that repeat
	// another exactly do not conflict.
	Conflicts(ctx context.Context, limit int) ([]RowError, int, error)
	// Merge applies the staged rows that conflict with no other and counts
	// what changed; a row repeating an earlier one exactly is applied once
	// and counted in Duplicates. In snapshot mode it also removes the
	// service lines of the staged owners that the batch does not list.
	Merge(ctx context.Context, m Mode) (Counts, error)
	// Commit calls fn with the stores over the batch's own transaction,
	// then makes the merged batch and what fn wrote visible together; when
	// fn fails, or ctx has ended, it rolls everything back and returns
	// that error. It returns the commit's error otherwise.
	Commit(ctx context.Context, fn func(Stores) error) error
	// Rollback discards the batch; it is a no-op after Commit.
	Rollback() error
}

// Runs records import runs.
type Runs interface {
	StartRun(ctx context.Context, r *Run) error
	FinishRun(ctx context.Context, r Run) error
	// LastSuccess returns when the last successful run finished (ok false
	// when none has).
	LastSuccess(ctx context.Context) (at time.Time, ok bool, err error)
}

// Stores are the stores one unit of work of the warranty module writes
// through: the run's record and its audit event.
type Stores struct {
	Runs  Runs
	Audit ports.Audit
}

// TxRunner runs units of work: InTx calls fn with Stores over one
// transaction, and keeps what fn wrote only when fn returns nil (then it
// returns the commit's error).
type TxRunner interface {
	InTx(ctx context.Context, fn func(Stores) error) error
}

// Lookup reads devices and their service lines, always within one owner.
type Lookup interface {
	// SearchDevices returns at most q.Limit devices of q.Owner matching q,
	// each with all its lines, in q.Sort order after skipping q.Offset.
	SearchDevices(ctx context.Context, q Query) ([]Device, error)
	// FindDevices returns the page of q (as SearchDevices) and how many
	// devices match q, counted up to upTo. A store may stop counting
	// earlier, after a bounded amount of work that depends only on the
	// query and the data (never on time): Found.AtLeast then says that
	// Found.Count devices are known to match and more may.
	FindDevices(ctx context.Context, q Query, upTo int) (Found, error)
	// EachDevice calls fn for every device of q.Owner matching q, each with
	// all its lines, in SearchDevices' order (q.Offset and q.Limit are
	// ignored), all from one snapshot: an import committed meanwhile shows
	// in every device or in none. It returns fn's first error.
	EachDevice(ctx context.Context, q Query, fn func(Device) error) error
	// ActiveLines returns the distinct services (SKU and name, with the
	// earliest start and latest end among them) of owner's lines that are
	// active on day (a date at midnight UTC, start and end inclusive), by
	// SKU.
	ActiveLines(ctx context.Context, owner string, day time.Time) ([]Line, error)
}

// Verifications answers which credit code a company is verified for (the
// verification module, wired by main). The company is the signed-in
// account's, 0 for an account without one. It returns Forbidden
// (error.verification.required) when the company is not verified.
type Verifications interface {
	VerifiedCreditCode(ctx context.Context, companyID int64) (string, error)
}
