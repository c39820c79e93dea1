package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain/ticket/report"
)

// TicketReports aggregates the tickets for the staff reports, each report
// in one query over its index of migration 00024.
type TicketReports struct {
	db sqlx.ExtContext
}

var _ report.Store = (*TicketReports)(nil)

// NewTicketReports returns the report queries over db.
func NewTicketReports(db sqlx.ExtContext) *TicketReports { return &TicketReports{db: db} }

// reportFilter is the tier and company filter of every report query, on
// the placeholders $2 (tier, empty: any) and $3 (company, 0: any).
const reportFilter = `($2 = '' OR t.tier = $2) AND ($3::bigint = 0 OR t.company_id = $3)`

// monthKey is how the reports key months ("2026-11").
const monthKey = "2006-01"

// backlogSQL is the query of Backlog: $1 the age buckets' bounds
// (ageBounds), $2 tier, $3 company. The condition tier IS NOT NULL, true of
// every ticket, lets it read tickets_report_open_idx (see migration 00024).
// It counts the open tickets per status, priority and age at once (at most
// 60 rows; one hash instead of the three of GROUPING SETS), which Backlog
// adds up per breakdown.
const backlogSQL = `
SELECT t.status, t.priority, width_bucket(t.created_at, $1::timestamptz[]) AS bucket, count(*) AS n
FROM tickets t
WHERE t.status IN ('new', 'in_progress', 'waiting') AND t.tier IS NOT NULL AND ` + reportFilter + `
GROUP BY 1, 2, 3`

// ageBuckets are the backlog's age buckets by their width_bucket among
// ageBounds: oldest first.
var ageBuckets = []string{"gt30d", "7to30d", "3to7d", "1to3d", "lt1d"}

// ageBounds returns the instants that part the open tickets by age at now
// as report.AgeBucket does (an age under a day is "lt1d": created after
// now less a day), a microsecond, PostgreSQL's precision, after each.
func ageBounds(now time.Time) []string {
	now = now.Round(time.Microsecond)
	const day = 24 * time.Hour
	var out []time.Time
	for _, d := range []time.Duration{30 * day, 7 * day, 3 * day, day} {
		out = append(out, now.Add(-d+time.Microsecond))
	}
	return instants(out)
}

// Backlog counts the open tickets by status, priority and age at q.Now in
// one pass over tickets_report_open_idx.
func (s *TicketReports) Backlog(ctx context.Context, q report.Query) (report.Backlog, error) {
	var rows []struct {
		Status   string `db:"status"`
		Priority int    `db:"priority"`
		Bucket   int    `db:"bucket"`
		N        int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, s.db, &rows, backlogSQL, pq.Array(ageBounds(q.Now)), q.Tier, q.CompanyID); err != nil {
		return report.Backlog{}, fmt.Errorf("ticket reports: backlog: %w", err)
	}
	status, priority, age := map[string]int{}, map[string]int{}, map[string]int{}
	var b report.Backlog
	for _, r := range rows {
		if r.Bucket < 0 || r.Bucket >= len(ageBuckets) {
			continue
		}
		status[r.Status] += r.N
		priority[strconv.Itoa(r.Priority)] += r.N
		age[ageBuckets[r.Bucket]] += r.N
		b.Total += r.N
	}
	b.ByStatus, b.ByPriority, b.Age = report.CountsOf(status), report.CountsOf(priority), report.CountsOf(age)
	return b, nil
}

// csatSQL is the query of CSAT over the ratings themselves, for one
// company (tickets_report_company_rated_idx): $1 the months' first
// instants (a rating's month is its bucket among them, as in slaSQL), $2
// tier, $3 company, $4 and $5 the period.
const csatSQL = `
SELECT width_bucket(t.rated_at, $1::timestamptz[]) AS month, t.rating_score AS score, count(*) AS n
FROM tickets t
WHERE t.rating_score IS NOT NULL AND t.rated_at >= $4 AND t.rated_at < $5 AND ` + reportFilter + `
GROUP BY 1, 2
ORDER BY 1, 2`

// csatSumsSQL is the query of CSAT without a company: $1 tier, $2 to $6
// the period's monthBounds (Viewer, Sums, Lo, Hi, Months). As slaSQL does,
// it reads the sums of ticket_rating_months (migration 00027) and corrects
// them, for a viewer in another zone, by the ratings changed between the
// two zones' month boundaries (through tickets_report_rated_idx).
const csatSumsSQL = `
WITH parts AS (
	SELECT width_bucket(r.month, $3::timestamptz[]) AS month, r.score, r.ratings AS n
	FROM ticket_rating_months r
	WHERE r.month >= ($3::timestamptz[])[1] AND r.month < ($3::timestamptz[])[$6 + 1] AND ($1 = '' OR r.tier = $1)
	UNION ALL
	SELECT v.month, t.rating_score, v.sign
	FROM unnest($4::timestamptz[], $5::timestamptz[]) s(lo, hi)
	CROSS JOIN LATERAL (SELECT t.rated_at, t.rating_score FROM tickets t
		WHERE t.rating_score IS NOT NULL AND t.rated_at >= s.lo AND t.rated_at < s.hi AND ($1 = '' OR t.tier = $1)
		OFFSET 0) t
	CROSS JOIN LATERAL (VALUES (width_bucket(t.rated_at, $2::timestamptz[]), 1),
		(width_bucket(t.rated_at, $3::timestamptz[]), -1)) v(month, sign)
	WHERE v.month BETWEEN 1 AND $6
)
SELECT month, score, sum(n) AS n FROM parts GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY 1, 2`

// CSAT counts the ratings last changed in the period by month and score:
// from the monthly sums, or for one company from its ratings
// (tickets_report_company_rated_idx).
func (s *TicketReports) CSAT(ctx context.Context, q report.Query) (report.CSAT, error) {
	var rows []struct {
		Month int `db:"month"`
		Score int `db:"score"`
		N     int `db:"n"`
	}
	starts := q.MonthStarts()
	var err error
	if b, ok := boundsOf(q); ok && q.CompanyID == 0 {
		err = sqlx.SelectContext(ctx, s.db, &rows, csatSumsSQL, q.Tier,
			pq.Array(b.Viewer), pq.Array(b.Sums), pq.Array(b.Lo), pq.Array(b.Hi), b.Months)
	} else {
		err = sqlx.SelectContext(ctx, s.db, &rows, csatSQL, pq.Array(instants(starts)), q.Tier, q.CompanyID, q.From, q.To)
	}
	if err != nil {
		return report.CSAT{}, fmt.Errorf("ticket reports: csat: %w", err)
	}
	var out report.CSAT
	for _, r := range rows {
		if r.Score < 1 || r.Score > 5 || r.Month < 1 || r.Month > len(starts) {
			continue
		}
		key := starts[r.Month-1].In(q.Zone).Format(monthKey)
		if n := len(out.Months); n == 0 || out.Months[n-1].Key != key {
			out.Months = append(out.Months, report.Ratings{Key: key})
		}
		out.Months[len(out.Months)-1].Score[r.Score-1] += r.N
	}
	return out, nil
}

// Unclocked returns up to limit tickets, lowest id first, whose resolution
// result has not been computed: covered tickets stored before migration
// 00024. Storing a ticket (Create, Update) computes it.
func (s *TicketReports) Unclocked(ctx context.Context, limit int) ([]int64, error) {
	const q = `SELECT id FROM tickets WHERE resolution_breached IS NULL ORDER BY id LIMIT $1`
	var ids []int64
	if err := sqlx.SelectContext(ctx, s.db, &ids, q, limit); err != nil {
		return nil, fmt.Errorf("ticket reports: unclocked: %w", err)
	}
	return ids, nil
}
