package postgres

import (
	"context"
	"fmt"
	"strconv"

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

// backlogSQL is the query of Backlog: $1 now, $2 tier, $3 company. The
// condition tier IS NOT NULL, true of every ticket, lets it read
// tickets_report_open_idx (see migration 00024).
const backlogSQL = `
SELECT GROUPING(t.status, t.priority) AS g, coalesce(t.status, '') AS status,
	coalesce(t.priority, 0) AS priority, coalesce(a.bucket, '') AS bucket, count(*) AS n
FROM tickets t
CROSS JOIN LATERAL (SELECT CASE
	WHEN t.created_at > $1::timestamptz - interval '24 hours' THEN 'lt1d'
	WHEN t.created_at > $1::timestamptz - interval '72 hours' THEN '1to3d'
	WHEN t.created_at > $1::timestamptz - interval '168 hours' THEN '3to7d'
	WHEN t.created_at > $1::timestamptz - interval '720 hours' THEN '7to30d'
	ELSE 'gt30d' END AS bucket) a
WHERE t.status IN ('new', 'in_progress', 'waiting') AND t.tier IS NOT NULL AND ` + reportFilter + `
GROUP BY GROUPING SETS ((t.status), (t.priority), (a.bucket))`

// Backlog counts the open tickets by status, priority and age at q.Now in
// one pass over tickets_report_open_idx.
func (s *TicketReports) Backlog(ctx context.Context, q report.Query) (report.Backlog, error) {
	var rows []struct {
		G        int    `db:"g"`
		Status   string `db:"status"`
		Priority int    `db:"priority"`
		Bucket   string `db:"bucket"`
		N        int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, s.db, &rows, backlogSQL, q.Now, q.Tier, q.CompanyID); err != nil {
		return report.Backlog{}, fmt.Errorf("ticket reports: backlog: %w", err)
	}
	var b report.Backlog
	for _, r := range rows {
		switch r.G {
		case 1: // grouped by status (priority not grouped)
			b.ByStatus = append(b.ByStatus, report.Count{Key: r.Status, N: r.N})
			b.Total += r.N
		case 2:
			b.ByPriority = append(b.ByPriority, report.Count{Key: strconv.Itoa(r.Priority), N: r.N})
		default:
			b.Age = append(b.Age, report.Count{Key: r.Bucket, N: r.N})
		}
	}
	return b, nil
}

// csatSQL is the query of CSAT: $1 the months' first instants (a rating's
// month is its bucket among them, as in slaSQL), $2 tier, $3 company, $4
// and $5 the period.
const csatSQL = `
SELECT width_bucket(t.rated_at, $1::timestamptz[]) AS month, t.rating_score AS score, count(*) AS n
FROM tickets t
WHERE t.rating_score IS NOT NULL AND t.rated_at >= $4 AND t.rated_at < $5 AND ` + reportFilter + `
GROUP BY 1, 2
ORDER BY 1, 2`

// CSAT counts the ratings last changed in the period by month and score,
// over tickets_report_rated_idx.
func (s *TicketReports) CSAT(ctx context.Context, q report.Query) (report.CSAT, error) {
	var rows []struct {
		Month int `db:"month"`
		Score int `db:"score"`
		N     int `db:"n"`
	}
	starts := q.MonthStarts()
	if err := sqlx.SelectContext(ctx, s.db, &rows, csatSQL, pq.Array(instants(starts)), q.Tier, q.CompanyID, q.From, q.To); err != nil {
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
