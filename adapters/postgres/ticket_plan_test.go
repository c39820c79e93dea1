package postgres

import (
	"testing"
	"time"

	"supportal/domain/ticket"
)

// TestTicketPlans checks, on one big company and many small ones, that the
// pages of 我的工单 and the agents' queue use the indexes meant for them: no
// list reads every ticket or sorts a whole company's.
func TestTicketPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 20,000 tickets")
	}
	ctx := t.Context()
	db := migrated(t)
	// A third of the tickets are the first company's; one in ten is open,
	// with a due time unless uncovered; every third is assigned.
	const gen = `
INSERT INTO companies (name) SELECT '公司 ' || i FROM generate_series(1, 200) i;
INSERT INTO accounts (email, kind, role, name, password_hash, company_id)
SELECT 'c' || id || '@example.com', 'customer', 'customer', 'C' || id, 'h', id FROM companies;
INSERT INTO accounts (email, kind, role, name, password_hash)
SELECT 'agent' || i || '@example.com', 'staff', 'agent', 'A' || i, 'h' FROM generate_series(1, 10) i;
WITH c AS (SELECT id, name, row_number() OVER (ORDER BY id) AS k FROM companies),
	a AS (SELECT company_id, min(id) AS id FROM accounts WHERE kind = 'customer' GROUP BY company_id),
	ag AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM accounts WHERE kind = 'staff')
INSERT INTO tickets (number, company_id, company_name, opened_by, title, category, priority, status,
	device_id, device_sn, covered, assignee_id, created_at, updated_at, next_due)
SELECT 'T20260101-' || lpad(i::text, 6, '0'), c.id, c.name, a.id,
	'Ticket ' || i || (ARRAY[' 打印机故障', ' backup fails', ' 网络很慢', ' disk offline'])[1 + i % 4],
	'fault', 1 + i % 4,
	CASE WHEN i % 10 = 0 THEN (ARRAY['new', 'in_progress', 'waiting'])[1 + (i / 10) % 3]
		WHEN i % 2 = 0 THEN 'resolved' ELSE 'closed' END,
	i, 'AS' || lpad(i::text, 8, '0'), i % 7 <> 0, ag.id,
	timestamptz '2026-01-01' + i * interval '1 minute',
	timestamptz '2026-01-01' + i * interval '1 minute' + (i % 50) * interval '1 hour',
	CASE WHEN i % 10 = 0 AND i % 7 <> 0 THEN timestamptz '2026-06-01' + (i % 500) * interval '1 hour' END
FROM generate_series(1, 20000) i
JOIN c ON c.k = CASE WHEN i % 3 = 0 THEN 1 ELSE 1 + i % 200 END
JOIN a ON a.company_id = c.id
LEFT JOIN ag ON i % 3 = 0 AND ag.k = 1 + i % 10;
SELECT gin_clean_pending_list('tickets_title_trgm_idx');
SELECT gin_clean_pending_list('tickets_device_sn_trgm_idx');


SELECT gin_clean_pending_list('tickets_company_name_trgm_idx');
ANALYZE tickets`
	if _, err := db.ExecContext(ctx, gen); err != nil {
		t.Fatal(err)
	}
	var big, small, opener, agent int64
	const ids = `
SELECT (SELECT min(id) FROM companies), (SELECT max(id) FROM companies),
	(SELECT min(id) FROM accounts WHERE kind = 'customer'), (SELECT min(id) FROM accounts WHERE kind = 'staff')`
	if err := db.QueryRowxContext(ctx, ids).Scan(&big, &small, &opener, &agent); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)
	list := func(f ticket.Filter) (string, []any) {
		f.Limit = 20
		return listTicketsSQL(f, 201)
	}
	count := func(f ticket.Filter) (string, []any) { return countTicketsSQL(f, 201) }
	// views counts the queue's six views as CountEach does (f: the agent).
	views := func(f ticket.Filter) (string, []any) {
		base := ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue}
		un, mine, soon, over, wait := base, base, base, base, base
		un.Unassigned, mine.AssigneeID, soon.DueBefore, over.DueBefore = true, f.AssigneeID, due.Add(time.Hour), due
		wait.Statuses = []ticket.Status{ticket.StatusWaiting}
		return countEachSQL([]ticket.Filter{un, mine, soon, over, wait, base}, 201)
	}
	const activity, open, assignee = "tickets_company_activity_idx", "tickets_open_due_idx", "tickets_assignee_idx"
	const companyOpen = "tickets_company_open_idx"
	for _, tt := range []struct {
		name      string
		shape     func(ticket.Filter) (string, []any)
		f         ticket.Filter
		want, not []string
	}{
		{"我的工单 of the big company", list, ticket.Filter{CompanyID: big},
			[]string{"Index Scan using " + activity}, []string{"Seq Scan", "Sort"}},
		{"我的工单, page 40", list, ticket.Filter{CompanyID: big, Offset: 780},
			[]string{activity}, []string{"Seq Scan", "Sort"}},
		{"我的工单 of a small company", list, ticket.Filter{CompanyID: small},
			[]string{activity}, []string{"Seq Scan"}},
		{"我的工单, open", list, ticket.Filter{CompanyID: big, Statuses: openOnes},
			[]string{"Index Only Scan using " + companyOpen}, []string{"Seq Scan", "Sort", "Bitmap"}},
		{"我的工单, resolved", list, ticket.Filter{CompanyID: big, Statuses: []ticket.Status{ticket.StatusResolved}},
			[]string{"Index Only Scan using " + activity}, []string{"Seq Scan", "Sort", "Bitmap"}},
		// A search word walks the company's index or the trigram
		// indexes, whichever the statistics find cheaper.
		{"我的工单, open, a common word", list, ticket.Filter{CompanyID: big, Statuses: openOnes, Search: "打印机"},
			nil, []string{"Seq Scan"}},
		{"我的工单, every status, a common word", list, ticket.Filter{CompanyID: big, Search: "backup"},
			nil, []string{"Seq Scan"}},
		{"我的工单, opened by me", list, ticket.Filter{CompanyID: big, OpenedBy: opener},
			[]string{"Index Only Scan using " + activity}, []string{"Seq Scan", "Sort"}},
		{"我的工单, search", list, ticket.Filter{CompanyID: big, Search: "AS00001234"}, nil, []string{"Seq Scan"}},
		{"我的工单, count", count, ticket.Filter{CompanyID: big}, []string{activity}, []string{"Seq Scan"}},
		{"queue, all open by due", list, ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue},
			[]string{"Index Scan using " + open}, []string{"Seq Scan", "Sort"}},
		{"queue, all open, page 10", list, ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue, Offset: 180},
			[]string{open}, []string{"Seq Scan", "Sort"}},
		{"queue, mine", list, ticket.Filter{Statuses: openOnes, AssigneeID: agent, Sort: ticket.SortDue},
			[]string{assignee}, []string{"Seq Scan"}},
		{"queue, unassigned", list, ticket.Filter{Statuses: openOnes, Unassigned: true, Sort: ticket.SortDue},
			nil, []string{"Seq Scan"}},
		// The page walks the index; its count (an InitPlan) may sort the
		// few overdue tickets it bounds.
		{"queue, overdue", list, ticket.Filter{Statuses: openOnes, DueBefore: due, Sort: ticket.SortDue},
			[]string{"Index Scan using " + open + " on tickets t\n"}, []string{"Seq Scan"}},
		{"queue, waiting", list, ticket.Filter{Statuses: []ticket.Status{ticket.StatusWaiting}, Sort: ticket.SortDue},
			nil, []string{"Seq Scan"}},
		{"queue, search", list, ticket.Filter{Statuses: openOnes, Search: "AS00001230", Sort: ticket.SortDue},
			nil, []string{"Seq Scan"}},
		{"queue, search every status", list, ticket.Filter{Search: "AS00001230", Sort: ticket.SortDue},
			[]string{"BitmapOr"}, []string{"Seq Scan"}},
		{"queue, search a company name", list, ticket.Filter{Search: "公司 17", Sort: ticket.SortDue},
			nil, []string{"Seq Scan"}},
		{"queue, count open", count, ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue},
			[]string{open}, []string{"Seq Scan"}},
		{"queue, count overdue", count, ticket.Filter{Statuses: openOnes, DueBefore: due, Sort: ticket.SortDue},
			[]string{open}, []string{"Seq Scan"}},
		{"queue, the views' counts in one", views, ticket.Filter{AssigneeID: agent},
			[]string{open, assignee}, []string{"Seq Scan"}},
		{"queue, count mine", count, ticket.Filter{Statuses: openOnes, AssigneeID: agent, Sort: ticket.SortDue},
			[]string{assignee}, []string{"Seq Scan"}},
	} {
		query, args := tt.shape(tt.f)
		checkPlan(t, db, tt.name, "", query, args, tt.want, tt.not)
		checkPlan(t, db, tt.name+" (generic plan)", "force_generic_plan", query, args, tt.want, tt.not)
	}
	for _, q := range []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"open on device", openOnDeviceSQL, []any{big, 3000}, []string{"tickets_device_idx"}},
		{"created since, account", createdByAccountSQL, []any{opener, due}, []string{"tickets_opener_idx"}},
		{"created since, company", createdByCompanySQL, []any{big, due}, []string{"tickets_company_created_idx"}},
	} {
		checkPlan(t, db, q.name, "", q.query, q.args, q.want, []string{"Seq Scan"})
	}
}

// openOnes are the statuses of open tickets, as the queue's views ask.
var openOnes = []ticket.Status{ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting}
