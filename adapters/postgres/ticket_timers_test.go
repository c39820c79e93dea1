package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/adapters/storetest"
	"supportal/domain"
	"supportal/domain/ticket"
)

// TestTicketTimers runs the timed rules' claims on PostgreSQL, as
// adapters/memory runs them in memory.
func TestTicketTimers(t *testing.T) {
	storetest.TicketTimers(t, func(t *testing.T) storetest.TimerBackend {
		db := migrated(t)
		return storetest.TimerBackend{TicketBackend: ticketBackend(db), Timers: NewTicketStore(db)}
	})
}

// timerPeople knows every account as a customer of zh-CN (or an agent when
// agent says so); the tests need only their addresses.
type timerPeople struct{ agent int64 }

func (p timerPeople) Person(_ context.Context, id int64) (ticket.Person, error) {
	if id == p.agent {
		return ticket.Person{ID: id, Name: "张工", Email: "agent@example.com", Lang: "en", Staff: true, Role: "agent"}, nil
	}
	return ticket.Person{}, domain.E(domain.NotFound, "error.account.not_found")
}

func (p timerPeople) Agents(ctx context.Context) ([]ticket.Person, error) {
	a, err := p.Person(ctx, p.agent)
	return []ticket.Person{a}, err
}

// customers adds the customers of the test's companies to timerPeople.
type customers struct {
	timerPeople
	byID map[int64]int64 // account → company
}

func (c customers) Person(ctx context.Context, id int64) (ticket.Person, error) {
	if co, ok := c.byID[id]; ok {
		return ticket.Person{ID: id, CompanyID: co, Name: "王芳", Email: fmt.Sprintf("c%d@example.com", id), Lang: "zh-CN",
			TimeZone: "Asia/Shanghai"}, nil
	}
	return c.timerPeople.Person(ctx, id)
}

// noClocks gives every ticket no running target.
type noClocks struct{}

func (noClocks) Entitle(context.Context, []ticket.Line, time.Time) (ticket.Entitlement, error) {
	return ticket.Entitlement{}, nil
}

func (noClocks) State(context.Context, ticket.Ticket, []ticket.Event, time.Time) (ticket.SLAState, error) {
	return ticket.SLAState{}, nil
}

func (noClocks) Remaining(_ context.Context, _ string, now, due time.Time) (time.Duration, error) {
	return due.Sub(now), nil
}

// TestTicketTimersTwoSchedulers runs two schedulers, each with its own
// service and connections, at once over one database with many due tickets
// of every rule: each ticket is handled exactly once, with one status event
// of the system (or none for a reminder or a warning) and one email.
func TestTicketTimersTwoSchedulers(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	b := ticketBackend(db)
	now := time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC)
	agent := b.Agent(t, "张工")
	ppl := customers{timerPeople: timerPeople{agent: agent}, byID: map[int64]int64{}}
	store, threads := NewTicketStore(db), NewTicketThreads(db)
	const each = 30
	want := map[int64]string{} // ticket → the notice it gets
	for i := range 4 * each {
		companyID, customer := b.Customer(t, 0, fmt.Sprint("公司", i))
		ppl.byID[customer] = companyID
		tk := newTimerTicket(t, store, companyID, customer, now.Add(-20*24*time.Hour), i)
		var set func(*ticket.Ticket)
		var waiting time.Time
		switch i % 4 {
		case 0:
			set = func(x *ticket.Ticket) { x.Status, x.ResolvedAt = ticket.StatusResolved, now.Add(-8*24*time.Hour) }
			want[tk.ID] = ticket.NoticeAutoClosed
		case 1:
			set, waiting = func(x *ticket.Ticket) { x.Status = ticket.StatusWaiting }, now.Add(-11*24*time.Hour)
			want[tk.ID] = ticket.NoticeAutoResolved
		case 2:
			set, waiting = func(x *ticket.Ticket) { x.Status = ticket.StatusWaiting }, now.Add(-4*24*time.Hour)
			want[tk.ID] = ticket.NoticeReminder
		case 3:
			set = func(x *ticket.Ticket) { x.FirstResponseDue = now.Add(10 * time.Minute) }
			want[tk.ID] = ticket.NoticeBreachWarning
		}
		if _, err := store.Update(ctx, tk.ID, func(x *ticket.Ticket) error { set(x); return nil }); err != nil {
			t.Fatal(err)
		}
		if !waiting.IsZero() {
			if err := threads.AddEvent(ctx, ticket.Event{TicketID: tk.ID, At: waiting, ActorID: agent, ActorRole: ticket.RoleStaff,
				Kind: ticket.EventStatus, From: "in_progress", To: "waiting"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	scheduler := func() *ticket.Service {
		return ticket.NewService(ticket.Deps{Tickets: store, Threads: threads, Tx: NewTicketTx(db), People: ppl,
			Verified: noVerified{}, Devices: noDevices{}, Clocks: noClocks{}, Files: memory.NewFileStore(), Sniffer: sniff.Sniffer{},
			Now: func() time.Time { return now }})
	}
	var wg sync.WaitGroup
	runs := make([]ticket.TimerRun, 2)
	errs := make([]error, 2)
	for i, svc := range []*ticket.Service{scheduler(), scheduler()} {
		wg.Go(func() { runs[i], errs[i] = svc.RunTimers(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("scheduler %d: %v", i, err)
		}
	}
	total := ticket.TimerRun{Closed: runs[0].Closed + runs[1].Closed, Resolved: runs[0].Resolved + runs[1].Resolved,
		Reminded: runs[0].Reminded + runs[1].Reminded, Warned: runs[0].Warned + runs[1].Warned}
	t.Logf("scheduler runs: %+v and %+v", runs[0], runs[1])
	if total != (ticket.TimerRun{Closed: each, Resolved: each, Reminded: each, Warned: each}) {
		t.Errorf("together the schedulers handled %+v, want %d of each", total, each)
	}
	checkHandledOnce(t, db, want)
}

// checkHandledOnce checks that every ticket got exactly its one notice and,
// when closed or resolved, exactly one status event of the system.
func checkHandledOnce(t *testing.T, db *sqlx.DB, want map[int64]string) {
	t.Helper()
	const qEvents = `SELECT ticket_id, count(*) FROM ticket_events WHERE actor_role = 'system' AND kind = 'status' GROUP BY ticket_id`
	const qNotices = `SELECT template, data->>'Number' AS number, count(*) FROM outbox GROUP BY template, data->>'Number'`
	const qNumbers = `SELECT id, number, status FROM tickets`
	events := map[int64]int{}
	rows, err := db.QueryxContext(t.Context(), qEvents)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		events[id] = n
	}
	notices := map[string]int{}
	rows, err = db.QueryxContext(t.Context(), qNotices)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tmpl, number string
		var n int
		if err := rows.Scan(&tmpl, &number, &n); err != nil {
			t.Fatal(err)
		}
		notices[tmpl+" "+number] += n
	}
	var tks []struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
		Status string `db:"status"`
	}
	if err := db.SelectContext(t.Context(), &tks, qNumbers); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, tk := range tks {
		tmpl := want[tk.ID]
		if notices[tmpl+" "+tk.Number] != 1 {
			t.Errorf("ticket %s (%s) got %d %s notices, want 1", tk.Number, tk.Status, notices[tmpl+" "+tk.Number], tmpl)
		}
		wantEvents := 0
		if tmpl == ticket.NoticeAutoClosed || tmpl == ticket.NoticeAutoResolved {
			wantEvents = 1
		}
		if events[tk.ID] != wantEvents {
			t.Errorf("ticket %s has %d status events of the system, want %d", tk.Number, events[tk.ID], wantEvents)
		}
	}
	for _, n := range notices {
		sum += n
	}
	if sum != len(want) {
		t.Errorf("%d notices in the outbox, want %d", sum, len(want))
	}
}

// newTimerTicket stores a new covered ticket of the customer created at at.
func newTimerTicket(t *testing.T, s *TicketStore, companyID, customer int64, at time.Time, i int) ticket.Ticket {
	t.Helper()
	day := ticket.NumberDay(at)
	n, err := s.NextNumber(t.Context(), day)
	if err != nil {
		t.Fatal(err)
	}
	tk := ticket.Ticket{Number: ticket.Number(day, n), CompanyID: companyID, CompanyName: "公司", OpenedBy: customer,
		OpenedByName: "王芳", Title: fmt.Sprint("工单 ", i), Category: ticket.CategoryFault, Priority: ticket.P2,
		Status: ticket.StatusNew, Covered: true, Tier: "premium", CreatedAt: at, UpdatedAt: at}
	if err := s.Create(t.Context(), &tk, ""); err != nil {
		t.Fatal(err)
	}
	return tk
}

type noVerified struct{}

func (noVerified) VerifiedCreditCode(context.Context, int64) (string, error) { return "", nil }

type noDevices struct{}

func (noDevices) DeviceBySN(context.Context, int64, string) (ticket.Device, error) {
	return ticket.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (noDevices) DeviceByID(context.Context, int64, int64) (ticket.Device, error) {
	return ticket.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (noDevices) Suggest(context.Context, int64, string, int) ([]ticket.Device, error) {
	return nil, nil
}

func (noDevices) CompanyLines(context.Context, int64, time.Time) ([]ticket.Line, error) {
	return nil, nil
}
