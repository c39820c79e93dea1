package memory

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"supportal/domain"
	"supportal/domain/warranty"
)

// batch is an import into a WarrantyStore: rows are kept until Merge, which
// computes the new state beside the old one; Commit swaps it in.
type batch struct {
	s       *WarrantyStore
	mu      sync.Mutex
	rows    []warranty.Row
	next    map[deviceKey]device // the merged state, once merged
	lastID  int64
	merged  bool
	done    bool
	stopCtx func() bool
	// conflicting holds the lines of the rows that contradict another,
	// once Conflicts or Merge has found them, and conflictErrs their errors.
	conflicting  map[int]bool
	conflictErrs []warranty.RowError
}

// errNUL refuses a row holding a NUL character.
var errNUL = domain.E(domain.Invalid, "import.error.encoding")

var errBatchDone = errors.New("memory warranty store: batch already committed or rolled back")

// BeginImport opens a batch. It returns Conflict (import.error.running) while
// another batch is open. Cancelling ctx rolls the batch back.
func (s *WarrantyStore) BeginImport(ctx context.Context) (warranty.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.importing {
		return nil, errImportRunning
	}
	s.importing = true
	b := &batch{s: s}
	b.stopCtx = context.AfterFunc(ctx, func() { _ = b.Rollback() })
	return b, nil
}

// Add stages r. A row holding a NUL character fails the batch with Invalid
// (import.error.encoding), as PostgreSQL cannot store it.
func (b *batch) Add(ctx context.Context, r warranty.Row) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || b.merged {
		return errBatchDone
	}
	for _, v := range []string{r.OwnerCode, r.OwnerName, r.DeviceName, r.SN, r.OrderNo, r.SKU, r.ServiceName} {
		if strings.IndexByte(v, 0) >= 0 {
			return errNUL.With("Line", r.Line)
		}
	}
	b.rows = append(b.rows, r)
	return nil
}

// Merge computes the state after the batch with the PostgreSQL store's
// semantics (see postgres.merge): the last line of the file wins, unchanged
// lines are counted and not written, snapshot mode removes the unlisted
// lines of the batch's owners and their devices left without lines. Rows in
// conflict (Conflicts) are left out; a row repeating another exactly counts
// as a duplicate.
func (b *batch) Merge(ctx context.Context, m warranty.Mode) (warranty.Counts, error) {
	if m != warranty.ModeUpsert && m != warranty.ModeSnapshot {
		return warranty.Counts{}, domain.E(domain.Invalid, "import.error.mode")
	}
	if err := ctx.Err(); err != nil {
		return warranty.Counts{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || b.merged {
		return warranty.Counts{}, errBatchDone
	}
	b.findConflicts()
	b.merged = true
	b.s.mu.Lock()
	old, lastID := b.s.devices, b.s.lastID
	b.s.mu.Unlock()

	// The last line of the file wins, for lines and for devices.
	rows := slices.DeleteFunc(slices.Clone(b.rows), func(r warranty.Row) bool { return b.conflicting[r.Line] })
	slices.SortStableFunc(rows, func(x, y warranty.Row) int { return cmp.Compare(x.Line, y.Line) })
	lines := map[deviceKey]map[lineKey]warranty.Line{}
	devs := map[deviceKey]warranty.Row{}
	for _, r := range rows {
		k := deviceKey{r.OwnerCode, r.SN}
		devs[k] = r
		if lines[k] == nil {
			lines[k] = map[lineKey]warranty.Line{}
		}
		lines[k][lineKey{r.SKU, r.Start}] = warranty.Line{SKU: r.SKU, ServiceName: r.ServiceName, Start: r.Start, End: r.End}
	}

	var c warranty.Counts
	c.Duplicates = len(rows)
	for _, ls := range lines {
		c.Duplicates -= len(ls)
	}
	next := make(map[deviceKey]device, len(old))
	for k, d := range old {
		next[k] = d.clone()
	}
	// Devices in key order, so that new ids do not depend on map order.
	for _, k := range slices.SortedFunc(maps.Keys(devs), func(x, y deviceKey) int {
		return cmp.Or(cmp.Compare(x.owner, y.owner), cmp.Compare(x.sn, y.sn))
	}) {
		r := devs[k]
		d, found := next[k]
		if !found {
			lastID++
			d = device{id: lastID, lines: map[lineKey]warranty.Line{}}
		}
		devChanged := found && (d.ownerName != r.OwnerName || d.name != r.DeviceName || d.orderNo != r.OrderNo)
		d.ownerName, d.name, d.orderNo = r.OwnerName, r.DeviceName, r.OrderNo
		for lk, l := range lines[k] {
			was, ok := d.lines[lk]
			switch {
			case !ok:
				c.Inserted++
			case devChanged || was.ServiceName != l.ServiceName || !was.End.Equal(l.End):
				c.Updated++
			default:
				c.Unchanged++
			}
			d.lines[lk] = l
		}
		next[k] = d
	}
	if m == warranty.ModeSnapshot {
		owners := map[string]bool{}
		for k := range devs {
			owners[k.owner] = true
		}
		for k, d := range next {
			if !owners[k.owner] {
				continue
			}
			for lk := range d.lines {
				if _, listed := lines[k][lk]; !listed {
					delete(d.lines, lk)
					c.Removed++
				}
			}
			if len(d.lines) == 0 {
				delete(next, k)
			}
		}
	}
	b.next, b.lastID = next, lastID
	return c, nil
}

// Commit calls fn in a unit of work of the store's WarrantyTx and, when fn
// succeeds, makes the merged batch visible; when fn fails, or ctx has
// ended, it rolls back instead and returns that error.
func (b *batch) Commit(ctx context.Context, fn func(warranty.Stores) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		b.end()
		return err
	}
	switch {
	case b.done:
		return errBatchDone
	case !b.merged:
		return errors.New("memory warranty store: batch not merged")
	}
	defer b.end()
	b.s.mu.Lock()
	tx := b.s.tx
	b.s.mu.Unlock()
	if tx == nil {
		return errNoTx
	}
	return tx.InTx(ctx, func(st warranty.Stores) error {
		if err := fn(st); err != nil {
			return err
		}
		// Publish before releasing the slot, so that the next batch
		// merges against this one's result.
		b.s.mu.Lock()
		b.s.devices, b.s.lastID = b.next, b.lastID
		b.s.mu.Unlock()
		return nil
	})
}

// Rollback discards the batch; it is a no-op once the batch has ended.
func (b *batch) Rollback() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.end()
	return nil
}

// end releases the import slot once. The caller holds b.mu.
func (b *batch) end() {
	if b.done {
		return
	}
	b.done = true
	b.stopCtx()
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	b.s.importing = false
}
