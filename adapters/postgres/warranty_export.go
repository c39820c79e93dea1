package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"supportal/domain/warranty"
)

// The export's limits. Each FETCH of the cursor has exportFetchTimeout; a
// client that stops reading for longer than exportIdleTimeout ends the
// export's transaction on the server, so that no snapshot is held for a
// download nobody takes. At most maxExports exports hold a connection at a
// time; further ones wait for a slot (bounded by their context), so that
// downloads never take the pool from the pages.
const (
	exportFetchRows    = 1000
	exportFetchTimeout = 30 * time.Second
	exportIdleTimeout  = "120s"
	maxExports         = 4
)

// exportSQL returns the query of EachDevice: every matching device joined
// with its lines, in the lookup's order (searchSQL without its page).
func exportSQL(q warranty.Query) (string, []any) {
	where, args := deviceFilter(q)
	order := deviceOrder(q.Sort)
	return `SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no,
	l.sku, l.service_name, l.start_date, l.end_date
FROM (SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no, d.max_end` + where + `) d
LEFT JOIN service_lines l ON l.device_id = d.id
ORDER BY ` + order + `, l.end_date DESC, l.start_date DESC, l.sku`, args
}

// EachDevice calls fn for every device of q.Owner matching q, each with all
// its lines, in SearchDevices' order; q.Offset and q.Limit are ignored.
//
// The devices come from one read-only REPEATABLE READ transaction, through
// a cursor read exportFetchRows rows at a time: the whole export is one
// snapshot (the cursor's, taken at DECLARE), so an import committed while it runs shows in all of its rows or
// in none (a batch applies atomically), and a device whose latest end date
// an import moves is neither skipped nor listed twice, as it could be by
// pages read one after another. The price is a transaction open for the
// download's duration; it takes no lock an import waits for, and
// exportIdleTimeout ends it when the client stalls. fn runs between the
// FETCHes, never while a statement runs. The store keeps one FETCH of rows
// in memory, whatever the size of the result.
func (s *WarrantyStore) EachDevice(ctx context.Context, q warranty.Query, fn func(warranty.Device) error) error {
	select {
	case s.exports <- struct{}{}:
		defer func() { <-s.exports }()
	case <-ctx.Done():
		return ctx.Err()
	}
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return warrantyErr("export: begin", err)
	}
	defer tx.Rollback()
	const qIdle = `SET LOCAL idle_in_transaction_session_timeout = '` + exportIdleTimeout + `'`
	if _, err := tx.ExecContext(ctx, qIdle); err != nil {
		return warrantyErr("export: set timeout", err)
	}
	query, args := exportSQL(q)
	if _, err := tx.ExecContext(ctx, `DECLARE export_devices NO SCROLL CURSOR FOR `+query, args...); err != nil {
		return warrantyErr("export: declare", err)
	}
	var cur *warranty.Device // the last device read, whose lines may go on in the next FETCH
	for {
		devs, n, err := s.fetchExport(ctx, tx, cur)
		if err != nil {
			return err
		}
		if n < exportFetchRows { // the last FETCH: every device is complete
			for _, d := range devs {
				if err := fn(d); err != nil {
					return err
				}
			}
			if err := tx.Commit(); err != nil {
				return warrantyErr("export: commit", err)
			}
			return nil
		}
		last := devs[len(devs)-1]
		for _, d := range devs[:len(devs)-1] {
			if err := fn(d); err != nil {
				return err
			}
		}
		cur = &last
	}
}

// fetchExport reads the next rows of the export's cursor and returns them
// as devices, cur (the device the previous FETCH ended on, or nil) first
// and extended by its further lines, with the number of rows read.
func (s *WarrantyStore) fetchExport(ctx context.Context, tx interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, cur *warranty.Device) ([]warranty.Device, int, error) {
	var devs []warranty.Device
	if cur != nil {
		devs = append(devs, *cur)
	}
	fctx, cancel := context.WithTimeout(ctx, exportFetchTimeout)
	defer cancel()
	q := "FETCH " + strconv.Itoa(exportFetchRows) + " FROM export_devices"
	rows, err := tx.QueryContext(fctx, q)
	if err != nil {
		return nil, 0, warrantyErr("export: fetch", err)
	}
	defer rows.Close()
	devs, n, err := appendDevices(rows, devs)
	if err != nil {
		return nil, 0, warrantyErr("export: fetch", err)
	}
	return devs, n, nil
}
