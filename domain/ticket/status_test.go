package ticket

import (
	"testing"
	"time"

	"supportal/domain"
)

func keyOf(err error) string {
	if e, ok := err.(*domain.Error); ok {
		return e.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestMove(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	recent, old := now.Add(-24*time.Hour), now.Add(-31*24*time.Hour)
	cases := []struct {
		from     Status
		resolved time.Time
		role     Role
		to       Status
		want     string
	}{
		{StatusNew, time.Time{}, RoleStaff, StatusInProgress, ""},
		{StatusNew, time.Time{}, RoleStaff, StatusWaiting, ""},
		{StatusNew, time.Time{}, RoleStaff, StatusResolved, ""},
		{StatusNew, time.Time{}, RoleStaff, StatusClosed, ""},
		{StatusNew, time.Time{}, RoleStaff, StatusNew, "error.ticket.transition"},
		{StatusInProgress, time.Time{}, RoleStaff, StatusWaiting, ""},
		{StatusInProgress, time.Time{}, RoleStaff, StatusResolved, ""},
		{StatusInProgress, time.Time{}, RoleStaff, StatusNew, "error.ticket.transition"},
		{StatusWaiting, time.Time{}, RoleStaff, StatusInProgress, ""},
		{StatusWaiting, time.Time{}, RoleStaff, StatusResolved, ""},
		{StatusResolved, recent, RoleStaff, StatusInProgress, ""},
		{StatusResolved, old, RoleStaff, StatusInProgress, ""},
		{StatusResolved, recent, RoleStaff, StatusClosed, ""},
		{StatusResolved, recent, RoleStaff, StatusWaiting, "error.ticket.transition"},
		{StatusClosed, recent, RoleStaff, StatusInProgress, "error.ticket.closed"},
		{StatusNew, time.Time{}, RoleCustomer, StatusClosed, ""},
		{StatusNew, time.Time{}, RoleCustomer, StatusResolved, "error.ticket.transition"},
		{StatusNew, time.Time{}, RoleCustomer, StatusInProgress, "error.ticket.transition"},
		{StatusInProgress, time.Time{}, RoleCustomer, StatusClosed, ""},
		{StatusInProgress, time.Time{}, RoleCustomer, StatusWaiting, "error.ticket.transition"},
		{StatusWaiting, time.Time{}, RoleCustomer, StatusClosed, ""},
		{StatusWaiting, time.Time{}, RoleCustomer, StatusInProgress, "error.ticket.transition"},
		{StatusResolved, recent, RoleCustomer, StatusInProgress, ""},
		{StatusResolved, old, RoleCustomer, StatusInProgress, "error.ticket.reopen_late"},
		{StatusResolved, old, RoleCustomer, StatusClosed, ""},
		{StatusClosed, recent, RoleCustomer, StatusInProgress, "error.ticket.closed"},
		{StatusWaiting, time.Time{}, RoleSystem, StatusResolved, ""},
		{StatusResolved, recent, RoleSystem, StatusClosed, ""},
		{StatusInProgress, time.Time{}, RoleSystem, StatusResolved, "error.ticket.transition"},
		{StatusNew, time.Time{}, RoleSystem, StatusClosed, "error.ticket.transition"},
		{StatusNew, time.Time{}, Role("nobody"), StatusClosed, "error.ticket.transition"},
	}
	for _, c := range cases {
		tk := Ticket{Status: c.from, ResolvedAt: c.resolved}
		if got := keyOf(Move(tk, c.role, c.to, now)); got != c.want {
			t.Errorf("%s %s→%s (resolved %v): %q, want %q", c.role, c.from, c.to, c.resolved, got, c.want)
		}
	}
}

func TestAfterReply(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		from     Status
		resolved time.Time
		role     Role
		want     Status
		err      string
	}{
		{StatusNew, time.Time{}, RoleStaff, StatusInProgress, ""},
		{StatusNew, time.Time{}, RoleCustomer, StatusNew, ""},
		{StatusInProgress, time.Time{}, RoleStaff, StatusInProgress, ""},
		{StatusInProgress, time.Time{}, RoleCustomer, StatusInProgress, ""},
		{StatusWaiting, time.Time{}, RoleCustomer, StatusInProgress, ""},
		{StatusWaiting, time.Time{}, RoleStaff, StatusWaiting, ""},
		{StatusResolved, now.Add(-time.Hour), RoleCustomer, StatusInProgress, ""},
		{StatusResolved, now.Add(-31 * 24 * time.Hour), RoleCustomer, "", "error.ticket.reopen_late"},
		{StatusResolved, now.Add(-time.Hour), RoleStaff, StatusResolved, ""},
		{StatusClosed, now.Add(-time.Hour), RoleCustomer, "", "error.ticket.closed"},
		{StatusClosed, now.Add(-time.Hour), RoleStaff, "", "error.ticket.closed"},
	}
	for _, c := range cases {
		got, err := AfterReply(Ticket{Status: c.from, ResolvedAt: c.resolved}, c.role, now)
		if got != c.want || keyOf(err) != c.err {
			t.Errorf("%s reply on %s: %q %q, want %q %q", c.role, c.from, got, keyOf(err), c.want, c.err)
		}
	}
}

func TestNumber(t *testing.T) {
	// 16:30 UTC on 26 November is already 27 November in Asia/Shanghai.
	at := time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
	if got := Number(NumberDay(at), 123); got != "T20261127-000123" {
		t.Fatalf("Number = %q", got)
	}
	if got := Number(NumberDay(at.Add(-time.Hour)), 1); got != "T20261126-000001" {
		t.Fatalf("Number before midnight = %q", got)
	}
}
