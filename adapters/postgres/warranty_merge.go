package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"supportal/domain/warranty"
)

// merge applies warranty_batch, which classify made of warranty_staging, to
// devices and service_lines inside tx, in a few set-based statements, and
// counts the outcome per service line.
//
// Semantics:
//   - A line is keyed by (owner code, SN, SKU, start date). The rows that
//     contradict another are gone from the staging table by now
//     (findConflicts), so the rows left with the same key repeat each other
//     exactly, and so do a device's name, order number and owner name on
//     all of its rows; the last line of the file is kept. So
//     Inserted+Updated+Unchanged is the number of distinct keys.
//   - A line is inserted when its key is new; updated when its service name
//     or end date, or its device's name, order number or owner name differ;
//     unchanged otherwise. Nothing unchanged is written or even locked, so
//     re-importing a file changes nothing.
//   - In snapshot mode every stored line of the batch's owners whose key the
//     batch does not list is removed (Removed), and so is every device of
//     those owners left without lines. Other owners are untouched.
//   - devices.max_end, the latest end date of a device's lines, follows; a
//     device is rewritten at most once per batch.
func merge(ctx context.Context, tx *sqlx.Tx, m warranty.Mode) (warranty.Counts, error) {
	steps := []func(context.Context, *sqlx.Tx) error{insertDevices, insertLines, updateLines}
	if m == warranty.ModeSnapshot {
		steps = append(steps, removeUnlisted)
	}
	steps = append(steps, updateDevices)
	for _, step := range steps {
		if err := step(ctx, tx); err != nil {
			return warranty.Counts{}, err
		}
	}
	var c warranty.Counts
	const q = `
SELECT count(*) FILTER (WHERE line_id IS NULL),
	count(*) FILTER (WHERE line_id IS NOT NULL AND (line_changed OR device_changed)),
	count(*) FILTER (WHERE line_id IS NOT NULL AND NOT line_changed AND NOT device_changed),
	(SELECT count(*) FROM warranty_removed)
FROM warranty_batch`
	if err := tx.QueryRowxContext(ctx, q).Scan(&c.Inserted, &c.Updated, &c.Unchanged, &c.Removed); err != nil {
		return warranty.Counts{}, fmt.Errorf("count: %w", err)
	}
	return c, nil
}

// classify deduplicates the staged lines into warranty_batch and compares
// each with what is stored, before anything is written, in one sort of the
// batch, and reports whether some staged rows contradict each other:
//   - DISTINCT ON keeps one row of each distinct content, in the order of
//     the key (sn, owner_code, sku, start_date) then of the other columns:
//     rows that repeat another exactly are gone. The sort puts sn before
//     owner_code: many companies share the first eight characters of their
//     credit codes (the region), which are all PostgreSQL's abbreviated sort
//     keys hold, while serial numbers differ early. Sorting 3 million lines
//     this way takes a third of the time. The other columns are compared
//     byte by byte, and only where keys tie.
//   - One window over each device's lines, in that same order, gives every
//     line its device's attributes and latest end date, and marks one line
//     of each device as first. A line whose device attributes are not its
//     device's, or whose key is its predecessor's (the same service line
//     with other data), is marked conflict: then the batch is not merged
//     as it stands (findConflicts tells which rows, and with
//     --skip-invalid classify runs again without them).
//   - The join with devices gives device_id and device_changed for stored
//     devices (new_device otherwise). A new device takes its id from
//     devices_id_seq on its first line, and a second window hands it to its
//     other lines, so that no later statement joins the batch with devices.
//   - line_id and line_changed come from the stored line (NULL when new).
//
// When few devices are stored, the join with them is a merge join that
// keeps the order of the sort, and the ORDER BY of the subqueries costs
// nothing; otherwise the planner may hash them and sort again. Temporary
// tables have no statistics until analysed, and the later joins need them.
func classify(ctx context.Context, tx *sqlx.Tx) (conflict bool, err error) {
	const q = `
CREATE TEMP TABLE warranty_batch ON COMMIT DROP AS
SELECT x.owner_code, x.sn, x.sku, x.service_name, x.start_date, x.end_date,
	x.owner_name, x.device_name, x.order_no, x.max_end, x.nth = 1 AS first,
	x.device_id, x.new_device, x.device_changed, sl.id AS line_id,
	sl.id IS NOT NULL AND (sl.service_name, sl.end_date)
		IS DISTINCT FROM (x.service_name, x.end_date) AS line_changed,
	x.conflict
FROM (
	SELECT n.*, coalesce(n.stored_id, max(n.new_id) OVER (PARTITION BY n.sn, n.owner_code)) AS device_id
	FROM (
		SELECT s.*, CASE WHEN s.new_device AND s.nth = 1 THEN nextval('devices_id_seq') END AS new_id
		FROM (
			SELECT v.*, d.id AS stored_id, d.id IS NULL AS new_device,
				d.id IS NOT NULL AND (d.owner_name, d.name, d.order_no)
					IS DISTINCT FROM (v.owner_name, v.device_name, v.order_no) AS device_changed
			FROM (
				SELECT l.owner_code, l.sn, l.sku, l.service_name, l.start_date, l.end_date,
					first_value(l.owner_name) OVER w AS owner_name,
					first_value(l.device_name) OVER w AS device_name,
					first_value(l.order_no) OVER w AS order_no,
					max(l.end_date) OVER w AS max_end,
					row_number() OVER w AS nth,
					(l.owner_name, l.device_name, l.order_no) IS DISTINCT FROM
						(first_value(l.owner_name) OVER w, first_value(l.device_name) OVER w, first_value(l.order_no) OVER w)
					OR (l.sku, l.start_date) = (lag(l.sku) OVER w, lag(l.start_date) OVER w) AS conflict
				FROM (
					SELECT DISTINCT ON (sn, owner_code, sku, start_date, owner_name COLLATE "C",
						device_name COLLATE "C", order_no COLLATE "C", service_name COLLATE "C", end_date) *
					FROM warranty_staging
					ORDER BY sn, owner_code, sku, start_date, owner_name COLLATE "C",
						device_name COLLATE "C", order_no COLLATE "C", service_name COLLATE "C", end_date
				) l
				WINDOW w AS (PARTITION BY l.sn, l.owner_code ORDER BY l.sku, l.start_date
					ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
			) v
			LEFT JOIN devices d ON d.owner_code = v.owner_code AND d.sn = v.sn
			ORDER BY v.sn, v.owner_code
		) s
		ORDER BY s.sn, s.owner_code
	) n
) x
LEFT JOIN service_lines sl ON sl.device_id = x.device_id AND sl.sku = x.sku AND sl.start_date = x.start_date`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return false, fmt.Errorf("classify: %w", err)
	}
	const anyConflict = `SELECT EXISTS (SELECT 1 FROM warranty_batch WHERE conflict)`
	if err := tx.GetContext(ctx, &conflict, anyConflict); err != nil {
		return false, fmt.Errorf("classify: conflicts: %w", err)
	}
	if conflict {
		return true, nil
	}
	const analyze = `ANALYZE warranty_batch`
	if _, err := tx.ExecContext(ctx, analyze); err != nil {
		return false, fmt.Errorf("analyze batch: %w", err)
	}
	// The devices that lose lines in snapshot mode, and how many.
	const removed = `CREATE TEMP TABLE warranty_removed (device_id bigint NOT NULL) ON COMMIT DROP`
	if _, err := tx.ExecContext(ctx, removed); err != nil {
		return false, fmt.Errorf("removed: %w", err)
	}
	return false, nil
}

// declassify drops the warranty_batch of a batch with conflicts, so that
// classify can run again once they are gone from the staging table.
func declassify(ctx context.Context, tx *sqlx.Tx) error {
	const q = `DROP TABLE warranty_batch`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("declassify: %w", err)
	}
	return nil
}

// insertDevices inserts the new devices, with the ids classify took for
// them and the latest end date of their lines.
func insertDevices(ctx context.Context, tx *sqlx.Tx) error {
	const q = `
INSERT INTO devices (id, owner_code, sn, owner_name, name, order_no, max_end)
SELECT device_id, owner_code, sn, owner_name, device_name, order_no, max_end
FROM warranty_batch
WHERE first AND new_device`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("insert devices: %w", err)
	}
	return nil
}

// insertLines inserts the new lines, of new and stored devices.
func insertLines(ctx context.Context, tx *sqlx.Tx) error {
	const q = `
INSERT INTO service_lines (device_id, sku, service_name, start_date, end_date)
SELECT device_id, sku, service_name, start_date, end_date
FROM warranty_batch
WHERE line_id IS NULL`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("insert lines: %w", err)
	}
	return nil
}

// updateLines rewrites the stored lines whose service name or end date changed.
func updateLines(ctx context.Context, tx *sqlx.Tx) error {
	const q = `
UPDATE service_lines sl SET service_name = b.service_name, end_date = b.end_date
FROM warranty_batch b
WHERE b.line_changed AND sl.id = b.line_id`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("update lines: %w", err)
	}
	return nil
}

// removeUnlisted removes, in snapshot mode, the lines of the batch's owners
// that the batch does not list, noting their devices in warranty_removed,
// then those owners' devices left without lines. A device that keeps lines
// is one the batch lists, which updateDevices then visits.
func removeUnlisted(ctx context.Context, tx *sqlx.Tx) error {
	const q = `
WITH gone AS (
	DELETE FROM service_lines sl
	USING devices d
	WHERE sl.device_id = d.id
		AND d.owner_code IN (SELECT DISTINCT owner_code FROM warranty_batch)
		AND NOT EXISTS (
			SELECT 1 FROM warranty_batch b
			WHERE b.owner_code = d.owner_code AND b.sn = d.sn AND b.sku = sl.sku AND b.start_date = sl.start_date
		)
	RETURNING sl.device_id
)
INSERT INTO warranty_removed SELECT device_id FROM gone`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("remove lines: %w", err)
	}
	const empty = `
DELETE FROM devices d
WHERE d.id IN (SELECT device_id FROM warranty_removed)
	AND NOT EXISTS (SELECT 1 FROM service_lines sl WHERE sl.device_id = d.id)`
	if _, err := tx.ExecContext(ctx, empty); err != nil {
		return fmt.Errorf("remove devices: %w", err)
	}
	return nil
}

// updateDevices rewrites, once each, the stored devices of the batch whose
// attributes changed or whose lines were inserted, changed or removed, with
// their new latest end date, and only where something differs. The batch's
// max_end does not do for them: their stored lines need not be in the batch.
func updateDevices(ctx context.Context, tx *sqlx.Tx) error {
	const q = `
UPDATE devices d
SET owner_name = u.owner_name, name = u.device_name, order_no = u.order_no, max_end = u.max_end,
	updated_at = now()
FROM (
	SELECT b.device_id, b.owner_name, b.device_name, b.order_no,
		(SELECT max(sl.end_date) FROM service_lines sl WHERE sl.device_id = b.device_id) AS max_end
	FROM warranty_batch b
	WHERE NOT b.new_device
		AND (b.device_changed OR b.line_id IS NULL OR b.line_changed
			OR b.device_id IN (SELECT device_id FROM warranty_removed))
	GROUP BY b.device_id, b.owner_name, b.device_name, b.order_no
) u
WHERE d.id = u.device_id
	AND (d.owner_name, d.name, d.order_no, d.max_end) IS DISTINCT FROM (u.owner_name, u.device_name, u.order_no, u.max_end)`
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("update devices: %w", err)
	}
	return nil
}
