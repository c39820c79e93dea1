package main

import (
	"context"
	"io"
	"testing"
	"time"

	"supportal/domain/ticket"
)

// TestSeedTickets runs the dev seed twice on the real application: the demo
// company has a ticket in every state, one out of coverage and one past its
// first-response target, and the second run adds nothing.
func TestSeedTickets(t *testing.T) {
	app := startApp(t)
	ctx := context.Background()
	for range 2 {
		if err := seed(ctx, app.a, io.Discard); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	list, err := app.a.ticket.List(ctx, ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}, ticket.ListQuery{Show: ticket.ShowAll})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tickets) != 7 {
		t.Fatalf("%d demo tickets, want 7", len(list.Tickets))
	}
	states, uncovered, overdue := map[ticket.Status]int{}, 0, 0
	for _, tk := range list.Tickets {
		states[tk.Status]++
		if !tk.Covered {
			uncovered++
			if !tk.NextDue.IsZero() {
				t.Errorf("%s is uncovered and has a due time %v", tk.Number, tk.NextDue)
			}
		}
		if tk.Open() && !tk.NextDue.IsZero() && tk.NextDue.Before(time.Now()) {
			overdue++
		}
	}
	for _, s := range ticket.Statuses {
		if states[s] == 0 {
			t.Errorf("no demo ticket is %s: %v", s, states)
		}
	}
	if uncovered != 1 || overdue < 1 {
		t.Errorf("%d uncovered (want 1), %d overdue (want at least 1)", uncovered, overdue)
	}
}
