package ticket_test

import (
	"context"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/domain/ticket"
)

// stretched are the test's clocks with every target stretched by a factor,
// as when an admin lengthens a tier's targets.
type stretched struct{ by *time.Duration }

func (s stretched) Entitle(ctx context.Context, lines []ticket.Line, at time.Time) (ticket.Entitlement, error) {
	return clocks{}.Entitle(ctx, lines, at)
}

func (s stretched) State(ctx context.Context, t ticket.Ticket, hist []ticket.Event, now time.Time) (ticket.SLAState, error) {
	st, err := clocks{}.State(ctx, t, hist, now)
	st.FirstResponse.Due = st.FirstResponse.Due.Add(*s.by)
	st.NextDue = st.NextDue.Add(*s.by)
	return st, err
}

// After the settings change, Retarget moves the targets of the open,
// covered tickets and leaves closed and uncovered ones and the activity
// times alone.
func TestRetarget(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	var by time.Duration
	svc := ticket.NewService(ticket.Deps{Tickets: e.store, Threads: e.store, Tx: memory.NewTicketTx(e.store, e.outbox, e.audit),
		People: e.people, Verified: verified{coA: true, coB: true}, Devices: newEnvDevices(), Clocks: stretched{&by},
		Files: e.files, Sniffer: sniff.Sniffer{}, Now: func() time.Time { return *e.now }})
	ctx := context.Background()
	open := e.open(t, asA, input())
	other := e.open(t, asB, ticket.Input{Category: ticket.CategoryFault, Priority: ticket.P1, Title: "B", Description: "b", DeviceID: devB})
	old := input()
	old.DeviceID = devOld
	uncovered := e.open(t, asA, old)
	closed := e.open(t, asA, input())
	if _, err := e.svc.Close(ctx, asA, closed.ID); err != nil {
		t.Fatal(err)
	}
	closed, _ = e.store.Ticket(ctx, closed.ID)

	*e.now = e.now.Add(time.Hour)
	by = 3 * time.Hour
	n, err := svc.Retarget(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Retarget = %d, %v; want the 2 open covered tickets", n, err)
	}
	for _, c := range []struct {
		was  ticket.Ticket
		move time.Duration
	}{{open, 3 * time.Hour}, {other, 3 * time.Hour}, {uncovered, 0}, {closed, 0}} {
		now, err := e.store.Ticket(ctx, c.was.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version != c.was.Version {
			t.Errorf("%s: version %d → %d, want it kept", c.was.Number, c.was.Version, now.Version)
		}
		if got := now.NextDue.Sub(c.was.NextDue); got != c.move || !now.UpdatedAt.Equal(c.was.UpdatedAt) {
			t.Errorf("%s (%s): next due moved by %v, activity %v → %v; want %v and the activity kept",
				c.was.Number, c.was.Status, got, c.was.UpdatedAt, now.UpdatedAt, c.move)
		}
		if c.move != 0 && !now.FirstResponseDue.Equal(c.was.FirstResponseDue.Add(c.move)) {
			t.Errorf("%s: first response due %v, want %v", c.was.Number, now.FirstResponseDue, c.was.FirstResponseDue.Add(c.move))
		}
	}
	// An agent's page loaded before the change still saves.
	if _, err := e.svc.SetPriority(ctx, asAg1, open.ID, loaded(open), ticket.P1); err != nil {
		t.Errorf("a change from the page loaded before Retarget: %v", err)
	}
}

func (stretched) Remaining(_ context.Context, _ string, now, due time.Time) (time.Duration, error) {
	return due.Sub(now), nil
}
