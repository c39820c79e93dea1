package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"supportal/domain/ticket"
)

func testTicketUpdate(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	agent := b.Agent(t, "张工")
	tk := createTicket(t, b, newTicket(companyID, customer, "更新", ticketBase), "")
	at := ticketBase.Add(time.Hour)
	got, err := b.Tickets.Update(ctx, tk.ID, func(x *ticket.Ticket) error {
		if x.Version != 1 || x.Title != "更新" {
			t.Errorf("fn got version %d %q, want the stored ticket", x.Version, x.Title)
		}
		x.Status, x.AssigneeID, x.AssigneeName, x.UpdatedAt = ticket.StatusInProgress, agent, "张工", at
		x.FirstResponseAt, x.NextDue, x.Priority = at, at.Add(time.Hour), ticket.P2
		x.ResolutionDue, x.ResolutionBreached, x.FirstResponseBreached = at.Add(2*time.Hour), true, true
		x.Snapshot = ticket.Snapshot{DeviceID: 9, SN: "SN9"}
		// What the ticket was opened as stays.
		x.Number, x.CompanyID, x.OpenedBy, x.FollowUpOf = "T20991231-000001", x.CompanyID+1, agent, x.ID
		x.CreatedAt = at
		return nil
	})
	must(t, err)
	want := tk
	want.Status, want.AssigneeID, want.AssigneeName, want.UpdatedAt = ticket.StatusInProgress, agent, "张工", at
	want.FirstResponseAt, want.NextDue, want.Priority = at, at.Add(time.Hour), ticket.P2
	want.ResolutionDue, want.ResolutionBreached, want.FirstResponseBreached = at.Add(2*time.Hour), true, true
	want.Snapshot, want.Version = ticket.Snapshot{DeviceID: 9, SN: "SN9"}, 2
	sameTicket(t, got, want)
	stored, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	sameTicket(t, stored, want)

	// Emptied fields are stored empty; the version grows again.
	got, err = b.Tickets.Update(ctx, tk.ID, func(x *ticket.Ticket) error {
		x.AssigneeID, x.AssigneeName, x.NextDue, x.Snapshot = 0, "", time.Time{}, ticket.Snapshot{}
		return nil
	})
	must(t, err)
	want.AssigneeID, want.AssigneeName, want.NextDue, want.Snapshot, want.Version = 0, "", time.Time{}, ticket.Snapshot{}, 3
	sameTicket(t, got, want)
	stored, err = b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	sameTicket(t, stored, want)
	// Filtering reads the stored columns: the cleared device is gone.
	if n, err := b.Tickets.Count(ctx, ticket.Filter{Search: "SN9"}, 0); err != nil || n != 0 {
		t.Errorf("tickets on the cleared SN = %d, %v; want 0", n, err)
	}
}

func testTicketUpdateFnError(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	tk := createTicket(t, b, newTicket(companyID, customer, "原样", ticketBase), "")
	refused := errors.New("refused")
	got, err := b.Tickets.Update(ctx, tk.ID, func(x *ticket.Ticket) error {
		x.Title, x.Status = "改了", ticket.StatusClosed
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	sameTicket(t, got, tk)
	stored, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	sameTicket(t, stored, tk)
}

func testTicketUpdateConcurrent(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	tk := createTicket(t, b, newTicket(companyID, customer, "", ticketBase), "")
	const n = 10
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := b.Tickets.Update(ctx, tk.ID, func(x *ticket.Ticket) error {
				x.Title += "x"
				return nil
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	got, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	if len(got.Title) != n || got.Version != n+1 {
		t.Errorf("after %d concurrent updates: title %q, version %d; want %d x and version %d", n, got.Title, got.Version, n, n+1)
	}
}

// testTicketRetime: Retime stores the SLA targets and results fn sets, and
// nothing else, with the version kept; fn's error stores nothing.
func testTicketRetime(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	tk := newTicket(companyID, customer, "重算", ticketBase)
	tk.FirstResponseDue, tk.NextDue = ticketBase.Add(time.Hour), ticketBase.Add(time.Hour)
	tk = createTicket(t, b, tk, "")
	at := ticketBase.Add(3 * time.Hour)
	got, err := b.Tickets.Retime(ctx, tk.ID, func(x *ticket.Ticket) error {
		x.FirstResponseDue, x.NextDue, x.FirstResponseBreached = at, at.Add(time.Hour), true
		x.ResolutionDue, x.ResolutionBreached = at.Add(2*time.Hour), true
		x.Title, x.Status, x.Priority, x.UpdatedAt = "改了", ticket.StatusWaiting, ticket.P1, at
		return nil
	})
	must(t, err)
	want := tk
	want.FirstResponseDue, want.NextDue, want.FirstResponseBreached = at, at.Add(time.Hour), true
	want.ResolutionDue, want.ResolutionBreached = at.Add(2*time.Hour), true
	sameTicket(t, got, want)
	stored, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	sameTicket(t, stored, want)

	boom := errors.New("boom")
	if _, err := b.Tickets.Retime(ctx, tk.ID, func(x *ticket.Ticket) error { x.NextDue = time.Time{}; return boom }); !errors.Is(err, boom) {
		t.Errorf("Retime with fn failing = %v, want fn's error", err)
	}
	stored, err = b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	sameTicket(t, stored, want)
}
