package main

import (
	"context"
	"io"
	"strconv"
	"testing"
	"time"

	"supportal/domain/ticket"
	"supportal/domain/ticket/sla"
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

// An admin's change of a tier's targets moves the targets of the open
// tickets of that tier at once (on PostgreSQL, through the application's
// wiring).
func TestTierChangeRetargetsOpenTickets(t *testing.T) {
	app := startApp(t)
	ctx := context.Background()
	if err := seed(ctx, app.a, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := app.a.store.AccountByEmail(ctx, "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	list, err := app.a.ticket.List(ctx, ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}, ticket.ListQuery{Show: ticket.ShowOpen, Search: "备份任务在凌晨失败"})
	if err != nil || len(list.Tickets) != 1 {
		t.Fatalf("the new 7x24 demo ticket: %v, %v", list.Tickets, err)
	}
	before := list.Tickets[0]
	if before.Tier != "premium" || before.Priority != ticket.P2 || before.FirstResponseDue.IsZero() {
		t.Fatalf("demo ticket: tier %q, P%d, due %v", before.Tier, before.Priority, before.FirstResponseDue)
	}
	p, err := app.a.slaSettings.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tier, _ := p.Tier("premium")
	in := sla.TierInput{Code: tier.Code, Version: tier.Version, Rank: strconv.Itoa(tier.Rank), Calendar: tier.Calendar}
	for i, tg := range tier.Targets {
		in.Targets[i] = [3]string{tg.FirstResponse.String(), tg.NextResponse.String(), tg.Resolution.String()}
	}
	in.Targets[1][0] = "4h" // P2 first response: 2 h → 4 h
	if _, err := app.a.slaSettings.SaveTier(ctx, admin.ID, in); err != nil {
		t.Fatal(err)
	}
	after, err := app.a.ticket.Detail(ctx, ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}, before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := after.Ticket.FirstResponseDue.Sub(before.FirstResponseDue); got != 2*time.Hour {
		t.Fatalf("first response due moved by %v, want 2h (%v → %v)", got, before.FirstResponseDue, after.Ticket.FirstResponseDue)
	}
}
