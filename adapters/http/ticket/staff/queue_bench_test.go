package staff_test

import (
	"net/http"
	"testing"
	"time"

	ident "supportal/domain/identity"
)

// benchOpen is how many open tickets BenchmarkQueuePage queues.
const benchOpen = 20000

// BenchmarkQueuePage reads the agents' queue page (全部未结, the default
// view) over benchOpen open tickets of 50 companies and 20 agents: a
// quarter unassigned 新建, half 处理中, a quarter 待客户反馈, with next
// targets from overdue to days ahead. The identity service caches for 5
// seconds, as main wires it.
func BenchmarkQueuePage(b *testing.B) {
	e := newEnvCaching(b, 5*time.Second)
	agent := e.staff("bench-agent-0@example.com", "坐席 0", ident.RoleAgent)
	for i := 1; i < 20; i++ {
		e.staff("bench-agent-"+itoa(int64(i))+"@example.com", "坐席 "+itoa(int64(i)), ident.RoleAgent)
	}
	var companies []ident.Account
	for i := range 50 {
		companies = append(companies, e.customer("bench-"+itoa(int64(i))+"@example.com", "基准公司 "+itoa(int64(i))))
	}
	for _, c := range companies {
		const q = `
INSERT INTO tickets (number, company_id, company_name, opened_by, opened_by_name, title, category, priority, status,
	covered, tier, assignee_id, assignee_name, created_at, updated_at, next_due)
SELECT 'B' || $1::bigint || '-' || g, $2, '基准公司', $1, '客户', '基准工单 ' || g, 'fault', 1 + g % 4,
	CASE WHEN g % 4 = 0 THEN 'new' WHEN g % 4 = 3 THEN 'waiting' ELSE 'in_progress' END,
	g % 5 <> 0, CASE WHEN g % 5 <> 0 THEN 'premium' ELSE '' END,
	CASE WHEN g % 4 = 0 THEN NULL ELSE (SELECT id FROM accounts WHERE kind = 'staff' ORDER BY id OFFSET g % 20 LIMIT 1) END,
	CASE WHEN g % 4 = 0 THEN '' ELSE '坐席' END,
	$3::timestamptz - g * interval '1 minute', $3::timestamptz - g * interval '30 second',
	CASE WHEN g % 5 = 0 OR g % 4 = 3 THEN NULL ELSE $3::timestamptz + (g % 100 - 30) * interval '10 minute' END
FROM generate_series(1, $4::int) g`
		if _, err := e.db.ExecContext(b.Context(), q, c.ID, c.CompanyID, start, benchOpen/len(companies)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := e.db.ExecContext(b.Context(), `VACUUM (ANALYZE) tickets`); err != nil {
		b.Fatal(err)
	}
	c := e.signIn(agent, "zh-CN")
	if r := c.Get("/staff/tickets"); r.Status != http.StatusOK || !has(r.Body, "基准工单") {
		b.Fatalf("queue: %d", r.Status)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := c.Get("/staff/tickets"); r.Status != http.StatusOK {
			b.Fatalf("queue: %d", r.Status)
		}
	}
}
