package postgres

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/storetest"
	"supportal/domain/identity"
	"supportal/domain/verification"
)

// accounts returns a storetest.NewAccount that creates customers in db.
func accounts(db *sqlx.DB) storetest.NewAccount {
	ids := NewIdentityStore(db)
	var n atomic.Int64
	return func(t *testing.T, name string) (int64, int64) {
		t.Helper()
		a := identity.Account{Email: fmt.Sprintf("customer%d@example.com", n.Add(1)), Kind: identity.KindCustomer,
			Role: identity.RoleCustomer, Name: name, PasswordHash: "h", Country: "CN"}
		c := identity.Company{Name: name}
		if err := ids.CreateCustomer(t.Context(), &a, &c); err != nil {
			t.Fatal(err)
		}
		return c.ID, a.ID
	}
}

func TestVerificationStore(t *testing.T) {
	storetest.Verification(t, func(t *testing.T) (storetest.VerificationStores, storetest.NewAccount) {
		db := migrated(t)
		return NewVerificationStore(db), accounts(db)
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

// TestVerificationAuditEvent checks what AuditEvent writes to audit_log.
func TestVerificationAuditEvent(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	s := NewVerificationStore(db)
	_, reviewer := accounts(db)(t, "审核员")
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	if err := s.AuditEvent(ctx, at, "verification_verified", reviewer, "submission=1"); err != nil {
		t.Fatal(err)
	}
	if err := s.AuditEvent(ctx, at, "verification_sweep", 0, ""); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		At        time.Time `db:"at"`
		Type      string    `db:"type"`
		AccountID *int64    `db:"account_id"`
		Detail    string    `db:"detail"`
	}
	if err := db.SelectContext(ctx, &rows, `SELECT at, type, account_id, detail FROM audit_log ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !rows[0].At.Equal(at) || rows[0].Type != "verification_verified" ||
		rows[0].AccountID == nil || *rows[0].AccountID != reviewer || rows[0].Detail != "submission=1" ||
		rows[1].AccountID != nil {
		t.Errorf("audit_log = %+v", rows)
	}
}
