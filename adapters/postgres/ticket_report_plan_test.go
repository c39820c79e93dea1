package postgres

import (
	"testing"
	"time"

	"github.com/lib/pq"

	"supportal/domain/ticket/report"
)

// TestTicketReportPlans checks, on 30,000 tickets over seven years (vacuumed,
// as autovacuum keeps them), that the SLA and satisfaction reports read
// the monthly sums of migration 00027 and their indexes, and that no report query reads the whole
// table, with and without the tier and company filters.
func TestTicketReportPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 30,000 tickets")
	}
	ctx := t.Context()
	db := migrated(t)
	const gen = `
INSERT INTO companies (name) SELECT '公司 ' || i FROM generate_series(1, 100) i;
INSERT INTO accounts (email, kind, role, name, password_hash, company_id)
SELECT 'c' || id || '@example.com', 'customer', 'customer', 'C' || id, 'h', id FROM companies;
WITH c AS (SELECT id, name, row_number() OVER (ORDER BY id) AS k FROM companies),
	a AS (SELECT company_id, min(id) AS id FROM accounts GROUP BY company_id)
INSERT INTO tickets (number, company_id, company_name, opened_by, title, category, priority, status,
	covered, tier, created_at, updated_at, first_response_at, first_response_due, first_response_breached,
	resolution_due, resolution_breached, rating_score, rated_first_at, rated_at)
SELECT 'T20260101-' || lpad(i::text, 6, '0'), c.id, c.name, a.id, 'Ticket ' || i, 'fault', 1 + i % 4,
	CASE WHEN i % 20 = 0 THEN (ARRAY['new', 'in_progress', 'waiting'])[1 + (i / 20) % 3]
		WHEN i % 2 = 0 THEN 'resolved' ELSE 'closed' END,
	i % 5 <> 0, CASE WHEN i % 5 <> 0 THEN (ARRAY['standard', 'onsite', 'premium'])[1 + i % 3] ELSE '' END,
	timestamptz '2025-01-01' + i * interval '2 hours', timestamptz '2025-01-01' + i * interval '2 hours',
	timestamptz '2025-01-01' + i * interval '2 hours' + interval '1 hour',
	CASE WHEN i % 5 <> 0 THEN timestamptz '2025-01-01' + i * interval '2 hours' + interval '2 hours' END,
	i % 11 = 0,
	CASE WHEN i % 5 <> 0 THEN timestamptz '2025-01-01' + i * interval '2 hours' + interval '2 days' END,
	i % 13 = 0,
	CASE WHEN i % 20 <> 0 AND i % 3 = 0 THEN 1 + i % 5 END,
	CASE WHEN i % 20 <> 0 AND i % 3 = 0 THEN timestamptz '2025-01-01' + i * interval '2 hours' + interval '3 days' END,
	CASE WHEN i % 20 <> 0 AND i % 3 = 0 THEN timestamptz '2025-01-01' + i * interval '2 hours' + interval '3 days' END
FROM generate_series(1, 30000) i
JOIN c ON c.k = 1 + i % 100
JOIN a ON a.company_id = c.id`
	if _, err := db.ExecContext(ctx, gen); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE) tickets`); err != nil {
		t.Fatal(err)
	}
	var company int64
	if err := db.QueryRowxContext(ctx, `SELECT min(id) FROM companies`).Scan(&company); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2031, 9, 1, 0, 0, 0, 0, time.UTC)
	from, to := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 9, 1, 0, 0, 0, 0, time.UTC)
	months := pq.Array(instants(report.Query{From: from, To: to, Zone: time.UTC}.MonthStarts()))
	// A viewer in UTC reads the Shanghai sums corrected at each boundary;
	// one in Shanghai reads the sums alone.
	sums := func(zone string) []any {
		l, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		f, u := time.Date(2031, 3, 1, 0, 0, 0, 0, l), time.Date(2031, 9, 1, 0, 0, 0, 0, l)
		b, ok := boundsOf(report.Query{From: f, To: u, Zone: l})
		if !ok {
			t.Fatal("boundsOf: not whole months")
		}
		return []any{f, u, pq.Array(b.Viewer), pq.Array(b.Sums), pq.Array(b.Lo), pq.Array(b.Hi), b.Months}
	}
	sla := func(tier string, company int64, zone string) []any {
		return append(append([]any{now, tier, company}, sums(zone)...), 20)
	}
	csat := func(tier string, zone string) []any {
		a := sums(zone)
		return append([]any{tier}, a[2:]...)
	}
	for _, q := range []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		// The open tickets are few here: the planner may read them through
		// another index of the open tickets.
		{"backlog", backlogSQL, []any{pq.Array(ageBounds(now)), "", 0}, nil},
		{"backlog of a tier and company", backlogSQL, []any{pq.Array(ageBounds(now)), "premium", company}, nil},
		{"sla", slaSQL, sla("", 0, "Asia/Shanghai"), []string{"ticket_sla_months_pkey", "tickets_report_open_idx"}},
		{"sla in UTC", slaSQL, sla("", 0, "UTC"), []string{"ticket_sla_months_pkey", "tickets_report_sla_idx", "tickets_report_open_idx"}},
		{"sla of a tier", slaSQL, sla("standard", 0, "America/New_York"), []string{"ticket_sla_months_pkey", "tickets_report_sla_idx"}},
		{"sla of a company", slaSQL, sla("", company, "UTC"), []string{"ticket_sla_months_company_idx"}},
		{"csat", csatSumsSQL, csat("", "Asia/Shanghai"), []string{"ticket_rating_months_pkey"}},
		{"csat in UTC", csatSumsSQL, csat("premium", "UTC"), []string{"ticket_rating_months_pkey", "tickets_report_rated_idx"}},
		{"csat of a company", csatSQL, []any{months, "", company, from, to}, []string{"tickets_report_company_rated_idx"}},
	} {
		checkPlan(t, db, q.name, "", q.query, q.args, q.want, []string{"Seq Scan"})
	}
}
