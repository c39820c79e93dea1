package postgres

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/storetest"
	"supportal/domain/verification"
)

// accounts returns a storetest.NewAccount that creates customers in db.
func accounts(db *sqlx.DB) storetest.NewAccount {
	var n atomic.Int64
	return func(t *testing.T, name string) (int64, int64) {
		t.Helper()
		// Plain SQL over the columns of the first migration, so that tests of
		// later migrations can create accounts before applying them.
		const q = `
WITH c AS (INSERT INTO companies (name) VALUES ($1) RETURNING id)
INSERT INTO accounts (email, kind, role, name, password_hash, country, company_id)
SELECT $2, 'customer', 'customer', $1, 'h', 'CN', c.id FROM c
RETURNING company_id, id`
		var companyID, accountID int64
		email := fmt.Sprintf("customer%d@example.com", n.Add(1))
		if err := db.QueryRowxContext(t.Context(), q, name, email).Scan(&companyID, &accountID); err != nil {
			t.Fatal(err)
		}
		return companyID, accountID
	}
}

func TestVerificationStore(t *testing.T) {
	storetest.Verification(t, func(t *testing.T) (storetest.VerificationStores, storetest.NewAccount) {
		db := migrated(t)
		return struct {
			*VerificationStore
			*AttachmentStore
		}{NewVerificationStore(db), NewAttachmentStore(db)}, accounts(db)
	})
}

// TestVerificationHistoryAppendOnly checks that the database itself refuses
// to change or remove history lines.
func TestVerificationHistoryAppendOnly(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	s := NewVerificationStore(db)
	companyID, accountID := accounts(db)(t, "示例")
	now := time.Now()
	sub := verification.Submission{CompanyID: companyID, AccountID: accountID, Region: "CN",
		Fields:  verification.Fields{CompanyName: "示例", DocType: "other", CreditCode: "91310110666007217T"},
		Licence: verification.Licence{Key: "licences/x"}, State: verification.StatePending, Version: 1,
		SubmittedAt: now, UpdatedAt: now}
	e := verification.Entry{Version: 1, At: now, ActorID: accountID, Action: verification.ActionSubmitted,
		Fields: sub.Fields, LicenceKey: sub.Licence.Key}
	if err := s.CreateSubmission(ctx, &sub, e); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE verification_history SET note = 'rewritten'`,
		`DELETE FROM verification_history`,
		`TRUNCATE verification_history`,
	} {
		_, err := db.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM verification_history WHERE note = ''`); err != nil || n != 1 {
		t.Errorf("history lines left unchanged = %d, %v; want 1", n, err)
	}
}

// TestMigrationResolvesDuplicateCodes: codes verified for several companies
// before migration 00007 stay with the company verified first; the others
// lose their verification, recorded in the history and the audit log, and
// the unique index then stands.
func TestMigrationResolvesDuplicateCodes(t *testing.T) {
	ctx := t.Context()
	db := open(t, pgtest.NewDB(t))
	p, err := newMigrator(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	newAccount := accounts(db)
	const code = "91310110666007217T"
	verified := func(name string, decided time.Time) int64 {
		companyID, accountID := newAccount(t, name)
		const q = `
INSERT INTO verification_submissions (company_id, account_id, region, company_name, doc_type, credit_code,
	licence_key, state, version, submitted_at, updated_at, decided_by, decided_at)
VALUES ($1, $2, 'CN', $3, 'other', $4, 'licences/' || $3, 'verified', 1, $5, $5, 1, $5)
RETURNING id`
		var id int64
		if err := db.GetContext(ctx, &id, q, companyID, accountID, name, code, decided); err != nil {
			t.Fatal(err)
		}
		return id
	}
	now := time.Now()
	later := verified("后认证", now)
	first := verified("先认证", now.Add(-time.Hour))
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatalf("migrate to 00007: %v", err)
	}
	s := NewVerificationStore(db)
	holder, err := s.CodeHolder(ctx, code, 0)
	if err != nil || holder.ID != first {
		t.Fatalf("holder = %+v, %v; want submission %d", holder, err, first)
	}
	lost, err := s.SubmissionByID(ctx, later)
	if err != nil || lost.State != verification.StateRevoked || lost.Reason != verification.ReasonCodeTaken {
		t.Fatalf("later company's submission = %+v, %v", lost, err)
	}
	h, err := s.History(ctx, lost.CompanyID)
	if err != nil || len(h) != 1 || h[0].Action != verification.ActionRevoked {
		t.Errorf("history of the later company = %+v, %v", h, err)
	}
	var audited int
	if err := db.GetContext(ctx, &audited, `SELECT count(*) FROM audit_log WHERE type = 'verification_revoked'`); err != nil || audited != 1 {
		t.Errorf("audit rows = %d, %v", audited, err)
	}
	if err := Migrate(ctx, db.DB); err != nil {
		t.Fatalf("the remaining migrations: %v", err)
	}
}
