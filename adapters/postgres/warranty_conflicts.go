package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"supportal/domain/warranty"
)

// The message ids of conflicting rows.
const (
	keyConflictDevice = "import.error.conflict_device"
	keyConflictLine   = "import.error.conflict_line"
)

// Conflicts ends the COPY and finds the staged rows that contradict
// another (findConflicts). It returns the first limit of them as row errors
// and how many rows conflict; Merge leaves them out.
func (b *importBatch) Conflicts(ctx context.Context, limit int) ([]warranty.RowError, int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.check(ctx); err != nil {
		return nil, 0, err
	}
	if b.conflicts == 0 || limit <= 0 {
		return nil, b.conflicts, nil
	}
	errs, err := conflictErrors(ctx, b.tx, limit)
	if err != nil {
		return nil, 0, warrantyErr("conflicts", err)
	}
	return errs, b.conflicts, nil
}

// check ends the COPY and classifies the batch (classify) once; only when
// that finds contradicting rows does findConflicts say which. The caller
// holds mu.
func (b *importBatch) check(ctx context.Context) error {
	switch {
	case b.done:
		return warrantyErr("conflicts", errBatchDone)
	case b.merged:
		return warrantyErr("conflicts", errors.New("batch already merged"))
	case b.checked:
		return nil
	}
	if err := b.finishCopy(); err != nil {
		return warrantyErr("conflicts: copy", err)
	}
	conflict, err := classify(ctx, b.tx)
	if err != nil {
		return warrantyErr("conflicts", err)
	}
	if conflict {
		if b.conflicts, err = findConflicts(ctx, b.tx); err != nil {
			return warrantyErr("conflicts", err)
		}
		if b.conflicts == 0 {
			return warrantyErr("conflicts", errors.New("classify saw conflicts that findConflicts does not"))
		}
	}
	b.checked = true
	return nil
}

// reclassify removes the rows in conflict from the staging table and
// classifies what is left.
func (b *importBatch) reclassify(ctx context.Context) error {
	if err := dropConflicts(ctx, b.tx); err != nil {
		return err
	}
	if err := declassify(ctx, b.tx); err != nil {
		return err
	}
	conflict, err := classify(ctx, b.tx)
	if err == nil && conflict {
		err = errors.New("conflicts left after removing them")
	}
	return err
}

// findConflicts notes in warranty_conflicts the staged rows that contradict
// another row of the batch and returns how many rows that is. It runs only
// once classify has seen that there are some, to tell which. In one sort of
// the staging table by (sn, owner_code, sku, start_date, line), two windows
// take the first row f of each device (owner code and SN) and of each
// service line (and SKU and start date); a row differs when its device
// columns (customer name, device name, order number), or its line's
// (service name, end date), are not f's. A group with a row that differs
// conflicts as a whole: each of its rows is reported against f when it
// differs from f, else against g, the earliest line that differs from f.
// Rows that repeat another exactly differ from nothing.
func findConflicts(ctx context.Context, tx *sqlx.Tx) (int, error) {
	const q = `
CREATE TEMP TABLE warranty_conflicts ON COMMIT DROP AS
SELECT y.line, v.kind, v.other
FROM (
	SELECT x.line, x.d_diff, x.k_diff, x.d_line, x.k_line,
		min(x.line) FILTER (WHERE x.d_diff) OVER (PARTITION BY x.sn, x.owner_code) AS d_g,
		min(x.line) FILTER (WHERE x.k_diff) OVER (PARTITION BY x.sn, x.owner_code, x.sku, x.start_date) AS k_g
	FROM (
		SELECT w.line, w.sn, w.owner_code, w.sku, w.start_date, w.d_line, w.k_line,
			(w.owner_name, w.device_name, w.order_no) IS DISTINCT FROM (w.d_owner_name, w.d_device_name, w.d_order_no) AS d_diff,
			(w.service_name, w.end_date) IS DISTINCT FROM (w.k_service_name, w.k_end_date) AS k_diff
		FROM (
			SELECT s.line, s.sn, s.owner_code, s.sku, s.start_date,
				s.owner_name, s.device_name, s.order_no, s.service_name, s.end_date,
				first_value(s.line) OVER d AS d_line,
				first_value(s.owner_name) OVER d AS d_owner_name,
				first_value(s.device_name) OVER d AS d_device_name,
				first_value(s.order_no) OVER d AS d_order_no,
				first_value(s.line) OVER k AS k_line,
				first_value(s.service_name) OVER k AS k_service_name,
				first_value(s.end_date) OVER k AS k_end_date
			FROM warranty_staging s
			WINDOW d AS (PARTITION BY s.sn, s.owner_code ORDER BY s.sku, s.start_date, s.line),
				k AS (PARTITION BY s.sn, s.owner_code, s.sku, s.start_date ORDER BY s.line)
		) w
	) x
) y
CROSS JOIN LATERAL (VALUES
	('device', CASE WHEN y.d_g IS NULL THEN NULL WHEN y.d_diff THEN y.d_line ELSE y.d_g END),
	('line', CASE WHEN y.k_g IS NULL THEN NULL WHEN y.k_diff THEN y.k_line ELSE y.k_g END)
) v (kind, other)
WHERE v.other IS NOT NULL`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return 0, fmt.Errorf("conflicts: %w", err)
	}
	const count = `SELECT count(DISTINCT line) FROM warranty_conflicts`
	var n int
	if err := tx.GetContext(ctx, &n, count); err != nil {
		return 0, fmt.Errorf("conflicts: count: %w", err)
	}
	return n, nil
}

// conflictErrors returns the first limit conflicts of warranty_conflicts as
// row errors, in line order, each naming the other line and the columns in
// which the two rows differ.
func conflictErrors(ctx context.Context, tx *sqlx.Tx, limit int) ([]warranty.RowError, error) {
	const q = `
SELECT c.line, c.kind, c.other, CASE c.kind
	WHEN 'device' THEN concat_ws(', ',
		CASE WHEN a.owner_name <> b.owner_name THEN 'customer_name' END,
		CASE WHEN a.device_name <> b.device_name THEN 'device_name' END,
		CASE WHEN a.order_no <> b.order_no THEN 'order_no' END)
	ELSE concat_ws(', ',
		CASE WHEN a.service_name <> b.service_name THEN 'service_name' END,
		CASE WHEN a.end_date <> b.end_date THEN 'end_date' END)
	END AS columns
FROM (SELECT * FROM warranty_conflicts ORDER BY line, kind LIMIT $1) c
JOIN warranty_staging a ON a.line = c.line
JOIN warranty_staging b ON b.line = c.other
ORDER BY c.line, c.kind`
	rows, err := tx.QueryxContext(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("conflicts: report: %w", err)
	}
	defer rows.Close()
	var out []warranty.RowError
	for rows.Next() {
		var line, other int
		var kind, cols string
		if err := rows.Scan(&line, &kind, &other, &cols); err != nil {
			return nil, fmt.Errorf("conflicts: report: %w", err)
		}
		key := keyConflictLine
		if kind == "device" {
			key = keyConflictDevice
		}
		out = append(out, warranty.RowError{Line: line, Key: key, Data: map[string]any{"Other": other, "Columns": cols}})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conflicts: report: %w", err)
	}
	return out, nil
}

// dropConflicts removes the rows in conflict from the staging table, so
// that the merge leaves them out.
func dropConflicts(ctx context.Context, tx *sqlx.Tx) error {
	const q = `DELETE FROM warranty_staging WHERE line IN (SELECT line FROM warranty_conflicts)`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("conflicts: drop: %w", err)
	}
	return nil
}
