package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"supportal/domain/warranty"
)

// The message ids of conflicting rows, as the PostgreSQL store returns them.
const (
	keyConflictDevice = "import.error.conflict_device"
	keyConflictLine   = "import.error.conflict_line"
)

// Conflicts finds the rows of the batch that contradict another, as the
// PostgreSQL store does (see postgres.findConflicts): within a group of rows
// of one device, or of one service line, the first row f and the earliest
// line g that differs from it; every row of such a group is reported
// against f when it differs from f, against g otherwise, naming the
// columns that differ. Merge leaves every reported row out.
func (b *batch) Conflicts(ctx context.Context, limit int) ([]warranty.RowError, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || b.merged {
		return nil, 0, errBatchDone
	}
	errs := b.findConflicts()
	if len(errs) > limit {
		errs = errs[:limit]
	}
	return errs, len(b.conflicting), nil
}

// findConflicts fills b.conflicting once and returns every conflict in
// line order. The caller holds b.mu.
func (b *batch) findConflicts() []warranty.RowError {
	if b.conflicting != nil {
		return b.conflictErrs
	}
	b.conflicting = map[int]bool{}
	rows := slices.Clone(b.rows)
	// The order of the PostgreSQL store's window: bytes of sn, owner code
	// and SKU, then start date and line.
	slices.SortFunc(rows, func(x, y warranty.Row) int {
		return cmp.Or(strings.Compare(x.SN, y.SN), strings.Compare(x.OwnerCode, y.OwnerCode),
			strings.Compare(x.SKU, y.SKU), x.Start.Compare(y.Start), cmp.Compare(x.Line, y.Line))
	})
	var errs []warranty.RowError
	sameDevice := func(x, y warranty.Row) bool { return x.SN == y.SN && x.OwnerCode == y.OwnerCode }
	sameLine := func(x, y warranty.Row) bool { return sameDevice(x, y) && x.SKU == y.SKU && x.Start.Equal(y.Start) }
	for _, g := range []struct {
		key  string
		same func(x, y warranty.Row) bool
		cols func(x, y warranty.Row) []string
	}{{keyConflictDevice, sameDevice, deviceDiff}, {keyConflictLine, sameLine, lineDiff}} {
		for i := 0; i < len(rows); {
			j := i + 1
			for j < len(rows) && g.same(rows[i], rows[j]) {
				j++
			}
			errs = append(errs, groupConflicts(rows[i:j], g.key, g.cols)...)
			i = j
		}
	}
	slices.SortStableFunc(errs, func(x, y warranty.RowError) int { return cmp.Compare(x.Line, y.Line) })
	for _, e := range errs {
		b.conflicting[e.Line] = true
	}
	b.conflictErrs = errs
	return errs
}

// groupConflicts reports the rows of one group, sorted in window order,
// when they do not all agree on the columns cols compares.
func groupConflicts(rows []warranty.Row, key string, cols func(x, y warranty.Row) []string) []warranty.RowError {
	f := rows[0]
	var g *warranty.Row
	for i := range rows {
		if len(cols(rows[i], f)) > 0 && (g == nil || rows[i].Line < g.Line) {
			g = &rows[i]
		}
	}
	if g == nil {
		return nil
	}
	out := make([]warranty.RowError, 0, len(rows))
	for _, r := range rows {
		other := f
		if len(cols(r, f)) == 0 {
			other = *g
		}
		out = append(out, warranty.RowError{Line: r.Line, Key: key,
			Data: map[string]any{"Other": other.Line, "Columns": strings.Join(cols(r, other), ", ")}})
	}
	return out
}

// deviceDiff names the device columns in which x and y differ.
func deviceDiff(x, y warranty.Row) []string {
	var out []string
	if x.OwnerName != y.OwnerName {
		out = append(out, "customer_name")
	}
	if x.DeviceName != y.DeviceName {
		out = append(out, "device_name")
	}
	if x.OrderNo != y.OrderNo {
		out = append(out, "order_no")
	}
	return out
}

// lineDiff names the service line columns in which x and y differ.
func lineDiff(x, y warranty.Row) []string {
	var out []string
	if x.ServiceName != y.ServiceName {
		out = append(out, "service_name")
	}
	if !x.End.Equal(y.End) {
		out = append(out, "end_date")
	}
	return out
}
