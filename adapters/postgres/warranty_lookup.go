package postgres

import (
	"context"
	"database/sql"
	"errors"
	"supportal/domain"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain/warranty"
)

// lookupTimeout bounds every statement of the lookup, whatever a customer
// types.
const lookupTimeout = `SET LOCAL statement_timeout = '2s'`

// read runs fn in a short read-only REPEATABLE READ transaction, so that a
// page of devices and their lines come from one snapshot (an import that
// commits between the two queries is either wholly seen or not at all), with
// lookupTimeout.
func (s *WarrantyStore) read(ctx context.Context, op string, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return warrantyErr(op+": begin", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, lookupTimeout); err != nil {
		return warrantyErr(op+": timeout", err)
	}
	if err := fn(tx); err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "57014" { // statement timeout
			return domain.E(domain.Invalid, "warranty.error.too_broad")
		}
		return warrantyErr(op, err)
	}
	if err := tx.Commit(); err != nil {
		return warrantyErr(op+": commit", err)
	}
	return nil
}

// deviceFilter is the WHERE clause of the lookup: always one owner ($1); the
// exact serial number ($2) when it is not empty, which the unique index
// (owner_code, sn) answers; the name pattern ($3) when it is not empty, which
// the GIN index (owner_code, name gin_trgm_ops) answers for fragments of three
// characters or more. lib/pq plans each query with its values, so the empty
// conditions fold away.
const deviceFilter = `
FROM devices d
WHERE d.owner_code = $1
	AND ($2::text = '' OR d.sn = $2)
	AND ($3::text = '' OR d.name ILIKE $3)`

// namePattern returns the ILIKE pattern of a name fragment, its wildcards
// escaped, or "" for no fragment.
func namePattern(name string) string {
	if name == "" {
		return ""
	}
	return "%" + likeEscaper.Replace(name) + "%"
}

// deviceRow is a row of devices as the lookup reads it.
type deviceRow struct {
	ID        int64  `db:"id"`
	OwnerCode string `db:"owner_code"`
	OwnerName string `db:"owner_name"`
	Name      string `db:"name"`
	SN        string `db:"sn"`
	OrderNo   string `db:"order_no"`
}

// lineRow is a row of service_lines as the lookup reads it.
type lineRow struct {
	DeviceID    int64     `db:"device_id"`
	SKU         string    `db:"sku"`
	ServiceName string    `db:"service_name"`
	Start       time.Time `db:"start_date"`
	End         time.Time `db:"end_date"`
}

// utcDate returns the calendar date of t at midnight UTC, as the domain
// keeps dates.
func utcDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// linesOf loads the lines of a page of devices in one query, latest end
// date first.
const linesOf = `
SELECT device_id, sku, service_name, start_date, end_date
FROM service_lines
WHERE device_id = ANY($1)
ORDER BY device_id, end_date DESC, start_date DESC, sku`

// The queries of SearchDevices, latest or earliest end date first.
const (
	searchDesc = `SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no` + deviceFilter + `
ORDER BY d.max_end DESC, d.id
LIMIT $4 OFFSET $5`
	searchAsc = `SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no` + deviceFilter + `
ORDER BY d.max_end, d.id DESC
LIMIT $4 OFFSET $5`
)

// SearchDevices returns at most q.Limit devices of q.Owner matching q, after
// skipping q.Offset, each with all its lines (latest end date first). The
// devices are sorted by their latest end date: latest first (then by id) or,
// for SortEndAsc, earliest first (then by id, highest first), which is the
// index (owner_code, max_end DESC, id) read forwards or backwards, so a page
// never sorts a whole tenant. A Limit of 0 or less returns nothing.
func (s *WarrantyStore) SearchDevices(ctx context.Context, q warranty.Query) ([]warranty.Device, error) {
	if q.Limit <= 0 {
		return nil, nil
	}
	query := searchDesc
	if q.Sort == warranty.SortEndAsc {
		query = searchAsc
	}
	var devs []warranty.Device
	err := s.read(ctx, "search devices", func(tx *sqlx.Tx) error {
		var rows []deviceRow
		if err := tx.SelectContext(ctx, &rows, query, q.Owner, q.SN, namePattern(q.Name), q.Limit, max(q.Offset, 0)); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		at := make(map[int64]int, len(rows))
		devs = make([]warranty.Device, len(rows))
		for i, r := range rows {
			ids[i], at[r.ID] = r.ID, i
			devs[i] = warranty.Device{ID: r.ID, OwnerCode: r.OwnerCode, OwnerName: r.OwnerName, Name: r.Name,
				SN: r.SN, OrderNo: r.OrderNo}
		}
		var ls []lineRow
		if err := tx.SelectContext(ctx, &ls, linesOf, pq.Array(ids)); err != nil {
			return err
		}
		for _, l := range ls {
			d := &devs[at[l.DeviceID]]
			d.Lines = append(d.Lines, warranty.Line{SKU: l.SKU, ServiceName: l.ServiceName,
				Start: utcDate(l.Start), End: utcDate(l.End)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return devs, nil
}

// countDevices is the query of CountDevices.
const countDevices = `SELECT count(*) FROM (SELECT 1` + deviceFilter + `
ORDER BY d.max_end DESC, d.id
LIMIT $4) s`

// CountDevices counts the devices of q.Owner matching q, stopping at upTo,
// so that a common fragment never counts a whole tenant. The ORDER BY, which
// the count does not need, keeps the planner on the search's index: without
// it PostgreSQL may read the table from the start hoping to meet upTo rows of
// the owner early, and reads most of it when the owner's rows come late.
func (s *WarrantyStore) CountDevices(ctx context.Context, q warranty.Query, upTo int) (int, error) {
	if upTo <= 0 {
		return 0, nil
	}
	var n int
	err := s.read(ctx, "count devices", func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &n, countDevices, q.Owner, q.SN, namePattern(q.Name), upTo)
	})
	return n, err
}
