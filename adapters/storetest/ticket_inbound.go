package storetest

import (
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// testTicketInbound: an email is seen once recorded on its ticket and not
// on another; recording the same ticket and key again is a Conflict, while
// the same key on another ticket is recorded.
func testTicketInbound(t *testing.T, b TicketBackend) {
	if b.Inbound == nil {
		t.Skip("the backend has no inbound store")
	}
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	one := createTicket(t, b, newTicket(companyID, customer, "邮件回复", ticketBase), "")
	two := createTicket(t, b, newTicket(companyID, customer, "另一个", ticketBase), "")
	m := ticket.Message{TicketID: one.ID, AuthorID: customer, AuthorName: "王芳", AuthorRole: ticket.RoleCustomer,
		Body: "收到，谢谢", CreatedAt: ticketBase.Add(time.Hour)}
	must(t, b.Threads.AddMessage(ctx, &m))
	const key = "CAF=abc+123@mail.gmail.com"
	seen, err := b.Inbound.Seen(ctx, one.ID, key)
	must(t, err)
	if seen {
		t.Fatal("Seen before Record = true")
	}
	rec := ticket.InboundRecord{TicketID: one.ID, AccountID: customer, Key: key, MessageID: m.ID, Outcome: "posted", At: m.CreatedAt}
	must(t, b.Inbound.Record(ctx, rec))
	for _, c := range []struct {
		id   int64
		key  string
		want bool
	}{{one.ID, key, true}, {two.ID, key, false}, {one.ID, "other@example.com", false}} {
		seen, err := b.Inbound.Seen(ctx, c.id, c.key)
		must(t, err)
		if seen != c.want {
			t.Errorf("Seen(%d, %q) = %v, want %v", c.id, c.key, seen, c.want)
		}
	}
	again := rec
	again.Outcome, again.MessageID = "answered", 0
	if err := b.Inbound.Record(ctx, again); domain.KindOf(err) != domain.Conflict {
		t.Errorf("Record of the same ticket and key again = %v, want a Conflict", err)
	}
	must(t, b.Inbound.Record(ctx, ticket.InboundRecord{TicketID: two.ID, AccountID: customer, Key: key, Outcome: "answered", At: m.CreatedAt}))
}
