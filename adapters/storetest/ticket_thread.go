package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"supportal/domain/ticket"
)

func testOpenOnDevice(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	otherCompany, other := b.Customer(t, 0, "乙公司")
	on := func(company, opener, device int64, title string, st ticket.Status, minute int) ticket.Ticket {
		tk := newTicket(company, opener, title, ticketBase.Add(time.Duration(minute)*time.Minute))
		tk.Status, tk.Snapshot = st, ticket.Snapshot{DeviceID: device, SN: fmt.Sprint("SN", device)}
		return createTicket(t, b, tk, "")
	}
	older := on(companyID, customer, 7, "older", ticket.StatusInProgress, 0)
	on(companyID, customer, 7, "resolved", ticket.StatusResolved, 1)
	on(companyID, customer, 7, "closed", ticket.StatusClosed, 2)
	newer := on(companyID, customer, 7, "newer", ticket.StatusWaiting, 3)
	on(companyID, customer, 8, "other device", ticket.StatusNew, 4)
	on(otherCompany, other, 7, "other company", ticket.StatusNew, 5)
	createTicket(t, b, newTicket(companyID, customer, "no device", ticketBase), "")

	got, err := b.Tickets.OpenOnDevice(ctx, companyID, 7)
	must(t, err)
	var ids []int64
	for _, tk := range got {
		ids = append(ids, tk.ID)
	}
	if want := []int64{newer.ID, older.ID}; !slices.Equal(ids, want) {
		t.Errorf("OpenOnDevice = %v, want %v (newest first)", ids, want)
	}
	if len(got) > 0 {
		sameTicket(t, got[0], newer)
	}
	if got, err := b.Tickets.OpenOnDevice(ctx, companyID, 9); err != nil || len(got) != 0 {
		t.Errorf("OpenOnDevice(no ticket) = %v, %v; want none", got, err)
	}
}

func testCreatedSince(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	_, colleague := b.Customer(t, companyID, "同事")
	otherCompany, other := b.Customer(t, 0, "乙公司")
	for i, opener := range []int64{customer, customer, colleague, customer, other} {
		tk := newTicket(companyID, opener, "t", ticketBase.Add(time.Duration(i)*time.Minute))
		if opener == other {
			tk.CompanyID = otherCompany
		}
		createTicket(t, b, tk, "")
	}
	for _, tt := range []struct {
		name              string
		account, company  int64
		sinceMinute, want int
	}{
		{"account, all", customer, 0, 0, 3},
		{"account, at the boundary", customer, 0, 1, 2},
		{"account, after the last", customer, 0, 4, 0},
		{"colleague", colleague, 0, 0, 1},
		{"company, all", 0, companyID, 0, 4},
		{"company, since the third", 0, companyID, 2, 2},
		{"other company", 0, otherCompany, 0, 1},
	} {
		n, err := b.Tickets.CreatedSince(ctx, tt.account, tt.company, ticketBase.Add(time.Duration(tt.sinceMinute)*time.Minute))
		if err != nil || n != tt.want {
			t.Errorf("CreatedSince %s = %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
}

// threadOf stores a ticket with a thread: a customer message with two
// files, an agent's note with one, a public agent reply without, and a
// customer message with one.
func threadOf(t *testing.T, b TicketBackend) (ticket.Ticket, []ticket.Message) {
	t.Helper()
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	agent := b.Agent(t, "张工")
	tk := createTicket(t, b, newTicket(companyID, customer, "线程", ticketBase), "")
	other := createTicket(t, b, newTicket(companyID, customer, "别的", ticketBase), "")
	msgs := []ticket.Message{
		{AuthorID: customer, AuthorName: "王芳", AuthorRole: ticket.RoleCustomer, Body: "无法启动\n第二行"},
		{AuthorID: agent, AuthorName: "张工", AuthorRole: ticket.RoleStaff, Internal: true, Body: "内部：查日志"},
		{AuthorID: agent, AuthorName: "张工", AuthorRole: ticket.RoleStaff, Body: "请重启"},
		{AuthorID: customer, AuthorName: "王芳", AuthorRole: ticket.RoleCustomer, Body: "<script>x</script>"},
	}
	files := [][]string{{"a.png", "b.log"}, {"note.pdf"}, nil, {"d.zip"}}
	for i := range msgs {
		m := &msgs[i]
		m.TicketID, m.CreatedAt = tk.ID, ticketBase.Add(time.Duration(i+1)*time.Minute)
		must(t, b.Threads.AddMessage(ctx, m))
		if m.ID == 0 {
			t.Fatal("AddMessage left ID 0")
		}
		for j, name := range files[i] {
			a := ticket.Attachment{MessageID: m.ID, TicketID: tk.ID, Key: fmt.Sprintf("tickets/%d/%d-%d", tk.ID, i, j),
				Name: name, ContentType: "application/octet-stream", Size: int64(100*i + j), CreatedAt: m.CreatedAt}
			must(t, b.Threads.AddAttachment(ctx, &a))
			if a.ID == 0 {
				t.Fatal("AddAttachment left ID 0")
			}
			m.Attachments = append(m.Attachments, a)
		}
	}
	// Another ticket's message stays in its own thread.
	must(t, b.Threads.AddMessage(ctx, &ticket.Message{TicketID: other.ID, AuthorID: customer,
		AuthorRole: ticket.RoleCustomer, Body: "别的", CreatedAt: ticketBase}))
	return tk, msgs
}

// sameMessages compares two threads, their times as instants in UTC.
func sameMessages(t *testing.T, what string, got, want []ticket.Message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d messages %+v, want %d", what, len(got), got, len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		sameTime(t, fmt.Sprintf("%s: message %d", what, i), g.CreatedAt, w.CreatedAt)
		if len(g.Attachments) != len(w.Attachments) {
			t.Errorf("%s: message %d has attachments %+v, want %+v", what, i, g.Attachments, w.Attachments)
			continue
		}
		for j := range g.Attachments {
			ga, wa := g.Attachments[j], w.Attachments[j]
			sameTime(t, fmt.Sprintf("%s: attachment %d.%d", what, i, j), ga.CreatedAt, wa.CreatedAt)
			ga.CreatedAt, wa.CreatedAt = time.Time{}, time.Time{}
			if ga != wa {
				t.Errorf("%s: attachment %d.%d = %+v, want %+v", what, i, j, ga, wa)
			}
		}
		g.CreatedAt, w.CreatedAt, g.Attachments, w.Attachments = time.Time{}, time.Time{}, nil, nil
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("%s: message %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func testTicketMessages(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	tk, msgs := threadOf(t, b)
	all, err := b.Threads.Messages(ctx, tk.ID, true)
	must(t, err)
	sameMessages(t, "with notes", all, msgs)
	public, err := b.Threads.Messages(ctx, tk.ID, false)
	must(t, err)
	sameMessages(t, "without notes", public, []ticket.Message{msgs[0], msgs[2], msgs[3]})
	for _, m := range public {
		if m.Internal {
			t.Errorf("without notes: note %d listed", m.ID)
		}
	}
	if none, err := b.Threads.Messages(ctx, tk.ID+1000, true); err != nil || len(none) != 0 {
		t.Errorf("Messages(unknown ticket) = %v, %v; want none", none, err)
	}
}

func testTicketAttachment(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	_, msgs := threadOf(t, b)
	for _, m := range msgs {
		for _, want := range m.Attachments {
			got, internal, err := b.Threads.Attachment(ctx, want.ID)
			must(t, err)
			sameTime(t, "attachment CreatedAt", got.CreatedAt, want.CreatedAt)
			got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
			if got != want || internal != m.Internal {
				t.Errorf("Attachment(%d) = %+v, internal %v; want %+v, internal %v", want.ID, got, internal, want, m.Internal)
			}
		}
	}
}

func testTicketEvents(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	agent := b.Agent(t, "张工")
	tk := createTicket(t, b, newTicket(companyID, customer, "历史", ticketBase), "")
	other := createTicket(t, b, newTicket(companyID, customer, "别的", ticketBase), "")
	// Written in this order; two share a time, one is earlier than the one
	// before it: the history keeps the order of writing.
	want := []ticket.Event{
		{At: ticketBase, ActorID: customer, ActorName: "王芳", ActorRole: ticket.RoleCustomer, Kind: ticket.EventCreated},
		{At: ticketBase.Add(time.Minute), ActorID: agent, ActorName: "张工", ActorRole: ticket.RoleStaff,
			Kind: ticket.EventAssignee, To: "张工"},
		{At: ticketBase.Add(time.Minute), ActorID: agent, ActorName: "张工", ActorRole: ticket.RoleStaff,
			Kind: ticket.EventStatus, From: "new", To: "in_progress"},
		{At: ticketBase.Add(2 * time.Hour), ActorRole: ticket.RoleSystem, Kind: ticket.EventStatus,
			From: "resolved", To: "closed"},
	}
	for _, e := range want {
		e.TicketID = tk.ID
		must(t, b.Threads.AddEvent(ctx, e))
	}
	must(t, b.Threads.AddEvent(ctx, ticket.Event{TicketID: other.ID, At: ticketBase, ActorRole: ticket.RoleSystem,
		Kind: ticket.EventCreated}))
	got, err := b.Threads.Events(ctx, tk.ID)
	must(t, err)
	if len(got) != len(want) {
		t.Fatalf("Events = %+v, want %d events", got, len(want))
	}
	var last int64
	for i := range got {
		if got[i].ID <= last {
			t.Errorf("event %d has id %d after %d", i, got[i].ID, last)
		}
		last = got[i].ID
		sameTime(t, fmt.Sprint("event ", i), got[i].At, want[i].At)
		g, w := got[i], want[i]
		g.ID, g.At, w.At, w.TicketID = 0, time.Time{}, time.Time{}, tk.ID
		if g != w {
			t.Errorf("event %d = %+v, want %+v", i, g, w)
		}
	}
}

func testTicketFollowers(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	_, colleague := b.Customer(t, companyID, "同事")
	agent := b.Agent(t, "张工")
	tk := createTicket(t, b, newTicket(companyID, customer, "关注", ticketBase), "")
	other := createTicket(t, b, newTicket(companyID, customer, "别的", ticketBase), "")
	if got, err := b.Threads.Followers(ctx, tk.ID); err != nil || len(got) != 0 {
		t.Errorf("Followers of a new ticket = %v, %v; want none", got, err)
	}
	for _, id := range []int64{agent, customer, colleague, customer, agent} {
		must(t, b.Threads.Follow(ctx, tk.ID, id))
	}
	must(t, b.Threads.Follow(ctx, other.ID, colleague))
	got, err := b.Threads.Followers(ctx, tk.ID)
	must(t, err)
	slices.Sort(got)
	want := []int64{customer, colleague, agent}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Followers = %v, want %v, each once", got, want)
	}
}
