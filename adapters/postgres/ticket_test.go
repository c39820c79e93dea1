package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/storetest"
	"supportal/domain/ticket"
)

// ticketBackend returns the ticket stores over db and the accounts their
// foreign keys need.
func ticketBackend(db *sqlx.DB) storetest.TicketBackend {
	var n atomic.Int64
	newCompany := accounts(db)
	return storetest.TicketBackend{
		Tickets: NewTicketStore(db),
		Threads: NewTicketThreads(db),
		Ratings: NewTicketStore(db),
		Inbound: NewTicketStore(db),
		Customer: func(t *testing.T, companyID int64, name string) (int64, int64) {
			t.Helper()
			if companyID == 0 {
				return newCompany(t, name)
			}
			const q = `
INSERT INTO accounts (email, kind, role, name, password_hash, country, company_id)
VALUES ($1, 'customer', 'customer', $2, 'h', 'CN', $3)
RETURNING id`
			var id int64
			email := fmt.Sprintf("colleague%d@example.com", n.Add(1))
			if err := db.GetContext(t.Context(), &id, q, email, name, companyID); err != nil {
				t.Fatal(err)
			}
			return companyID, id
		},
		Agent: func(t *testing.T, name string) int64 {
			t.Helper()
			const q = `
INSERT INTO accounts (email, kind, role, name, password_hash)
VALUES ($1, 'staff', 'agent', $2, 'h')
RETURNING id`
			var id int64
			email := fmt.Sprintf("agent%d@example.com", n.Add(1))
			if err := db.GetContext(t.Context(), &id, q, email, name); err != nil {
				t.Fatal(err)
			}
			return id
		},
	}
}

// The memory stores run the same contract from adapters/memory once they
// exist: storetest.Tickets with a TicketBackend whose Customer and Agent only
// hand out ids.
func TestTicketStore(t *testing.T) {
	storetest.Tickets(t, func(t *testing.T) storetest.TicketBackend { return ticketBackend(migrated(t)) })
}

// TestTicketNumbersConcurrent creates 200 tickets from 20 goroutines, each
// drawing its number and storing its ticket in one unit of work: every
// ticket is stored, with the numbers 1…200 of the day, each once.
func TestTicketNumbersConcurrent(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	b := ticketBackend(db)
	companyID, customer := b.Customer(t, 0, "甲公司")
	tx := NewTicketTx(db)
	now := time.Date(2026, 11, 27, 17, 30, 0, 0, time.UTC) // 01:30 on the 28th in Shanghai
	day := ticket.NumberDay(now)
	const workers, each = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				errs <- tx.InTx(ctx, func(s ticket.Stores) error {
					n, err := s.Tickets.NextNumber(ctx, day)
					if err != nil {
						return err
					}
					tk := ticket.Ticket{Number: ticket.Number(day, n), CompanyID: companyID, OpenedBy: customer,
						Title: fmt.Sprintf("worker %d ticket %d", w, i), Category: ticket.CategoryFault,
						Priority: ticket.P3, Status: ticket.StatusNew, CreatedAt: now, UpdatedAt: now}
					return s.Tickets.Create(ctx, &tk, fmt.Sprintf("w%d-%d", w, i))
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var numbers []string
	if err := db.SelectContext(ctx, &numbers, `SELECT number FROM tickets ORDER BY number`); err != nil {
		t.Fatal(err)
	}
	want := make([]string, workers*each)
	for i := range want {
		want[i] = ticket.Number("20261128", i+1)
	}
	if !slices.Equal(numbers, want) {
		t.Errorf("numbers = %v\nwant %v", numbers, want)
	}
}

// TestTicketAttachmentIndexed checks that a ticket attachment's object is
// known to the sweeper's index, owned by its message, in the same
// transaction: a unit of work that fails leaves neither row.
func TestTicketAttachmentIndexed(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	b := ticketBackend(db)
	companyID, customer := b.Customer(t, 0, "甲公司")
	now := time.Now().UTC()
	var tk ticket.Ticket
	var m ticket.Message
	err := NewTicketTx(db).InTx(ctx, func(s ticket.Stores) error {
		tk = ticket.Ticket{Number: "T20261127-000001", CompanyID: companyID, OpenedBy: customer, Title: "附件",
			Category: ticket.CategoryFault, Priority: ticket.P3, Status: ticket.StatusNew, CreatedAt: now, UpdatedAt: now}
		if err := s.Tickets.Create(ctx, &tk, ""); err != nil {
			return err
		}
		m = ticket.Message{TicketID: tk.ID, AuthorID: customer, AuthorRole: ticket.RoleCustomer, Body: "见附件", CreatedAt: now}
		if err := s.Threads.AddMessage(ctx, &m); err != nil {
			return err
		}
		return s.Threads.AddAttachment(ctx, &ticket.Attachment{MessageID: m.ID, Key: "tickets/kept", Name: "a.log",
			ContentType: "text/plain", Size: 12, CreatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	var owner struct {
		Kind string `db:"owner_kind"`
		ID   int64  `db:"owner_id"`
		Name string `db:"name"`
		Size int64  `db:"size"`
	}
	const q = `SELECT owner_kind, owner_id, name, size FROM attachments WHERE key = $1`
	if err := db.GetContext(ctx, &owner, q, "tickets/kept"); err != nil {
		t.Fatal(err)
	}
	if owner.Kind != "ticket_message" || owner.ID != m.ID || owner.Name != "a.log" || owner.Size != 12 {
		t.Errorf("attachment row = %+v, want owned by ticket_message %d", owner, m.ID)
	}
	if unnamed, err := NewAttachmentStore(db).UnnamedKeys(ctx, []string{"tickets/kept"}); err != nil || len(unnamed) != 0 {
		t.Errorf("UnnamedKeys = %v, %v; want the key named", unnamed, err)
	}

	failed := fmt.Errorf("the unit of work fails")
	err = NewTicketTx(db).InTx(ctx, func(s ticket.Stores) error {
		a := ticket.Attachment{MessageID: m.ID, Key: "tickets/dropped", Name: "b.log", ContentType: "text/plain", CreatedAt: now}
		if err := s.Threads.AddAttachment(ctx, &a); err != nil {
			return err
		}
		return failed
	})
	if err != failed {
		t.Fatalf("InTx = %v, want the function's error", err)
	}
	var n int
	const count = `
SELECT (SELECT count(*) FROM attachments WHERE key = $1) + (SELECT count(*) FROM ticket_attachments WHERE key = $1)`
	if err := db.GetContext(ctx, &n, count, "tickets/dropped"); err != nil || n != 0 {
		t.Errorf("rows of a rolled-back attachment = %d, %v; want none", n, err)
	}
	// Outside a unit of work, an attachment of an unknown message stores
	// nothing either.
	err = NewTicketThreads(db).AddAttachment(context.Background(), &ticket.Attachment{MessageID: m.ID + 100,
		Key: "tickets/orphan", Name: "c.log", ContentType: "text/plain"})
	if err == nil {
		t.Error("AddAttachment of an unknown message succeeded")
	}
	if err := db.GetContext(ctx, &n, count, "tickets/orphan"); err != nil || n != 0 {
		t.Errorf("rows of a refused attachment = %d, %v; want none", n, err)
	}
}

// TestTicketReports runs the report queries' contract on PostgreSQL.
func TestTicketReports(t *testing.T) {
	db := migrated(t)
	storetest.TicketReports(t, func(t *testing.T) storetest.ReportBackend {
		return storetest.ReportBackend{TicketBackend: ticketBackend(db), Reports: NewTicketReports(db)}
	})
}

// TestTicketReportZones runs the contract of the reports in every zone,
// after tickets change, on PostgreSQL: its monthly sums and their
// corrections at the zones' boundaries.
func TestTicketReportZones(t *testing.T) {
	db := migrated(t)
	storetest.TicketReportZones(t, func(t *testing.T) storetest.ReportBackend {
		return storetest.ReportBackend{TicketBackend: ticketBackend(db), Reports: NewTicketReports(db)}
	})
	// What the triggers kept, change by change, is what the tickets sum
	// to now.
	const sums = `
SELECT 's', month, tier, company_id::text, tickets, fr_met, fr_breached, rs_met, rs_breached
FROM ticket_sla_months WHERE tickets <> 0 OR fr_met <> 0 OR fr_breached <> 0 OR rs_met <> 0 OR rs_breached <> 0
UNION ALL
SELECT 'r', month, tier, score::text, ratings, 0, 0, 0, 0 FROM ticket_rating_months WHERE ratings <> 0
ORDER BY 1, 2, 3, 4`
	read := func() []string {
		rows, err := db.QueryxContext(t.Context(), sums)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			cols, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(cols...))
		}
		return out
	}
	kept := read()
	if _, err := db.ExecContext(t.Context(), `SELECT ticket_report_months_rebuild()`); err != nil {
		t.Fatal(err)
	}
	if again := read(); len(kept) == 0 || !slices.Equal(kept, again) {
		t.Errorf("monthly sums kept by the triggers:\n%s\nrebuilt from the tickets:\n%s",
			strings.Join(kept, "\n"), strings.Join(again, "\n"))
	}
}
