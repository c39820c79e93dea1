package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"supportal/domain"
	"supportal/domain/warranty"
)

// lookupTimeout is a last guard on each statement of the lookup against a
// server in trouble. What a search may cost is bounded by rows examined
// (warranty_walk.go), so no search the store accepts comes near it; the
// context's deadline makes lib/pq cancel the statement on the server.
const lookupTimeout = 10 * time.Second

// lookup runs fn with lookupTimeout; a statement that runs out of time is
// an error of the store, not a verdict on what the customer typed.
func (s *WarrantyStore) lookup(ctx context.Context, op string, fn func(context.Context) error) error {
	qctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := fn(qctx); err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return err
		}
		if ctx.Err() == nil && qctx.Err() != nil {
			return fmt.Errorf("warranty store: %s: %w", op, errStatementTimeout)
		}
		return warrantyErr(op, err)
	}
	return nil
}

// errStatementTimeout is a lookup statement that reached lookupTimeout.
var errStatementTimeout = errors.New("statement cancelled after " + lookupTimeout.String())

// deviceFilter returns the WHERE clause of the lookup and its arguments:
// always one owner; the exact serial number, which the unique index
// (owner_code, sn) answers; the name fragment (see nameFilter). Only the
// given conditions are written, so that each shape of query has its own
// text and plan.
func deviceFilter(q warranty.Query) (string, []any) {
	var b strings.Builder
	args := []any{q.Owner}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	b.WriteString("\nFROM devices d\nWHERE d.owner_code = $1")
	if q.SN != "" {
		b.WriteString(" AND d.sn = " + arg(q.SN))
	}
	if q.ID != 0 {
		b.WriteString(" AND d.id = " + arg(q.ID))
	}
	if q.Text != "" {
		p := arg(namePattern(q.Text))
		b.WriteString(" AND (d.name ILIKE " + p + " OR d.sn ILIKE " + p + ")")
	}
	if q.Name != "" {
		words, whole := nameWords(q.Name)
		b.WriteString(" AND d.name ILIKE " + arg(words))
		if !whole {
			// The fragment itself, as a filter on the rows the words found:
			// written so that it does not match the trigram index, whose
			// search would otherwise include the common trigrams of its
			// short words and separators ("-R2").
			b.WriteString(" AND (d.name || '') ILIKE " + arg(namePattern(q.Name)))
		}
	}
	return b.String(), args
}

// nameWords returns the ILIKE pattern that the trigram index
// (devices_name_trgm_idx) searches for a name fragment: its runs of three
// letters or digits or more, in order, each wrapped in wildcards
// ("ab6420-r2" gives "%ab6420%"). A device whose name contains the
// fragment matches it, and the trigrams of a run wrapped in wildcards lie
// inside words, so they are rarer than the padded trigrams of word
// boundaries that pg_trgm takes from the whole fragment, which a short
// word like "R2" makes common to most devices. whole reports that the
// pattern is the fragment's own (no shorter run or separator was left
// out). A fragment without such a run comes back whole: the planner then
// reads the owner's devices in order instead.
func nameWords(name string) (pattern string, whole bool) {
	var runs []string
	for _, r := range strings.FieldsFunc(name, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
		if utf8.RuneCountInString(r) >= 3 {
			runs = append(runs, likeEscaper.Replace(r))
		}
	}
	if len(runs) == 0 || (len(runs) == 1 && runs[0] == likeEscaper.Replace(name)) {
		return namePattern(name), true
	}
	return "%" + strings.Join(runs, "%") + "%", false
}

// namePattern returns the ILIKE pattern of a name fragment, its wildcards
// escaped.
func namePattern(name string) string { return "%" + likeEscaper.Replace(name) + "%" }

// deviceOrder sorts devices by their latest end date, latest or earliest
// first: the index (owner_code, max_end DESC, id) read forwards or
// backwards, so that a page never sorts a whole tenant.
func deviceOrder(sort string) string {
	if sort == warranty.SortEndAsc {
		return "d.max_end, d.id DESC"
	}
	return "d.max_end DESC, d.id"
}

// searchSQL returns the query of SearchDevices: one page of devices, then
// their lines (latest end date first) joined in the same statement, so that
// both come from one snapshot without a transaction.
func searchSQL(q warranty.Query) (string, []any) {
	where, args := deviceFilter(q)
	order := deviceOrder(q.Sort)
	args = append(args, q.Limit, max(q.Offset, 0))
	n := len(args)
	return `SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no,
	l.sku, l.service_name, l.start_date, l.end_date
FROM (SELECT d.id, d.owner_code, d.owner_name, d.name, d.sn, d.order_no, d.max_end` + where + `
	ORDER BY ` + order + `
	LIMIT $` + strconv.Itoa(n-1) + ` OFFSET $` + strconv.Itoa(n) + `) d
LEFT JOIN service_lines l ON l.device_id = d.id
ORDER BY ` + order + `, l.end_date DESC, l.start_date DESC, l.sku`, args
}

// utcDate returns the calendar date of t at midnight UTC, as the domain
// keeps dates.
func utcDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// SearchDevices returns at most q.Limit devices of q.Owner matching q, after
// skipping q.Offset, each with all its lines (latest end date first), sorted
// by their latest end date: latest first (then by id) or, for SortEndAsc,
// earliest first (then by id, highest first). A Limit of 0 or less returns
// nothing.
func (s *WarrantyStore) SearchDevices(ctx context.Context, q warranty.Query) ([]warranty.Device, error) {
	if q.Limit <= 0 {
		return nil, nil
	}
	if (q.Name != "" || q.Text != "") && q.SN == "" && q.ID == 0 {
		found, err := s.FindDevices(ctx, q, 0)
		return found.Devices, err
	}
	query, args := searchSQL(q)
	var devs []warranty.Device
	err := s.lookup(ctx, "search devices", func(ctx context.Context) error {
		rows, err := s.stmt(ctx, query, q.Name == "" && q.Text == "").QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		devs, err = scanDevices(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return devs, nil
}

// scanDevices reads devices joined with their lines, one row per line (a
// device without lines has one row of NULLs), a device's rows together.
func scanDevices(rows *sql.Rows) ([]warranty.Device, error) {
	devs, _, err := appendDevices(rows, nil)
	return devs, err
}

// appendDevices reads rows as scanDevices does onto devs, whose last device
// takes the lines of its further rows, and also returns how many rows it
// read.
func appendDevices(rows *sql.Rows, devs []warranty.Device) ([]warranty.Device, int, error) {
	n := 0
	for rows.Next() {
		n++
		var (
			d     warranty.Device
			sku   *string
			name  *string
			start *time.Time
			end   *time.Time
		)
		if err := rows.Scan(&d.ID, &d.OwnerCode, &d.OwnerName, &d.Name, &d.SN, &d.OrderNo, &sku, &name, &start, &end); err != nil {
			return nil, n, err
		}
		if len(devs) == 0 || devs[len(devs)-1].ID != d.ID {
			devs = append(devs, d)
		}
		if sku != nil {
			last := &devs[len(devs)-1]
			last.Lines = append(last.Lines, warranty.Line{SKU: *sku, ServiceName: *name, Start: utcDate(*start), End: utcDate(*end)})
		}
	}
	return devs, n, rows.Err()
}

// countSQL returns the query of CountDevices. The ORDER BY, which the count
// does not need, keeps the planner on the search's index: without it
// PostgreSQL may read the table from the start hoping to meet upTo rows of
// the owner early, and reads most of it when the owner's rows come late.
func countSQL(q warranty.Query, upTo int) (string, []any) {
	where, args := deviceFilter(q)
	args = append(args, upTo)
	return `SELECT count(*) FROM (SELECT 1` + where + `
	ORDER BY ` + deviceOrder(warranty.SortEndDesc) + `
	LIMIT $` + strconv.Itoa(len(args)) + `) s`, args
}

// CountDevices counts the devices of q.Owner matching q, stopping at upTo,
// so that a common fragment never counts a whole tenant. FindDevices counts
// name searches with bounded work instead.
func (s *WarrantyStore) CountDevices(ctx context.Context, q warranty.Query, upTo int) (int, error) {
	if upTo <= 0 {
		return 0, nil
	}
	query, args := countSQL(q, upTo)
	var n int
	err := s.lookup(ctx, "count devices", func(ctx context.Context) error {
		return s.stmt(ctx, query, q.Name == "" && q.Text == "").QueryRowContext(ctx, args...).Scan(&n)
	})
	return n, err
}

// queryer runs one statement with its arguments.
type queryer interface {
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// unprepared runs its query as an unnamed statement, planned for the values
// of each call.
type unprepared struct {
	db    *sqlx.DB
	query string
}

func (u unprepared) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return u.db.QueryContext(ctx, u.query, args...)
}

func (u unprepared) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return u.db.QueryRowContext(ctx, u.query, args...)
}

// stmt returns query as a prepared statement when prepare is set, so that
// PostgreSQL parses it once per connection and may keep its plan, or else
// as an unnamed statement planned with each call's values. Only the few
// shapes whose best plan does not depend on the values are prepared (an
// exact serial number, no filter): a name fragment may match three devices
// or half a tenant, and each needs its own plan.
func (s *WarrantyStore) stmt(ctx context.Context, query string, prepare bool) queryer {
	if !prepare {
		return unprepared{s.db, query}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil { // the statement itself reports the error, if it persists
		return unprepared{s.db, query}
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st
}
