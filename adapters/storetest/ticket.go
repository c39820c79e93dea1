package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// TicketBackend is a ticket store under test and the way to create the
// accounts its foreign keys need.
type TicketBackend struct {
	Tickets ticket.Tickets
	Threads ticket.Threads
	Ratings ticket.Ratings
	// Inbound remembers the handled email replies (nil: not tested).
	Inbound ticket.Inbound
	// Customer creates a customer named name in the company companyID, or
	// in a new company of its own when companyID is 0, and returns both ids.
	Customer func(t *testing.T, companyID int64, name string) (int64, int64)
	// Agent creates a staff account named name and returns its id.
	Agent func(t *testing.T, name string) int64
}

// Tickets runs the contract of the ticket stores. newBackend returns empty
// stores; it is called once per subtest, and subtests run in parallel.
func Tickets(t *testing.T, newBackend func(t *testing.T) TicketBackend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b TicketBackend)
	}{
		{"NextNumber", testNextNumber},
		{"CreateAndRead", testTicketCreateRead},
		{"Unknown", testTicketUnknown},
		{"Token", testTicketToken},
		{"Update", testTicketUpdate},
		{"UpdateFnError", testTicketUpdateFnError},
		{"UpdateConcurrent", testTicketUpdateConcurrent},
		{"Retime", testTicketRetime},
		{"ListFilters", testTicketFilters},
		{"ListSorts", testTicketSorts},
		{"ListPages", testTicketPages},
		{"CountCap", testTicketCountCap},
		{"CountEach", testCountEach},
		{"OpenOnDevice", testOpenOnDevice},
		{"CreatedSince", testCreatedSince},
		{"Messages", testTicketMessages},
		{"Attachment", testTicketAttachment},
		{"Events", testTicketEvents},
		{"Followers", testTicketFollowers},
		{"Rate", testTicketRate},
		{"RateFnError", testTicketRateFnError},
		{"Inbound", testTicketInbound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newBackend(t))
		})
	}
}

// ticketBase is the time the tickets of the contract are created around.
var ticketBase = time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)

// newTicket returns a new covered P3 fault of the customer, created and
// last active at at.
func newTicket(companyID, openedBy int64, title string, at time.Time) ticket.Ticket {
	return ticket.Ticket{CompanyID: companyID, CompanyName: "公司", OpenedBy: openedBy, OpenedByName: "王芳",
		Title: title, Category: ticket.CategoryFault, Priority: ticket.P3, Status: ticket.StatusNew,
		Phone: "13800138000", Covered: true, Tier: "standard", CreatedAt: at, UpdatedAt: at}
}

// createTicket draws tk's number for the day of its creation, stores it
// with token and returns it with its id.
func createTicket(t *testing.T, b TicketBackend, tk ticket.Ticket, token string) ticket.Ticket {
	t.Helper()
	day := ticket.NumberDay(tk.CreatedAt)
	n, err := b.Tickets.NextNumber(t.Context(), day)
	must(t, err)
	tk.Number = ticket.Number(day, n)
	must(t, b.Tickets.Create(t.Context(), &tk, token))
	if tk.ID == 0 || tk.Version != 1 {
		t.Fatalf("Create left ID %d, version %d; want an id and version 1", tk.ID, tk.Version)
	}
	return tk
}

// sameTicket compares two tickets, their times as instants in UTC.
func sameTicket(t *testing.T, got, want ticket.Ticket) {
	t.Helper()
	for _, tm := range []struct {
		what      string
		got, want *time.Time
	}{
		{"CreatedAt", &got.CreatedAt, &want.CreatedAt}, {"UpdatedAt", &got.UpdatedAt, &want.UpdatedAt},
		{"ResolvedAt", &got.ResolvedAt, &want.ResolvedAt}, {"ClosedAt", &got.ClosedAt, &want.ClosedAt},
		{"FirstResponseAt", &got.FirstResponseAt, &want.FirstResponseAt},
		{"FirstResponseDue", &got.FirstResponseDue, &want.FirstResponseDue}, {"NextDue", &got.NextDue, &want.NextDue},
		{"ResolutionDue", &got.ResolutionDue, &want.ResolutionDue},
	} {
		sameTime(t, tm.what, *tm.got, *tm.want)
		*tm.got, *tm.want = time.Time{}, time.Time{}
	}
	gl, wl := got.Snapshot.Lines, want.Snapshot.Lines
	got.Snapshot.Lines, want.Snapshot.Lines = nil, nil
	if len(gl) != len(wl) {
		t.Errorf("snapshot lines = %+v, want %+v", gl, wl)
	}
	for i := range min(len(gl), len(wl)) {
		sameTime(t, fmt.Sprintf("line %d start", i), gl[i].Start, wl[i].Start)
		sameTime(t, fmt.Sprintf("line %d end", i), gl[i].End, wl[i].End)
		if gl[i].SKU != wl[i].SKU || gl[i].ServiceName != wl[i].ServiceName {
			t.Errorf("line %d = %+v, want %+v", i, gl[i], wl[i])
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ticket = %+v\nwant     %+v", got, want)
	}
}

func testNextNumber(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	next := func(day string) int {
		t.Helper()
		n, err := b.Tickets.NextNumber(ctx, day)
		must(t, err)
		return n
	}
	for want := 1; want <= 3; want++ {
		if n := next("20261127"); n != want {
			t.Errorf("NextNumber(20261127) = %d, want %d", n, want)
		}
	}
	if n := next("20261128"); n != 1 {
		t.Errorf("NextNumber of a new day = %d, want 1", n)
	}
	if n := next("20261127"); n != 4 {
		t.Errorf("NextNumber(20261127) after another day = %d, want 4", n)
	}
}

func testTicketCreateRead(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	agent := b.Agent(t, "张工")
	first := createTicket(t, b, newTicket(companyID, customer, "第一张", ticketBase), "")
	at := ticketBase.Add(time.Hour)
	tk := ticket.Ticket{CompanyID: companyID, CompanyName: "甲公司", OpenedBy: customer, OpenedByName: "王芳",
		Title: "存储节点 <b>离线</b>", Category: ticket.CategoryService, Priority: ticket.P1,
		Status: ticket.StatusInProgress, Phone: "+86 21 5555 0000",
		Snapshot: ticket.Snapshot{DeviceID: 4711, SN: "AS0000012345", Name: "AnyShare S200",
			Lines: []ticket.Line{
				{SKU: "SVC-PREM", ServiceName: "高级维保", Start: day("2026-01-01"), End: day("2027-12-31")},
				{SKU: "SVC-UPG", ServiceName: "软件升级服务", Start: day("2025-01-01"), End: day("2025-12-31")},
			}},
		Covered: true, Tier: "premium", FollowUpOf: first.ID, AssigneeID: agent, AssigneeName: "张工",
		CreatedAt: at, UpdatedAt: at.Add(time.Minute), ResolvedAt: at.Add(2 * time.Minute),
		ClosedAt: at.Add(3 * time.Minute), FirstResponseAt: at.Add(4 * time.Minute),
		FirstResponseDue: at.Add(30 * time.Minute), NextDue: at.Add(45 * time.Minute),
		FirstResponseBreached: true, ResolutionDue: at.Add(8 * time.Hour), ResolutionBreached: true}
	tk = createTicket(t, b, tk, "token-1")

	got, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	sameTicket(t, got, tk)
	got, err = b.Tickets.ByNumber(ctx, tk.Number)
	must(t, err)
	sameTicket(t, got, tk)
	got, err = b.Tickets.ByToken(ctx, customer, "token-1")
	must(t, err)
	sameTicket(t, got, tk)
	// The optional fields left empty come back empty.
	got, err = b.Tickets.Ticket(ctx, first.ID)
	must(t, err)
	sameTicket(t, got, first)
	if first.Number == tk.Number {
		t.Errorf("two tickets numbered %s", tk.Number)
	}
}

func testTicketUnknown(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	tk := createTicket(t, b, newTicket(companyID, customer, "有", ticketBase), "tok")
	_, err := b.Tickets.Ticket(ctx, tk.ID+1000)
	wantError(t, "Ticket(unknown)", err, domain.NotFound, "error.ticket.not_found")
	_, err = b.Tickets.ByNumber(ctx, "T20261127-999999")
	wantError(t, "ByNumber(unknown)", err, domain.NotFound, "error.ticket.not_found")
	_, err = b.Tickets.ByToken(ctx, customer, "other")
	wantError(t, "ByToken(unknown token)", err, domain.NotFound, "error.ticket.not_found")
	_, err = b.Tickets.ByToken(ctx, customer, "")
	wantError(t, "ByToken(empty token)", err, domain.NotFound, "error.ticket.not_found")
	_, colleague := b.Customer(t, companyID, "同事")
	_, err = b.Tickets.ByToken(ctx, colleague, "tok")
	wantError(t, "ByToken(another account's token)", err, domain.NotFound, "error.ticket.not_found")
	_, err = b.Tickets.Update(ctx, tk.ID+1000, func(*ticket.Ticket) error { return nil })
	wantError(t, "Update(unknown)", err, domain.NotFound, "error.ticket.not_found")
	_, _, err = b.Threads.Attachment(ctx, 999999)
	wantError(t, "Attachment(unknown)", err, domain.NotFound, "error.ticket.not_found")
}

func testTicketToken(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	_, colleague := b.Customer(t, companyID, "同事")
	first := createTicket(t, b, newTicket(companyID, customer, "一次", ticketBase), "form-1")

	again := newTicket(companyID, customer, "两次", ticketBase.Add(time.Second))
	again.Number = "T20261127-000099"
	err := b.Tickets.Create(ctx, &again, "form-1")
	wantError(t, "Create with a used token", err, domain.Conflict, "error.ticket.duplicate")
	_, err = b.Tickets.ByNumber(ctx, again.Number)
	wantError(t, "the refused duplicate", err, domain.NotFound, "error.ticket.not_found")
	got, err := b.Tickets.ByToken(ctx, customer, "form-1")
	must(t, err)
	if got.ID != first.ID || got.Title != "一次" {
		t.Errorf("ByToken = %d %q, want the first ticket %d", got.ID, got.Title, first.ID)
	}
	// The token is the opener's: a colleague may use the same one, and an
	// empty token is no token.
	createTicket(t, b, newTicket(companyID, colleague, "同事的", ticketBase), "form-1")
	createTicket(t, b, newTicket(companyID, customer, "无令牌", ticketBase), "")
	createTicket(t, b, newTicket(companyID, customer, "无令牌", ticketBase), "")
	if n, err := b.Tickets.Count(ctx, ticket.Filter{CompanyID: companyID}, 0); err != nil || n != 4 {
		t.Errorf("tickets stored = %d, %v; want 4", n, err)
	}
}
