package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain/ticket"
)

// ticketFilter returns the FROM and WHERE clauses of the tickets f selects
// and their arguments. Only the given conditions are written, so that each
// shape of query has its own text and plan. The statuses are written as
// literals: a list of open statuses then implies the predicate of the
// partial indexes over open tickets (tickets_open_due_idx,
// tickets_assignee_idx) in any plan, generic or custom.
func ticketFilter(f ticket.Filter) (string, []any) { return ticketFilterAfter(f, nil) }

// ticketFilterAfter is ticketFilter for a statement whose first arguments
// are args: its placeholders follow theirs.
func ticketFilterAfter(f ticket.Filter, args []any) (string, []any) {
	var b strings.Builder
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	b.WriteString("\nFROM tickets t\nWHERE true")
	if f.CompanyID != 0 {
		b.WriteString(" AND t.company_id = " + arg(f.CompanyID))
	}
	if f.OpenedBy != 0 {
		b.WriteString(" AND t.opened_by = " + arg(f.OpenedBy))
	}
	if len(f.Statuses) > 0 {
		quoted := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			quoted[i] = pq.QuoteLiteral(string(s))
		}
		b.WriteString(" AND t.status IN (" + strings.Join(quoted, ", ") + ")")
	}
	if f.Priority != 0 {
		b.WriteString(" AND t.priority = " + arg(int(f.Priority)))
	}
	if f.Category != "" {
		b.WriteString(" AND t.category = " + arg(string(f.Category)))
	}
	if f.AssigneeID != 0 {
		b.WriteString(" AND t.assignee_id = " + arg(f.AssigneeID))
	}
	if f.Unassigned {
		b.WriteString(" AND t.assignee_id IS NULL")
	}
	if f.Covered != nil {
		b.WriteString(" AND t.covered = " + arg(*f.Covered))
	}
	if !f.DueBefore.IsZero() {
		b.WriteString(" AND t.next_due < " + arg(f.DueBefore))
	}
	if !f.DueFrom.IsZero() {
		b.WriteString(" AND t.next_due >= " + arg(f.DueFrom))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		exact, like := arg(q), arg(namePattern(q))
		b.WriteString(" AND (t.number = " + exact + " OR t.title ILIKE " + like + " OR t.device_sn ILIKE " + like)
		if f.CompanyID == 0 {
			b.WriteString(" OR t.company_name ILIKE " + like)
		}
		b.WriteString(")")
	}
	return b.String(), args
}

// ticketOrder returns the ORDER BY of sort: newest activity first (the
// index tickets_company_activity_idx for a company), or soonest next target
// first with the tickets without one last, then oldest first (the index
// tickets_open_due_idx for the open tickets).
func ticketOrder(sort string) string {
	if sort == ticket.SortDue {
		return "t.next_due NULLS LAST, t.created_at, t.id"
	}
	return "t.updated_at DESC, t.id DESC"
}

// listTicketsSQL returns the query of one page of List; each row carries
// the count of the whole selection up to upTo (0: exact) as total, an
// InitPlan PostgreSQL runs once, so that a page and its count take one
// statement.
func listTicketsSQL(f ticket.Filter, upTo int) (string, []any) {
	where, args := ticketFilter(f)
	count := `SELECT count(*)` + where
	if upTo > 0 {
		args = append(args, upTo)
		count = `SELECT count(*) FROM (SELECT 1` + where + `
	ORDER BY ` + ticketOrder(f.Sort) + `
	LIMIT $` + strconv.Itoa(len(args)) + `) s`
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	n := len(args)
	return `SELECT ` + ticketColumns + `, (` + count + `) AS total` + where + `
ORDER BY ` + ticketOrder(f.Sort) + `
LIMIT $` + strconv.Itoa(n-1) + ` OFFSET $` + strconv.Itoa(n), args
}

// countEachSQL returns the query of CountEach: one bounded count per
// filter, each a subquery of one statement (one round trip and one plan;
// each still walks only its own index up to upTo rows).
func countEachSQL(fs []ticket.Filter, upTo int) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("SELECT ")
	for i, f := range fs {
		if i > 0 {
			b.WriteString(",\n")
		}
		var where string
		where, args = ticketFilterAfter(f, args)
		args = append(args, upTo)
		b.WriteString("(SELECT count(*) FROM (SELECT 1" + where + "\n\tORDER BY " + ticketOrder(f.Sort) +
			"\n\tLIMIT $" + strconv.Itoa(len(args)) + ") s)")
	}
	return b.String(), args
}

var _ ticket.Counter = (*TicketStore)(nil)

// CountEach returns the count of each filter of fs, as Count does, in one
// statement.
func (s *TicketStore) CountEach(ctx context.Context, fs []ticket.Filter, countCap int) ([]int, error) {
	if len(fs) == 0 {
		return []int{}, nil
	}
	if countCap <= 0 {
		out := make([]int, len(fs))
		for i, f := range fs {
			var err error
			if out[i], err = s.Count(ctx, f, 0); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	q, args := countEachSQL(fs, countCap+1)
	out := make([]int, len(fs))
	dest := make([]any, len(fs))
	for i := range out {
		dest[i] = &out[i]
	}
	if err := s.db.QueryRowxContext(ctx, q, args...).Scan(dest...); err != nil {
		return nil, ticketErr("count each", err)
	}
	return out, nil
}

// countTicketsSQL returns the query of Count: exact when upTo is 0,
// otherwise stopping after upTo rows. The ORDER BY, which the count does
// not need, keeps the planner on the list's index (see countSQL).
func countTicketsSQL(f ticket.Filter, upTo int) (string, []any) {
	where, args := ticketFilter(f)
	if upTo <= 0 {
		return `SELECT count(*)` + where, args
	}
	args = append(args, upTo)
	return `SELECT count(*) FROM (SELECT 1` + where + `
	ORDER BY ` + ticketOrder(f.Sort) + `
	LIMIT $` + strconv.Itoa(len(args)) + `) s`, args
}

// countedRow is a row of a page with the count of its selection.
type countedRow struct {
	ticketRow
	Total int `db:"total"`
}

// List returns the page of tickets f selects (f.Limit of them after
// skipping f.Offset; none when f.Limit is 0 or less) and their count (see
// Count), in one statement unless the page is empty.
func (s *TicketStore) List(ctx context.Context, f ticket.Filter, countCap int) ([]ticket.Ticket, int, error) {
	if f.Limit <= 0 {
		n, err := s.Count(ctx, f, countCap)
		return nil, n, err
	}
	upTo := 0
	if countCap > 0 {
		upTo = countCap + 1
	}
	q, args := listTicketsSQL(f, upTo)
	var rows []countedRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, q, args...); err != nil {
		return nil, 0, ticketErr("list", err)
	}
	if len(rows) == 0 {
		n, err := s.Count(ctx, f, countCap)
		return []ticket.Ticket{}, n, err
	}
	plain := make([]ticketRow, len(rows))
	for i, r := range rows {
		plain[i] = r.ticketRow
	}
	out, err := tickets(plain)
	if err != nil {
		return nil, 0, ticketErr("list", err)
	}
	return out, rows[0].Total, nil
}

// Count returns how many tickets f selects: all of them when countCap is
// 0, otherwise at most countCap+1, so that a count above countCap tells
// that there are more than countCap ("200+") without counting them all.
func (s *TicketStore) Count(ctx context.Context, f ticket.Filter, countCap int) (int, error) {
	upTo := 0
	if countCap > 0 {
		upTo = countCap + 1
	}
	q, args := countTicketsSQL(f, upTo)
	var n int
	if err := sqlx.GetContext(ctx, s.db, &n, q, args...); err != nil {
		return 0, ticketErr("count", err)
	}
	return n, nil
}

// openStatuses is the SQL list of the statuses of open tickets, as the
// partial indexes of 00016 name them.
const openStatuses = `('new', 'in_progress', 'waiting')`

// openOnDeviceSQL is the query of OpenOnDevice (tickets_device_idx).
const openOnDeviceSQL = `SELECT ` + ticketColumns + `
FROM tickets t
WHERE t.company_id = $1 AND t.device_id = $2 AND t.status IN ` + openStatuses + `
ORDER BY t.created_at DESC, t.id DESC`

// OpenOnDevice returns the company's open tickets on the device, newest
// first.
func (s *TicketStore) OpenOnDevice(ctx context.Context, companyID, deviceID int64) ([]ticket.Ticket, error) {
	var rows []ticketRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, openOnDeviceSQL, companyID, deviceID); err != nil {
		return nil, ticketErr("open on device", err)
	}
	out, err := tickets(rows)
	if err != nil {
		return nil, ticketErr("open on device", err)
	}
	return out, nil
}

// The queries of CreatedSince for an account (tickets_opener_idx) and a
// company (tickets_company_created_idx).
const (
	createdByAccountSQL = `SELECT count(*) FROM tickets WHERE opened_by = $1 AND created_at >= $2`
	createdByCompanySQL = `SELECT count(*) FROM tickets WHERE company_id = $1 AND created_at >= $2`
)

// CreatedSince counts the tickets the account (accountID > 0) opened, or
// the company's (companyID > 0), or those of both conditions when both are
// given, created at or after since.
func (s *TicketStore) CreatedSince(ctx context.Context, accountID, companyID int64, since time.Time) (int, error) {
	const q = `
SELECT count(*) FROM tickets
WHERE ($1 = 0 OR opened_by = $1) AND ($2 = 0 OR company_id = $2) AND created_at >= $3`
	var (
		n   int
		err error
	)
	switch {
	case accountID > 0 && companyID <= 0:
		err = sqlx.GetContext(ctx, s.db, &n, createdByAccountSQL, accountID, since)
	case companyID > 0 && accountID <= 0:
		err = sqlx.GetContext(ctx, s.db, &n, createdByCompanySQL, companyID, since)
	default:
		err = sqlx.GetContext(ctx, s.db, &n, q, max(accountID, 0), max(companyID, 0), since)
	}
	if err != nil {
		return 0, ticketErr("created since", err)
	}
	return n, nil
}
