package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/lib/pq"
)

// TicketImport is what loading a ticket data set measured.
type TicketImport struct {
	Companies  int           `json:"companies"`
	Accounts   int           `json:"accounts"`
	Tickets    int           `json:"tickets"`
	Messages   int           `json:"messages"`
	Events     int           `json:"events"`
	Followers  int           `json:"followers"`
	Open       int           `json:"open"`
	TopTickets int           `json:"top_tickets"` // of the largest company
	People     time.Duration `json:"people"`      // companies, accounts, verifications
	TicketsDur time.Duration `json:"tickets_dur"`
	Threads    time.Duration `json:"threads"` // messages, events, followers (in parallel)
	Analyze    time.Duration `json:"analyze"`
	Elapsed    time.Duration `json:"elapsed"`
	PGCPU      time.Duration `json:"pg_cpu"`
	SelfCPU    time.Duration `json:"self_cpu"`
	Bytes      int64         `json:"bytes"` // the ticket tables with their indexes
}

// nullTime is a COPY value: NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// copyInto runs one COPY into table in tx, feeding it the rows put writes.
func copyInto(ctx context.Context, tx *sql.Tx, table string, cols []string, put func(row func(...any) error) error) (int, error) {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return 0, fmt.Errorf("copy %s: %w", table, err)
	}
	n := 0
	err = put(func(vals ...any) error {
		n++
		_, err := stmt.ExecContext(ctx, vals...)
		return err
	})
	if err == nil {
		_, err = stmt.ExecContext(ctx)
	}
	if cerr := stmt.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("copy %s: row %d: %w", table, n, err)
	}
	return n, nil
}

// inTx runs fn in a transaction.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ReadBases returns the highest ids of the tables the data set writes.
func ReadBases(ctx context.Context, db *sql.DB) (Bases, error) {
	var b Bases
	const q = `SELECT (SELECT COALESCE(max(id), 0) FROM companies), (SELECT COALESCE(max(id), 0) FROM accounts),
	(SELECT COALESCE(max(id), 0) FROM verification_submissions), (SELECT COALESCE(max(id), 0) FROM attachments),
	(SELECT COALESCE(max(id), 0) FROM tickets), (SELECT COALESCE(max(id), 0) FROM ticket_messages),
	(SELECT COALESCE(max(id), 0) FROM ticket_events)`
	err := db.QueryRowContext(ctx, q).Scan(&b.Company, &b.Account, &b.Submission, &b.Attachment, &b.Ticket, &b.Message, &b.Event)
	return b, err
}

// ReadDevices returns up to perCompany devices of every company of codes
// (by index) from the warranty data, the lowest ids first.
func ReadDevices(ctx context.Context, db *sql.DB, codes []string, perCompany int) (map[int][]DeviceRef, error) {
	idx := make(map[string]int, len(codes))
	for i, c := range codes {
		idx[c] = i
	}
	const q = `SELECT owner_code, id, sn, name FROM (
	SELECT owner_code, id, sn, name, row_number() OVER (PARTITION BY owner_code ORDER BY id) AS rn
	FROM devices WHERE owner_code = ANY($1)) d
WHERE rn <= $2 ORDER BY owner_code, id`
	rows, err := db.QueryContext(ctx, q, pq.Array(codes), perCompany)
	if err != nil {
		return nil, fmt.Errorf("tickets: devices: %w", err)
	}
	defer rows.Close()
	out := map[int][]DeviceRef{}
	for rows.Next() {
		var code string
		var d DeviceRef
		if err := rows.Scan(&code, &d.ID, &d.SN, &d.Name); err != nil {
			return nil, err
		}
		out[idx[code]] = append(out[idx[code]], d)
	}
	return out, rows.Err()
}

// LoadTickets writes the data set of g with COPY straight into the tables:
// companies, accounts (every one with passwordHash) and verified
// submissions in one transaction, then the tickets (with the reports'
// sums computed after them, not row by row), then their messages,
// events and followers in three parallel transactions; then it moves the
// id sequences past the rows and ANALYZEs the tables.
func LoadTickets(ctx context.Context, db *sql.DB, g *TicketGen, passwordHash string, pgPID int) (TicketImport, error) {
	var res TicketImport
	start, self0, pg0 := time.Now(), SelfCPU(), cpuOf(pgPID, TreeCPU)
	if err := inTx(ctx, db, func(tx *sql.Tx) error { return copyPeople(ctx, tx, g, passwordHash, &res) }); err != nil {
		return res, err
	}
	res.People = time.Since(start)
	t0 := time.Now()
	var days map[string]int
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE tickets DISABLE TRIGGER USER`); err != nil {
			return fmt.Errorf("tickets: triggers: %w", err)
		}
		cols := []string{"id", "number", "company_id", "company_name", "opened_by", "opened_by_name", "title", "category",
			"priority", "status", "phone", "device_id", "device_sn", "snapshot", "covered", "tier", "assignee_id",
			"assignee_name", "version", "created_at", "updated_at", "resolved_at", "closed_at", "first_response_at",
			"first_response_due", "next_due", "first_response_breached", "resolution_due", "resolution_breached",
			"rating_score", "rated_by", "rated_by_name", "rated_first_at", "rated_at"}
		n, err := copyInto(ctx, tx, "tickets", cols, func(row func(...any) error) error {
			var err error
			days, err = g.Each(func(t *GenTicket) error {
				snap, err := json.Marshal(t.Snapshot)
				if err != nil {
					return err
				}
				if t.Open() {
					res.Open++
				}
				if t.CompanyID == g.companies[0].ID {
					res.TopTickets++
				}
				return row(t.ID, t.Number, t.CompanyID, t.CompanyName, t.OpenedBy, t.OpenedByName, t.Title, string(t.Category),
					int(t.Priority), string(t.Status), t.Phone, nullID(t.Snapshot.DeviceID), t.Snapshot.SN, string(snap), t.Covered,
					t.Tier, nullID(t.AssigneeID), t.AssigneeName, t.Version, t.CreatedAt, t.UpdatedAt, nullTime(t.ResolvedAt),
					nullTime(t.ClosedAt), nullTime(t.FirstResponseAt), nullTime(t.FirstResponseDue), nullTime(t.NextDue),
					t.FirstResponseBreached, nullTime(t.ResolutionDue), t.ResolutionBreached, rating(t.Rating.Score),
					nullID(t.Rating.ByID), t.Rating.ByName, nullTime(t.Rating.FirstAt), nullTime(t.Rating.At))
			})
			return err
		})
		res.Tickets = n
		if err != nil {
			return err
		}
		// The reports' monthly sums, which the triggers of migration 00027
		// would keep row by row, are computed once for the whole set.
		if _, err := tx.ExecContext(ctx, `ALTER TABLE tickets ENABLE TRIGGER USER; SELECT ticket_report_months_rebuild()`); err != nil {
			return fmt.Errorf("tickets: report sums: %w", err)
		}
		return copyNumbers(ctx, tx, days)
	})
	if err != nil {
		return res, err
	}
	res.TicketsDur = time.Since(t0)
	t0 = time.Now()
	if err := copyThreads(ctx, db, g, &res); err != nil {
		return res, err
	}
	res.Threads = time.Since(t0)
	const seqs = `
SELECT setval('companies_id_seq', (SELECT max(id) FROM companies));
SELECT setval('accounts_id_seq', (SELECT max(id) FROM accounts));
SELECT setval('verification_submissions_id_seq', (SELECT max(id) FROM verification_submissions));
SELECT setval('attachments_id_seq', (SELECT max(id) FROM attachments));
SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets));
SELECT setval('ticket_messages_id_seq', (SELECT max(id) FROM ticket_messages));
SELECT setval('ticket_events_id_seq', (SELECT max(id) FROM ticket_events))`
	if _, err := db.ExecContext(ctx, seqs); err != nil {
		return res, fmt.Errorf("tickets: sequences: %w", err)
	}
	t0 = time.Now()
	// VACUUM also sets the visibility map, as autovacuum would soon, so that
	// the counts of the lists can be index-only scans.
	const analyze = `VACUUM (ANALYZE) companies, accounts, verification_submissions, attachments, tickets, ticket_messages, ticket_events, ticket_followers`
	if _, err := db.ExecContext(ctx, analyze); err != nil {
		return res, fmt.Errorf("tickets: analyze: %w", err)
	}
	res.Analyze = time.Since(t0)
	res.Elapsed, res.SelfCPU, res.PGCPU = time.Since(start), SelfCPU()-self0, cpuOf(pgPID, TreeCPU)-pg0
	const size = `SELECT pg_total_relation_size('tickets') + pg_total_relation_size('ticket_messages') +
	pg_total_relation_size('ticket_events') + pg_total_relation_size('ticket_followers')`
	if err := db.QueryRowContext(ctx, size).Scan(&res.Bytes); err != nil {
		return res, fmt.Errorf("tickets: size: %w", err)
	}
	return res, nil
}

// copyPeople writes the companies, the agents and customers, and one
// verified submission (with its licence's attachment row) per company.
func copyPeople(ctx context.Context, tx *sql.Tx, g *TicketGen, hash string, res *TicketImport) error {
	created := g.spec.Now.AddDate(-3, -1, 0)
	var err error
	res.Companies, err = copyInto(ctx, tx, "companies", []string{"id", "name", "industry", "size", "address", "created_at", "updated_at"},
		func(row func(...any) error) error {
			for _, c := range g.companies {
				if err := row(c.ID, c.Name, "it", "1000+", "上海市杨浦区压测路 1 号", created, created); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	res.Accounts, err = copyInto(ctx, tx, "accounts", []string{"id", "email", "kind", "role", "name", "job_title", "country",
		"mobile", "password_hash", "company_id", "lang", "created_at", "password_changed_at", "time_zone"},
		func(row func(...any) error) error {
			for _, a := range g.agents {
				if err := row(a.ID, a.Email, "staff", "agent", a.Name, "", "", "", hash, nil, "zh-CN", created, created, "Asia/Shanghai"); err != nil {
					return err
				}
			}
			for _, c := range g.companies {
				for _, a := range c.Customers {
					if err := row(a.ID, a.Email, "customer", "customer", a.Name, "it_lead", "CN", fmt.Sprintf("138%08d", a.ID%100000000),
						hash, a.CompanyID, "zh-CN", created, created, "Asia/Shanghai"); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	key := func(i int) string { return fmt.Sprintf("bench/licence/%d", g.bases.Submission+int64(i)+1) }
	if _, err = copyInto(ctx, tx, "attachments", []string{"id", "key", "name", "content_type", "size", "owner_kind", "owner_id", "created_at"},
		func(row func(...any) error) error {
			for i := range g.companies {
				if err := row(g.bases.Attachment+int64(i)+1, key(i), "营业执照.png", "image/png", 1, "licence",
					g.bases.Submission+int64(i)+1, created); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
		return err
	}
	_, err = copyInto(ctx, tx, "verification_submissions", []string{"id", "company_id", "account_id", "region", "company_name",
		"doc_type", "credit_code", "licence_key", "licence_name", "licence_type", "licence_size", "state", "version",
		"submitted_at", "updated_at", "decided_at"},
		func(row func(...any) error) error {
			for i, c := range g.companies {
				if err := row(g.bases.Submission+int64(i)+1, c.ID, c.Customers[0].ID, "CN", c.Name, "business_licence", c.Code,
					key(i), "营业执照.png", "image/png", 1, "verified", 1, created, created, created); err != nil {
					return err
				}
			}
			return nil
		})
	return err
}

// copyNumbers records the last number given out each day, so that new
// tickets continue the sequences.
func copyNumbers(ctx context.Context, tx *sql.Tx, days map[string]int) error {
	keys := make([]string, 0, len(days))
	for d := range days {
		keys = append(keys, d)
	}
	sort.Strings(keys)
	last := make([]int64, len(keys))
	for i, d := range keys {
		last[i] = int64(days[d])
	}
	const q = `INSERT INTO ticket_numbers (day, last) SELECT * FROM unnest($1::text[], $2::int[])
ON CONFLICT (day) DO UPDATE SET last = ticket_numbers.last + EXCLUDED.last`
	if _, err := tx.ExecContext(ctx, q, pq.Array(keys), pq.Array(last)); err != nil {
		return fmt.Errorf("tickets: numbers: %w", err)
	}
	return nil
}

// copyThreads writes messages, events and followers, each in its own
// transaction on its own connection at the same time; each regenerates the
// tickets (the same every time) and keeps its part.
func copyThreads(ctx context.Context, db *sql.DB, g *TicketGen, res *TicketImport) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	k := 0
	part := func(n *int, table string, cols []string, each func(t *GenTicket, row func(...any) error) error) {
		i := k
		k++
		wg.Go(func() {
			errs[i] = inTx(ctx, db, func(tx *sql.Tx) error {
				var err error
				*n, err = copyInto(ctx, tx, table, cols, func(row func(...any) error) error {
					_, err := g.Each(func(t *GenTicket) error { return each(t, row) })
					return err
				})
				return err
			})
			if errs[i] != nil {
				cancel() // the others stop too
			}
		})
	}
	part(&res.Messages, "ticket_messages", []string{"id", "ticket_id", "author_id", "author_name", "author_role", "internal", "body", "created_at"},
		func(t *GenTicket, row func(...any) error) error {
			for _, m := range t.Messages {
				if err := row(m.ID, m.TicketID, nullID(m.AuthorID), m.AuthorName, string(m.AuthorRole), m.Internal, m.Body, m.CreatedAt); err != nil {
					return err
				}
			}
			return nil
		})
	part(&res.Events, "ticket_events", []string{"id", "ticket_id", "at", "actor_id", "actor_name", "actor_role", "kind", "from_value", "to_value"},
		func(t *GenTicket, row func(...any) error) error {
			for _, e := range t.Events {
				if err := row(e.ID, e.TicketID, e.At, nullID(e.ActorID), e.ActorName, string(e.ActorRole), string(e.Kind), e.From, e.To); err != nil {
					return err
				}
			}
			return nil
		})
	part(&res.Followers, "ticket_followers", []string{"ticket_id", "account_id"},
		func(t *GenTicket, row func(...any) error) error {
			for _, a := range t.Followers {
				if err := row(t.ID, a); err != nil {
					return err
				}
			}
			return nil
		})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tickets: threads: %w", err)
	}
	return nil
}
