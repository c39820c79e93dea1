package memory_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/ticket"
	"supportal/ports"
)

var tbase = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

func mkTicket(t *testing.T, s *memory.TicketStore, n int, mod func(*ticket.Ticket)) ticket.Ticket {
	t.Helper()
	tk := ticket.Ticket{Number: ticket.Number("20261127", n), CompanyID: 1, CompanyName: "Acme 示例", OpenedBy: 10,
		Title: fmt.Sprintf("Title %d", n), Category: ticket.CategoryFault, Priority: ticket.P3, Status: ticket.StatusNew,
		CreatedAt: tbase.Add(time.Duration(n) * time.Minute), UpdatedAt: tbase.Add(time.Duration(n) * time.Minute)}
	if mod != nil {
		mod(&tk)
	}
	if err := s.Create(context.Background(), &tk, ""); err != nil {
		t.Fatal(err)
	}
	return tk
}

func ids(ts []ticket.Ticket) string {
	var out []int64
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return fmt.Sprint(out)
}

// TestTicketStoreFilters: the orders, the search (number exact, title and
// SN substrings, company name only across companies), the due filter and
// the bounded count.
func TestTicketStoreFilters(t *testing.T) {
	ctx := context.Background()
	s := memory.NewTicketStore()
	a := mkTicket(t, s, 1, func(x *ticket.Ticket) { x.NextDue = tbase.Add(3 * time.Hour); x.Snapshot.SN = "SN-ABC" })
	b := mkTicket(t, s, 2, func(x *ticket.Ticket) { x.NextDue = tbase.Add(time.Hour) })
	c := mkTicket(t, s, 3, nil) // no target
	d := mkTicket(t, s, 4, func(x *ticket.Ticket) {
		x.CompanyID, x.CompanyName, x.NextDue, x.Title = 2, "Other Co", tbase.Add(time.Hour), "Disk failure"
	})
	for _, tt := range []struct {
		f    ticket.Filter
		want string
	}{
		{ticket.Filter{Sort: ticket.SortActivity}, fmt.Sprint([]int64{d.ID, c.ID, b.ID, a.ID})},
		{ticket.Filter{Sort: ticket.SortDue}, fmt.Sprint([]int64{b.ID, d.ID, a.ID, c.ID})},
		{ticket.Filter{Search: "t20261127-000002"}, fmt.Sprint([]int64{b.ID})},
		{ticket.Filter{Search: "title"}, fmt.Sprint([]int64{c.ID, b.ID, a.ID})},
		{ticket.Filter{Search: "abc"}, fmt.Sprint([]int64{a.ID})},
		{ticket.Filter{Search: "other co"}, fmt.Sprint([]int64{d.ID})},
		{ticket.Filter{CompanyID: 1, Search: "acme"}, "[]"},
		{ticket.Filter{DueBefore: tbase.Add(2 * time.Hour), Sort: ticket.SortDue}, fmt.Sprint([]int64{b.ID, d.ID})},
		{ticket.Filter{CompanyID: 1, Sort: ticket.SortDue, Offset: 1, Limit: 1}, fmt.Sprint([]int64{a.ID})},
	} {
		got, _, err := s.List(ctx, tt.f, 0)
		if g := ids(got); err != nil || (g != tt.want && !(tt.want == "[]" && len(got) == 0)) {
			t.Errorf("List(%+v) = %s, %v; want %s", tt.f, g, err, tt.want)
		}
	}
	// A count past the cap reads cap+1: "more than 2".
	if _, n, _ := s.List(ctx, ticket.Filter{Limit: 1}, 2); n != 3 {
		t.Errorf("count capped at 2 = %d, want 3", n)
	}
	if n, _ := s.Count(ctx, ticket.Filter{CompanyID: 1}, 0); n != 3 {
		t.Errorf("Count = %d", n)
	}
	if n, _ := s.CreatedSince(ctx, 0, 1, tbase.Add(2*time.Minute)); n != 2 {
		t.Errorf("CreatedSince = %d", n)
	}
	if _, err := s.Ticket(ctx, 99); domain.KindOf(err) != domain.NotFound {
		t.Errorf("unknown ticket: %v", err)
	}
}

// TestTicketStoreUpdate: Update returns fn's error with the ticket as it
// was and stores the change with the next version; a token is used once.
func TestTicketStoreUpdate(t *testing.T) {
	ctx := context.Background()
	s := memory.NewTicketStore()
	tk := ticket.Ticket{Number: "T20261127-000001", CompanyID: 1, OpenedBy: 10, Title: "x", Status: ticket.StatusNew}
	if err := s.Create(ctx, &tk, "tok"); err != nil || tk.Version != 1 {
		t.Fatal(err)
	}
	dup := tk
	if err := s.Create(ctx, &dup, "tok"); domain.KindOf(err) != domain.Conflict {
		t.Errorf("same token again: %v", err)
	}
	boom := errors.New("boom")
	got, err := s.Update(ctx, tk.ID, func(x *ticket.Ticket) error { x.Title = "changed"; return boom })
	if !errors.Is(err, boom) || got.Title != "x" || got.Version != 1 {
		t.Errorf("failed update = %+v, %v", got, err)
	}
	got, err = s.Update(ctx, tk.ID, func(x *ticket.Ticket) error { x.Title = "changed"; return nil })
	if err != nil || got.Version != 2 || got.Title != "changed" {
		t.Errorf("update = %+v, %v", got, err)
	}
	if byTok, err := s.ByToken(ctx, 10, "tok"); err != nil || byTok.Title != "changed" {
		t.Errorf("ByToken = %+v, %v", byTok, err)
	}
}

// TestTicketTxRollsBack: a unit of work that fails leaves the store, the
// outbox and the audit log as they were, numbers included.
func TestTicketTxRollsBack(t *testing.T) {
	ctx := context.Background()
	s, box, audit := memory.NewTicketStore(), memory.NewOutbox(), memory.NewAudit()
	tx := memory.NewTicketTx(s, box, audit)
	err := tx.InTx(ctx, func(st ticket.Stores) error {
		n, _ := st.Tickets.NextNumber(ctx, "20261127")
		tk := ticket.Ticket{Number: ticket.Number("20261127", n), CompanyID: 1, OpenedBy: 10, Title: "x"}
		if err := st.Tickets.Create(ctx, &tk, "t"); err != nil {
			return err
		}
		m := ticket.Message{TicketID: tk.ID, Body: "hi"}
		if err := st.Threads.AddMessage(ctx, &m); err != nil {
			return err
		}
		_ = st.Outbox.Enqueue(ctx, ports.Notice{To: "a@example.com", Template: "ticket_created"})
		_ = st.Audit.Record(ctx, ports.AuditEvent{Type: "ticket_created"})
		return errors.New("second write failed")
	})
	if err == nil {
		t.Fatal("InTx succeeded")
	}
	if n, _ := s.Count(ctx, ticket.Filter{}, 0); n != 0 || len(box.Notices()) != 0 {
		t.Errorf("after a rollback: %d tickets, %d notices", n, len(box.Notices()))
	}
	if evs, _ := audit.Events(ctx, time.Time{}, 10); len(evs) != 0 {
		t.Errorf("audit after a rollback: %v", evs)
	}
	if n, _ := s.NextNumber(ctx, "20261127"); n != 1 {
		t.Errorf("number after a rollback = %d, want 1", n)
	}
}
