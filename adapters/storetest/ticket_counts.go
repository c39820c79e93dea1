package storetest

import (
	"slices"
	"testing"
	"time"

	"supportal/domain/ticket"
)

// testCountEach checks that a Counter counts each filter as Count does:
// the queue's views of both agents and a few filters more, under several
// caps.
func testCountEach(t *testing.T, b TicketBackend) {
	c, ok := b.Tickets.(ticket.Counter)
	if !ok {
		t.Fatalf("%T is no ticket.Counter", b.Tickets)
	}
	ctx := t.Context()
	w := newTicketWorld(t, b)
	now := ticketBase.Add(45 * time.Minute)
	var fs []ticket.Filter
	for _, me := range []int64{w.x, w.y} {
		fs = append(fs,
			ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue, Unassigned: true},
			ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue, AssigneeID: me},
			ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue, DueBefore: now.Add(time.Hour)},
			ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue, DueBefore: now},
			ticket.Filter{Statuses: []ticket.Status{ticket.StatusWaiting}, Sort: ticket.SortDue},
			ticket.Filter{Statuses: openOnes, Sort: ticket.SortDue})
	}
	fs = append(fs, ticket.Filter{}, ticket.Filter{CompanyID: w.companyA, Search: "AS0001"},
		ticket.Filter{Covered: &no, Priority: ticket.P3}, ticket.Filter{CompanyID: w.companyB, Statuses: openOnes, Category: ticket.CategoryFault})
	for _, countCap := range []int{0, 1, 2, 3, 50} {
		want := make([]int, len(fs))
		for i, f := range fs {
			n, err := b.Tickets.Count(ctx, f, countCap)
			must(t, err)
			want[i] = n
		}
		got, err := c.CountEach(ctx, fs, countCap)
		must(t, err)
		if !slices.Equal(got, want) {
			t.Errorf("CountEach(cap %d) = %v, want the counts %v", countCap, got, want)
		}
	}
	// The views of x at now: t1, t6 unassigned; t2, t3 x's; t2, t7 (and t1
	// at +60m) due within the hour, t2 and t7 overdue; t3 waiting; 5 open.
	got, err := c.CountEach(ctx, fs[:6], 0)
	must(t, err)
	if want := []int{2, 2, 3, 2, 1, 5}; !slices.Equal(got, want) {
		t.Errorf("CountEach(x's views) = %v, want %v", got, want)
	}
	if got, err := c.CountEach(ctx, nil, 10); err != nil || len(got) != 0 {
		t.Errorf("CountEach(none) = %v, %v; want no count", got, err)
	}
}
