package ticket_test

import (
	"context"
	"testing"
	"time"

	"supportal/domain/ticket"
)

// TestQueue: the views and their counts, filters and search, sorted by the
// next target with uncovered tickets last; a priority change moves a
// ticket's target; 我的工单 pages and filters within the company.
func TestQueue(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{PerAccountHour: 50})
	mk := func(a ticket.Actor, p ticket.Priority, dev int64, title string) ticket.Ticket {
		in := input()
		in.Priority, in.DeviceID, in.Title = p, dev, title
		return e.open(t, a, in)
	}
	p1 := mk(asA, ticket.P1, devOK, "P1 宕机")        // due t0+30m
	p4 := mk(asA2, ticket.P4, devOK, "P4 咨询")       // due t0+24h
	old := mk(asA, ticket.P2, devOld, "过保设备")       // uncovered
	b3 := mk(asB, ticket.P3, devB, "B switch down") // due t0+8h
	*e.now = t0.Add(40 * time.Minute)               // p1 overdue
	q, err := e.svc.Queue(ctx, asAg1, ticket.QueueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if ids := idsOf(q.Tickets); !equal(ids, []int64{p1.ID, b3.ID, p4.ID, old.ID}) {
		t.Errorf("open, by due: %v", ids)
	}
	want := map[string]int{ticket.ViewOpen: 4, ticket.ViewUnassigned: 4, ticket.ViewMine: 0, ticket.ViewOverdue: 1, ticket.ViewDueSoon: 0, ticket.ViewWaiting: 0}
	for v, n := range want {
		if q.Counts[v] != n {
			t.Errorf("count %s = %d, want %d", v, q.Counts[v], n)
		}
	}
	b3, _ = e.svc.Assign(ctx, asAg1, b3.ID, loaded(b3), 0)
	*e.now = t0.Add(7*time.Hour + 30*time.Minute) // b3 due within the hour
	q, _ = e.svc.Queue(ctx, asAg1, ticket.QueueQuery{View: ticket.ViewDueSoon})
	if ids := idsOf(q.Tickets); !equal(ids, []int64{b3.ID}) || q.Counts[ticket.ViewDueSoon] != 1 || q.Counts[ticket.ViewMine] != 1 || q.Page.Total != 1 {
		t.Errorf("due soon: %v %v %+v", ids, q.Counts, q.Page)
	}
	q, _ = e.svc.Queue(ctx, asAg1, ticket.QueueQuery{View: ticket.ViewOverdue})
	if ids := idsOf(q.Tickets); !equal(ids, []int64{p1.ID}) {
		t.Errorf("overdue: %v", ids)
	}
	uncovered := false
	for _, c := range []struct {
		q    ticket.QueueQuery
		want []int64
	}{
		{ticket.QueueQuery{Search: "深圳新客户"}, []int64{b3.ID}},
		{ticket.QueueQuery{Search: p4.Number}, []int64{p4.ID}},
		{ticket.QueueQuery{Search: "sn-old"}, []int64{old.ID}},
		{ticket.QueueQuery{Priority: ticket.P4}, []int64{p4.ID}},
		{ticket.QueueQuery{Covered: &uncovered}, []int64{old.ID}},
		{ticket.QueueQuery{View: ticket.ViewMine}, []int64{b3.ID}},
		{ticket.QueueQuery{AssigneeID: agent1}, []int64{b3.ID}},
		{ticket.QueueQuery{View: ticket.ViewUnassigned}, []int64{p1.ID, p4.ID, old.ID}},
		{ticket.QueueQuery{Status: ticket.StatusResolved}, nil},
	} {
		q, err := e.svc.Queue(ctx, asAg1, c.q)
		if ids := idsOf(q.Tickets); err != nil || !equal(ids, c.want) {
			t.Errorf("%+v: %v %v, want %v", c.q, ids, err, c.want)
		}
	}
	p4, err = e.svc.SetPriority(ctx, asAg2, p4.ID, loaded(p4), ticket.P2)
	if err != nil || !p4.NextDue.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("after P4→P2: %v, %v", p4.NextDue, err)
	}
	if _, err := e.svc.SetCategory(ctx, asAg2, p4.ID, loaded(p4), ticket.CategoryQuestion); err != nil {
		t.Error(err)
	}
	// 我的工单: A's company only, filters and search.
	l, _ := e.svc.List(ctx, asA, ticket.ListQuery{})
	if ids := idsOf(l.Tickets); !equal(ids, []int64{p4.ID, old.ID, p1.ID}) || l.Page.Total != 3 {
		t.Errorf("A's open list: %v %+v", ids, l.Page)
	}
	l, _ = e.svc.List(ctx, asA, ticket.ListQuery{Mine: true, Search: "宕机"})
	if ids := idsOf(l.Tickets); !equal(ids, []int64{p1.ID}) {
		t.Errorf("mine + search: %v", ids)
	}
	if l, _ = e.svc.List(ctx, asA, ticket.ListQuery{Search: "深圳新客户"}); len(l.Tickets) != 0 {
		t.Errorf("the company name is no search of 我的工单: %v", idsOf(l.Tickets))
	}
	if l, _ = e.svc.List(ctx, asA, ticket.ListQuery{Show: ticket.ShowResolved}); len(l.Tickets) != 0 {
		t.Errorf("resolved: %v", idsOf(l.Tickets))
	}
	for range 21 {
		mk(asB, ticket.P3, 0, "many")
	}
	l, _ = e.svc.List(ctx, asB, ticket.ListQuery{Page: 2})
	if len(l.Tickets) != 2 || l.Page.Total != 22 || l.Page.From != 21 || l.Page.HasNext {
		t.Errorf("page 2: %d rows, %+v", len(l.Tickets), l.Page)
	}
}

func idsOf(ts []ticket.Ticket) []int64 {
	var out []int64
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestQueueDueSoonPastTheCap: 即将超时 counts and lists what is due within
// the hour even when more tickets than the count cap are overdue already.
func TestQueueDueSoonPastTheCap(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{PerAccountHour: 50, CountCap: 2})
	for i := range 3 {
		in := input()
		in.Priority, in.DeviceID, in.Title = ticket.P1, devOK, "过期 "+string(rune('a'+i)) // due t0+30m
		e.open(t, asA, in)
	}
	in := input()
	in.Priority, in.DeviceID, in.Title = ticket.P3, devB, "即将到期" // due t0+8h
	soon := e.open(t, asB, in)
	*e.now = t0.Add(7*time.Hour + 30*time.Minute)
	q, err := e.svc.Queue(ctx, asAg1, ticket.QueueQuery{View: ticket.ViewDueSoon})
	if err != nil {
		t.Fatal(err)
	}
	if ids := idsOf(q.Tickets); !equal(ids, []int64{soon.ID}) || q.Counts[ticket.ViewDueSoon] != 1 || q.Page.Total != 1 {
		t.Errorf("due soon: %v %v %+v", ids, q.Counts, q.Page)
	}
	if q.Counts[ticket.ViewOverdue] != 3 { // 3 = "more than 2"
		t.Errorf("overdue count %d, want 3 (past the cap)", q.Counts[ticket.ViewOverdue])
	}
}
