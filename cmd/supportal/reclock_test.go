package main

import (
	"context"
	"database/sql"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/domain/identity"
	"supportal/domain/ticket"
)

// TestReclockFillsOldTickets: tickets stored before migration 00024 (their
// resolution result NULL) get it from their histories at start-up, the
// same as the service stored for them, and nothing is left to recompute.
func TestReclockFillsOldTickets(t *testing.T) {
	e := newSubmitEnv(t)
	ctx := context.Background()
	agent, err := e.app.a.identity.CreateStaff(ctx, "agent2@example.com", "坐席 李", identity.RoleAgent, webtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	staff := ticket.Actor{AccountID: agent.ID, StaffRole: ticket.StaffAgent}
	var ids []int64
	for i, title := range []string{"阵列告警", "备份失败"} {
		tk, err := e.app.a.ticket.Create(ctx, actorOf(e.a), ticket.Input{Category: ticket.CategoryFault, Priority: ticket.P1,
			Title: title, Description: "描述", DeviceSN: "SNACOVERED1"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if _, err := e.app.a.ticket.SetStatus(ctx, staff, tk.ID, ticket.Loaded{}, ticket.StatusResolved); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, tk.ID)
	}
	type result struct {
		Due      sql.NullTime
		Breached sql.NullBool
	}
	read := func(id int64) (r result) {
		const q = `SELECT resolution_due, resolution_breached FROM tickets WHERE id = $1`
		if err := e.app.a.db.QueryRowContext(ctx, q, id).Scan(&r.Due, &r.Breached); err != nil {
			t.Fatal(err)
		}
		return r
	}
	want := map[int64]result{}
	for _, id := range ids {
		want[id] = read(id)
		if !want[id].Due.Valid || !want[id].Breached.Valid {
			t.Fatalf("ticket %d stored without its resolution result: %+v", id, want[id])
		}
	}
	if _, err := e.app.a.db.ExecContext(ctx, `UPDATE tickets SET resolution_due = NULL, resolution_breached = NULL`); err != nil {
		t.Fatal(err)
	}
	if got, err := e.app.a.ticketReports.Unclocked(ctx, 10); err != nil || len(got) != 2 {
		t.Fatalf("Unclocked = %v, %v; want the two tickets", got, err)
	}
	e.app.a.reclock(ctx)
	for _, id := range ids {
		got := read(id)
		if !got.Due.Valid || !got.Due.Time.Equal(want[id].Due.Time) || got.Breached != want[id].Breached {
			t.Errorf("ticket %d after reclock: %+v, want %+v", id, got, want[id])
		}
	}
	if got, err := e.app.a.ticketReports.Unclocked(ctx, 10); err != nil || len(got) != 0 {
		t.Errorf("Unclocked after reclock = %v, %v; want none", got, err)
	}
}
