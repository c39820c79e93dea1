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

// slaSQL is the query of SLA: $1 now, $2 tier, $3 company, $4 and $5 the
// period, $6 to $10 its monthBounds (Viewer, Sums, Lo, Hi, Months), $11 how
// many companies to return (0: all). It adds three parts, then sums them
// per month, per tier and per company (g: 1, 2, 3) in one pass, and keeps
// the companies with most tickets (with the count of all):
//
//   - the sums of ticket_sla_months (migration 00027) for the resolved and
//     closed tickets of the period's months;
//   - for the viewer in another zone than the sums', the resolved and
//     closed tickets created between the two zones' month boundaries, each
//     counted in its month for the viewer and taken out of its month in the
//     sums (through tickets_report_sla_idx, a few hours per boundary; OFFSET
//     0 keeps the planner from joining the boundaries to the whole table);
//   - the open tickets of the period, judged at $1 as ticket.Ticket's
//     FirstResponseOutcome and ResolutionOutcome do (through
//     tickets_report_open_idx, index-only).
//
// A ticket's month is its width_bucket among the boundaries, which costs a
// fraction of converting each creation time to the zone.
const slaSQL = `
WITH parts AS (
	SELECT width_bucket(r.month, $7::timestamptz[]) AS month, r.tier, r.company_id, r.tickets AS n,
		r.fr_met, r.fr_breached, r.rs_met, r.rs_breached
	FROM ticket_sla_months r
	WHERE r.month >= ($7::timestamptz[])[1] AND r.month < ($7::timestamptz[])[$10 + 1] AND ($2 = '' OR r.tier = $2) AND ($3::bigint = 0 OR r.company_id = $3)
	UNION ALL
	SELECT v.month, t.tier, t.company_id, v.sign,
		v.sign * (NOT t.first_response_breached AND t.first_response_at IS NOT NULL AND t.first_response_due IS NOT NULL)::int,
		v.sign * t.first_response_breached::int,
		v.sign * (t.resolution_breached IS NOT TRUE AND t.status IN ('resolved', 'closed') AND t.resolution_due IS NOT NULL)::int,
		v.sign * (t.resolution_breached IS TRUE)::int
	FROM unnest($8::timestamptz[], $9::timestamptz[]) s(lo, hi)
	CROSS JOIN LATERAL (SELECT t.created_at, t.tier, t.company_id, t.status, t.first_response_at,
			t.first_response_due, t.first_response_breached, t.resolution_due, t.resolution_breached
		FROM tickets t WHERE t.covered AND t.tier <> '' AND t.created_at >= s.lo AND t.created_at < s.hi
			AND t.status NOT IN ('new', 'in_progress', 'waiting') AND ` + reportFilter + `
		OFFSET 0) t
	CROSS JOIN LATERAL (VALUES (width_bucket(t.created_at, $6::timestamptz[]), 1),
		(width_bucket(t.created_at, $7::timestamptz[]), -1)) v(month, sign)
	WHERE v.month BETWEEN 1 AND $10
	UNION ALL
	SELECT width_bucket(t.created_at, $6::timestamptz[]), t.tier, t.company_id, 1,
		(NOT t.first_response_breached AND t.first_response_at IS NOT NULL AND t.first_response_due IS NOT NULL)::int,
		((t.first_response_breached OR (t.first_response_at IS NULL AND t.first_response_due < $1)) IS TRUE)::int,
		0,
		((t.resolution_breached OR (t.status IN ('new', 'in_progress') AND t.resolution_due < $1)) IS TRUE)::int
	FROM tickets t
	WHERE t.status IN ('new', 'in_progress', 'waiting') AND t.tier IS NOT NULL AND t.covered AND t.tier <> ''
		AND t.created_at >= $4 AND t.created_at < $5 AND ` + reportFilter + `
), groups AS (
	SELECT GROUPING(month, tier) AS g, coalesce(month, 0) AS month, coalesce(tier, '') AS tier,
		coalesce(company_id, 0) AS company_id, sum(n) AS n, sum(fr_met) AS fr_met, sum(fr_breached) AS fr_breached,
		sum(rs_met) AS rs_met, sum(rs_breached) AS rs_breached
	FROM parts
	GROUP BY GROUPING SETS ((month), (tier), (company_id))
	HAVING sum(n) > 0
), ranked AS (
	SELECT *, row_number() OVER (PARTITION BY g ORDER BY n DESC, company_id) AS rank,
		count(*) FILTER (WHERE g = 3) OVER () AS companies
	FROM groups
)
SELECT g, month, tier, company_id, n, fr_met, fr_breached, rs_met, rs_breached, companies
FROM ranked WHERE g <> 3 OR $11 = 0 OR rank <= $11`

// slaWorkMem lets the aggregate of slaSQL hash its groups in memory (it
// sorted them on disk under the default 4 MB: 1.7 s instead of 0.4 s for
// 111,000 tickets on a busy machine).
const slaWorkMem = `SET LOCAL work_mem = '32MB'`

// SLA judges the covered tickets created in the period at q.Now, in one
// pass over tickets_report_sla_idx, as ticket.Ticket's FirstResponseOutcome
// and ResolutionOutcome do: breached when the clocks found a breach at the
// last event or a running clock's due time has passed; met when the metric
// was reached under a target. Companies are named as the companies table
// names them now.
func (s *TicketReports) SLA(ctx context.Context, q report.Query) (report.SLA, error) {
	var rows []struct {
		G          int    `db:"g"`
		Month      int    `db:"month"`
		Tier       string `db:"tier"`
		CompanyID  int64  `db:"company_id"`
		N          int    `db:"n"`
		FrMet      int    `db:"fr_met"`
		FrBreached int    `db:"fr_breached"`
		RsMet      int    `db:"rs_met"`
		RsBreached int    `db:"rs_breached"`
		Companies  int    `db:"companies"`
	}
	b, ok := boundsOf(q)
	if !ok {
		return report.SLA{}, fmt.Errorf("ticket reports: sla: %v to %v is not whole months in %v", q.From, q.To, q.Zone)
	}
	names := map[int64]string{}
	starts := q.MonthStarts()
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		if _, err := tx.ExecContext(ctx, slaWorkMem); err != nil {
			return err
		}
		if err := sqlx.SelectContext(ctx, tx, &rows, slaSQL, q.Now, q.Tier, q.CompanyID, q.From, q.To,
			pq.Array(b.Viewer), pq.Array(b.Sums), pq.Array(b.Lo), pq.Array(b.Hi), b.Months, q.Companies); err != nil {
			return err
		}
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			if r.G == 3 {
				ids = append(ids, r.CompanyID)
			}
		}
		const qn = `SELECT id, name FROM companies WHERE id = ANY($1)`
		var cos []struct {
			ID   int64  `db:"id"`
			Name string `db:"name"`
		}
		if err := sqlx.SelectContext(ctx, tx, &cos, qn, pq.Array(ids)); err != nil {
			return err
		}
		for _, c := range cos {
			names[c.ID] = c.Name
		}
		return nil
	})
	if err != nil {
		return report.SLA{}, fmt.Errorf("ticket reports: sla: %w", err)
	}
	months, tiers, companies := map[string]*report.Attainment{}, map[string]*report.Attainment{}, map[string]*report.Attainment{}
	add := func(m map[string]*report.Attainment, key, label string, a report.Attainment) {
		g := m[key]
		if g == nil {
			g = &report.Attainment{Key: key, Label: label}
			m[key] = g
		}
		g.Tickets += a.Tickets
		g.First.Met, g.First.Breached = g.First.Met+a.First.Met, g.First.Breached+a.First.Breached
		g.Res.Met, g.Res.Breached = g.Res.Met+a.Res.Met, g.Res.Breached+a.Res.Breached
	}
	for _, r := range rows {
		a := report.Attainment{Tickets: r.N, First: report.Tally{Met: r.FrMet, Breached: r.FrBreached},
			Res: report.Tally{Met: r.RsMet, Breached: r.RsBreached}}
		switch r.G {
		case 1: // by month (tier not grouped)
			if r.Month >= 1 && r.Month <= len(starts) {
				add(months, starts[r.Month-1].In(q.Zone).Format(monthKey), "", a)
			}
		case 2:
			add(tiers, r.Tier, "", a)
		default:
			add(companies, strconv.FormatInt(r.CompanyID, 10), names[r.CompanyID], a)
		}
	}
	out := report.SLA{ByMonth: report.Groups(months, report.ByKey), ByTier: report.Groups(tiers, report.ByKey),
		ByCompany: report.Groups(companies, report.ByTickets)}
	if len(rows) > 0 {
		out.Companies = rows[0].Companies
	}
	return out, nil
}

// instants writes times for a timestamptz[] parameter, which PostgreSQL
// reads once when the query is bound (a cast in the query from text[]
// would be evaluated on every row).
func instants(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.UTC().Format(time.RFC3339Nano)
	}
	return out
}
