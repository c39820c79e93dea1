package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
	"supportal/adapters/totp"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/ports"
)

func TestIdentityTx(t *testing.T) {
	storetest.IdentityTx(t, func(t *testing.T) storetest.IdentityUnit {
		db := migrated(t)
		return storetest.IdentityUnit{Tx: NewIdentityTx(db), Stores: NewIdentityStore(db), Audit: NewAudit(db), Outbox: NewOutbox(db)}
	})
}

// brokenSessions refuses to create sessions, so that a unit of work that
// signs someone in fails after its other writes.
type brokenSessions struct{ identity.Sessions }

var errSessionsDown = errors.New("sessions are down")

func (brokenSessions) CreateSession(context.Context, identity.Session) error { return errSessionsDown }

// sessionsFail runs the identity units of work of r with session creation
// failing while fail is set.
type sessionsFail struct {
	r    identity.TxRunner
	fail bool
}

func (f *sessionsFail) InTx(ctx context.Context, fn func(identity.Stores) error) error {
	return f.r.InTx(ctx, func(st identity.Stores) error {
		if f.fail {
			st.Sessions = brokenSessions{st.Sessions}
		}
		return fn(st)
	})
}

// TestRegistrationRollsBack finishes a registration wizard on PostgreSQL
// while its last write, the new session, fails: no account, company,
// register event or session is left, the wizard's draft is still there, and
// the same step succeeds once sessions work again.
func TestRegistrationRollsBack(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	store := NewIdentityStore(db)
	tx := &sessionsFail{r: NewIdentityTx(db)}
	svc := identity.NewService(identity.Deps{Tx: tx, Accounts: store, Companies: store, Codes: store, Sessions: store,
		Attempts: store, Drafts: store, SecondFactors: store, Hasher: memory.Hasher{}, OTP: totp.OTP{}, Secret: []byte("test-secret")})
	client := identity.Client{IP: "203.0.113.5", UserAgent: "test", Lang: "en"}
	info := identity.AccountInfo{Country: "CN", Name: "王敏", JobTitle: "it_lead", Email: "wang@example.com"}
	company := identity.Company{Name: "示例公司", Industry: "it", Size: "1-20", Address: "上海"}
	const pw = "Spring-Harbor-2026"

	token, _, err := svc.RegisterAccount(ctx, "", info, client)
	if err != nil {
		t.Fatal(err)
	}
	var code string
	if _, _, err := NewOutbox(db).Deliver(ctx, time.Now().Add(time.Minute), func(int) (time.Duration, bool) { return 0, false },
		func(_ context.Context, d ports.Delivery) error {
			code, _ = d.Notice.Data["Code"].(string)
			return nil
		}); err != nil || code == "" {
		t.Fatalf("no code in the outbox: %v", err)
	}
	if _, err := svc.RegisterVerify(ctx, token, code, pw, pw); err != nil {
		t.Fatal(err)
	}

	tx.fail = true
	if _, _, err := svc.RegisterCompany(ctx, token, company, client); !errors.Is(err, errSessionsDown) {
		t.Fatalf("RegisterCompany = %v, want the session store's error", err)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, q); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for what, q := range map[string]string{
		"accounts":        `SELECT count(*) FROM accounts`,
		"companies":       `SELECT count(*) FROM companies`,
		"sessions":        `SELECT count(*) FROM sessions`,
		"register events": `SELECT count(*) FROM audit_log WHERE type = 'register'`,
	} {
		if n := count(q); n != 0 {
			t.Errorf("after the failed registration: %d %s, want none", n, what)
		}
	}
	if d, err := svc.Draft(ctx, token); err != nil || d.Step() != 3 {
		t.Errorf("the wizard's draft after the failure: step %d, %v; want it kept at step 3", d.Step(), err)
	}

	tx.fail = false
	sess, a, err := svc.RegisterCompany(ctx, token, company, client)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := svc.Authenticate(ctx, sess); err != nil || got.ID != a.ID {
		t.Fatalf("not signed in after the retried step: %v", err)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE type = 'register'`); n != 1 {
		t.Errorf("%d register events, want 1", n)
	}
	if _, err := svc.Draft(ctx, token); domain.KindOf(err) != domain.NotFound {
		t.Errorf("draft after the registration: %v, want it gone", err)
	}
}
