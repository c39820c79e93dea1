package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	"supportal/domain/ticket"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	os.Exit(code)
}

var benchNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

func tinyTickets() (TicketSpec, Spec) {
	return TicketSpec{Tickets: 600, Messages: 3000, Open: 120, Agents: 4, Customers: 2, TopCustomers: 5, TopShare: 0.3,
			Seed: 3, Now: benchNow},
		Spec{Companies: 12, Devices: 1200, LinesPerDevice: 1, Seed: 7, TopShare: 0.1, ZipfS: 0.8}
}

// digest hashes every generated row.
func digest(t *testing.T, g *TicketGen) [32]byte {
	h := sha256.New()
	for _, c := range g.Companies() {
		fmt.Fprintf(h, "%+v\n", c)
	}
	fmt.Fprintf(h, "%+v\n", g.Agents())
	days, err := g.Each(func(tk *GenTicket) error {
		b, err := json.Marshal(tk)
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(days)
	h.Write(b)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func TestTicketGenDeterministicAndShaped(t *testing.T) {
	ts, ds := tinyTickets()
	devs := map[int][]DeviceRef{0: {{ID: 5, SN: "SN0000000000AA", Name: "AnyBackup 一体机 AB0001-R1"}}}
	g1, err := NewTicketGen(ts, ds, Bases{}, devs)
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := NewTicketGen(ts, ds, Bases{}, devs)
	if a, b := digest(t, g1), digest(t, g1); a != b {
		t.Fatal("a second pass over the same generator differs")
	}
	if digest(t, g1) != digest(t, g2) {
		t.Fatal("two generators of the same spec differ")
	}
	ts.Seed++
	g3, _ := NewTicketGen(ts, ds, Bases{}, devs)
	if digest(t, g1) == digest(t, g3) {
		t.Fatal("another seed gives the same data set")
	}
	// The companies are the device data set's.
	dg, _ := NewGenerator(ds)
	for i, c := range g1.Companies() {
		if c.Code != dg.Companies()[i].Code || c.Name != dg.Companies()[i].Name {
			t.Fatalf("company %d: %s %s, the devices have %s %s", i, c.Code, c.Name, dg.Companies()[i].Code, dg.Companies()[i].Name)
		}
	}
	var total, open, top, msgs, overdue, withDevice, rated, frBreached, resBreached int
	numbers := map[string]bool{}
	_, err = g1.Each(func(tk *GenTicket) error {
		total++
		msgs += len(tk.Messages)
		if tk.Open() {
			open++
		}
		if tk.CompanyID == g1.Companies()[0].ID {
			top++
		}
		if tk.Snapshot.DeviceID != 0 {
			withDevice++
		}
		if !tk.NextDue.IsZero() && tk.NextDue.Before(benchNow) {
			overdue++
		}
		if tk.Rating.Score != 0 {
			rated++
			if tk.Open() || tk.Rating.Score < 1 || tk.Rating.Score > 5 || tk.Rating.At.Before(tk.ResolvedAt) {
				t.Errorf("ticket %d (%s, resolved %s) rated %+v", tk.ID, tk.Status, tk.ResolvedAt, tk.Rating)
			}
		}
		if tk.FirstResponseBreached {
			frBreached++
		}
		if tk.ResolutionBreached {
			resBreached++
		}
		if !tk.Covered && (tk.FirstResponseBreached || tk.ResolutionBreached || !tk.ResolutionDue.IsZero()) {
			t.Errorf("uncovered ticket %d has SLA results", tk.ID)
		}
		if numbers[tk.Number] {
			t.Errorf("number %s twice", tk.Number)
		}
		numbers[tk.Number] = true
		if tk.CreatedAt.After(benchNow.Add(-24 * time.Hour)) {
			t.Errorf("ticket %d created %s, within the last day", tk.ID, tk.CreatedAt)
		}
		if tk.Messages[0].AuthorRole != ticket.RoleCustomer || tk.Events[0].Kind != ticket.EventCreated {
			t.Errorf("ticket %d does not start with the customer's description", tk.ID)
		}
		last := ""
		for _, e := range tk.Events {
			if e.Kind == ticket.EventStatus || e.Kind == ticket.EventCreated {
				last = e.To
			}
		}
		if last != string(tk.Status) {
			t.Errorf("ticket %d is %s, its history ends at %q", tk.ID, tk.Status, last)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != 600 || open != 120 || top != 180 {
		t.Errorf("%d tickets, %d open, %d of the largest company; want 600, 120, 180", total, open, top)
	}
	if msgs < 2400 || msgs > 3600 {
		t.Errorf("%d messages, want about 3000", msgs)
	}
	if overdue == 0 || withDevice == 0 || rated == 0 || frBreached == 0 || resBreached == 0 {
		t.Errorf("%d overdue, %d with a device, %d rated, %d first responses and %d resolutions breached: want some of each",
			overdue, withDevice, rated, frBreached, resBreached)
	}
}

// TestLoadTicketsConsistent loads a tiny data set into PostgreSQL (foreign
// keys checked by the database) and reads it back through the ticket store
// and the counts the queue needs.
func TestLoadTicketsConsistent(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := postgres.Migrate(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	// Something is there before: the ids continue after it.
	if _, err := db.ExecContext(ctx, `INSERT INTO companies (name) VALUES ('早先的公司')`); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBases(ctx, db.DB)
	if err != nil {
		t.Fatal(err)
	}
	ts, ds := tinyTickets()
	g, err := NewTicketGen(ts, ds, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := LoadTickets(ctx, db.DB, g, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Tickets != 600 || res.Open != 120 || res.Companies != 12 || res.Accounts != 4+11*2+5 {
		t.Errorf("loaded %+v", res)
	}
	var n struct {
		Tickets, Open, Messages, Events, Verified, Top, Orphans int
	}
	const q = `SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM tickets WHERE status IN ('new', 'in_progress', 'waiting')),
	(SELECT count(*) FROM ticket_messages), (SELECT count(*) FROM ticket_events),
	(SELECT count(DISTINCT company_id) FROM verification_submissions WHERE state = 'verified'),
	(SELECT count(*) FROM tickets t JOIN accounts a ON a.id = t.opened_by WHERE a.email = 'bench@example.com'),
	(SELECT count(*) FROM tickets t JOIN accounts a ON a.id = t.opened_by WHERE a.company_id <> t.company_id)
	  + (SELECT count(*) FROM tickets t JOIN accounts a ON a.id = t.assignee_id WHERE a.kind <> 'staff')`
	if err := db.QueryRowContext(ctx, q).Scan(&n.Tickets, &n.Open, &n.Messages, &n.Events, &n.Verified, &n.Top, &n.Orphans); err != nil {
		t.Fatal(err)
	}
	if n.Tickets != 600 || n.Open != 120 || n.Messages != res.Messages || n.Events != res.Events || n.Verified != 12 || n.Top == 0 || n.Orphans != 0 {
		t.Errorf("stored %+v, loaded %+v", n, res)
	}
	// The stores read the rows, and new rows take the next ids and numbers.
	store := postgres.NewTicketStore(db)
	first := g.Companies()[0]
	l, total, err := store.List(ctx, ticket.Filter{CompanyID: first.ID, Sort: ticket.SortActivity, Limit: 5}, 1000)
	if err != nil || len(l) != 5 || total != 180 {
		t.Fatalf("list of the largest company: %d rows, total %d, %v", len(l), total, err)
	}
	msgs, err := postgres.NewTicketThreads(db).Messages(ctx, l[0].ID, true)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("thread of %d: %d messages, %v", l[0].ID, len(msgs), err)
	}
	if l[0].CompanyID != first.ID || l[0].CompanyName != first.Name {
		t.Errorf("ticket %+v is not of %+v", l[0], first)
	}
	var id int64
	if err := db.QueryRowContext(ctx, `INSERT INTO companies (name) VALUES ('新公司') RETURNING id`).Scan(&id); err != nil || id != b.Company+13 {
		t.Errorf("next company id %d (%v), want %d", id, err, b.Company+13)
	}
	seq, err := store.NextNumber(ctx, ticket.NumberDay(l[0].CreatedAt))
	if err != nil || seq < 2 {
		t.Errorf("next number of a generated day: %d, %v", seq, err)
	}
}
