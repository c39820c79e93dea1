package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/adapters/storetest"
	"supportal/domain"
	"supportal/domain/verification"
	"supportal/ports"
)

// outboxNotices returns every notice of the outbox table, oldest first.
func outboxNotices(t *testing.T, db *sqlx.DB) []ports.Notice {
	t.Helper()
	rows, err := db.QueryxContext(t.Context(), `SELECT recipient, lang, template, data, request_id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []ports.Notice
	for rows.Next() {
		var (
			n    ports.Notice
			data []byte
		)
		if err := rows.Scan(&n.To, &n.Lang, &n.Template, &data, &n.RequestID); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &n.Data); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// companyName returns the name of the company profile.
func companyName(t *testing.T, db *sqlx.DB, id int64) string {
	t.Helper()
	var name string
	if err := db.GetContext(t.Context(), &name, `SELECT name FROM companies WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestVerificationTx(t *testing.T) {
	storetest.VerificationTx(t, func(t *testing.T) storetest.VerificationUnit {
		db := migrated(t)
		store := struct {
			*VerificationStore
			*AttachmentStore
		}{NewVerificationStore(db), NewAttachmentStore(db)}
		return storetest.VerificationUnit{Tx: NewVerificationTx(db), Store: store, Account: accounts(db),
			CompanyName: func(t *testing.T, id int64) string { return companyName(t, db, id) },
			Audit:       NewAudit(db),
			Notices:     func(t *testing.T) []ports.Notice { return outboxNotices(t, db) }}
	})
}

// oneCustomer is the verification service's Customers port for one customer.
type oneCustomer verification.Customer

func (c oneCustomer) Customer(_ context.Context, id int64) (verification.Customer, error) {
	if id != c.AccountID {
		return verification.Customer{}, domain.E(domain.NotFound, "error.account.not_found")
	}
	return verification.Customer(c), nil
}

// outboxDown is a runner whose units of work cannot write to the outbox, the
// last step of a decision.
type outboxDown struct{ verification.TxRunner }

func (r outboxDown) InTx(ctx context.Context, fn func(verification.Stores) error) error {
	return r.TxRunner.InTx(ctx, func(st verification.Stores) error {
		st.Outbox = failingOutbox{}
		return fn(st)
	})
}

type failingOutbox struct{}

func (failingOutbox) Enqueue(context.Context, ...ports.Notice) error {
	return errors.New("outbox: disk full")
}

// TestDecideIsOneUnitOfWork: when the customer's notice cannot be written,
// the approval is not kept either (the submission stays pending, with no
// history entry, audit event or verified name); with the outbox back, the
// same decision keeps all of them.
func TestDecideIsOneUnitOfWork(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	store := NewVerificationStore(db)
	account := accounts(db)
	companyID, accountID := account(t, "示例")
	_, reviewer := account(t, "审核员")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	newService := func(tx verification.TxRunner) *verification.Service {
		return verification.NewService(verification.Deps{Submissions: store, Queue: store, Files: memory.NewFileStore(),
			Sniffer: sniff.Sniffer{}, Tx: tx, Now: func() time.Time { return now },
			Customers: oneCustomer{AccountID: accountID, CompanyID: companyID, Email: "wang@example.com", Lang: "en", Name: "王"}})
	}
	sub := verification.Submission{CompanyID: companyID, AccountID: accountID, Region: "CN",
		Fields:  verification.Fields{CompanyName: "上海示例数据科技有限公司", DocType: "business_licence", CreditCode: "91310110666007217T"},
		Licence: verification.Licence{Key: "licences/x"}, State: verification.StatePending, Version: 1, SubmittedAt: now, UpdatedAt: now}
	if err := store.CreateSubmission(ctx, &sub, verification.Entry{Version: 1, At: now, ActorID: accountID,
		Action: verification.ActionSubmitted, Fields: sub.Fields, LicenceKey: sub.Licence.Key}); err != nil {
		t.Fatal(err)
	}
	broken := newService(outboxDown{NewVerificationTx(db)})
	if _, err := broken.Claim(ctx, reviewer, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := broken.Decide(ctx, reviewer, sub.ID, 1, true, "", ""); err == nil {
		t.Fatal("the decision succeeded although its notice was not written")
	}
	got, err := store.SubmissionByID(ctx, sub.ID)
	if err != nil || got.State != verification.StatePending || got.ClaimedBy != reviewer {
		t.Errorf("after the failed decision: %+v, %v; want it pending and still claimed", got, err)
	}
	if h, _ := store.History(ctx, companyID); len(h) != 1 {
		t.Errorf("history has %d entries, want the submission's only", len(h))
	}
	if name := companyName(t, db, companyID); name != "示例" {
		t.Errorf("company name = %q after the failed decision", name)
	}
	audit := NewAudit(db)
	if ev, _ := audit.Events(ctx, now.Add(-time.Hour), 10); len(ev) != 0 {
		t.Errorf("audit events of the failed decision: %+v", ev)
	}

	ok := newService(NewVerificationTx(db))
	if _, err := ok.Decide(ctx, reviewer, sub.ID, 1, true, "", ""); err != nil {
		t.Fatalf("decision: %v", err)
	}
	if got, _ := store.SubmissionByID(ctx, sub.ID); got.State != verification.StateVerified {
		t.Errorf("state = %s, want verified", got.State)
	}
	if name := companyName(t, db, companyID); name != sub.Fields.CompanyName {
		t.Errorf("company name = %q, want the verified name", name)
	}
	ev, err := audit.Events(ctx, now.Add(-time.Hour), 10)
	if err != nil || len(ev) != 1 || ev[0].Type != "verification_verified" || ev[0].ActorID != reviewer ||
		ev[0].Detail != fmt.Sprintf("submission=%d version=1 state=verified reason=", sub.ID) {
		t.Errorf("audit events = %+v, %v", ev, err)
	}
	ns := outboxNotices(t, db)
	if len(ns) != 1 || ns[0].To != "wang@example.com" || ns[0].Lang != "en" || ns[0].Template != "verification_approved" ||
		ns[0].Data["Company"] != sub.Fields.CompanyName {
		t.Errorf("notices = %+v", ns)
	}
}
