package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/ports"
)

// IdentityUnit is what the unit-of-work suite of the identity stores needs:
// the runner, and the stores, audit log and outbox over the database, to
// look at what a unit of work left behind.
type IdentityUnit struct {
	Tx     identity.TxRunner
	Stores IdentityStores
	Audit  AuditStore
	Outbox OutboxStore
}

// IdentityTx runs the contract of the identity module's units of work:
// everything written through the stores InTx hands out, notices and audit
// events included, is kept when the function returns nil and nothing of it
// when it fails; the store methods that need several statements join the
// unit of work. newUnit returns empty stores and is called once per subtest.
func IdentityTx(t *testing.T, newUnit func(t *testing.T) IdentityUnit) {
	t.Run("FailedUnitLeavesNothing", func(t *testing.T) { testUnitKeeps(t, newUnit(t), false) })
	t.Run("CommittedUnitKeepsAll", func(t *testing.T) { testUnitKeeps(t, newUnit(t), true) })
	t.Run("LockingMethodsJoin", func(t *testing.T) { testUnitLockingMethods(t, newUnit(t)) })
	t.Run("AuditEvents", func(t *testing.T) { testUnitAudit(t, newUnit(t)) })
}

var errSecondWrite = errors.New("second write failed")

// testUnitKeeps writes to every store in one unit of work that fails at its
// end (keep false) or succeeds, and checks what stays.
func testUnitKeeps(t *testing.T, u IdentityUnit, keep bool) {
	ctx := t.Context()
	staff := createStaff(t, u.Stores, "staff@example.com")
	var customer identity.Account
	err := u.Tx.InTx(ctx, func(st identity.Stores) error {
		a, c := newCustomer("unit@example.com")
		must(t, st.Accounts.CreateCustomer(ctx, &a, &c))
		customer = a
		must(t, st.Sessions.CreateSession(ctx, identity.Session{TokenHash: []byte("unit-session"), AccountID: a.ID, CreatedAt: base, LastSeenAt: base}))
		must(t, st.Codes.AddCode(ctx, identity.Code{Email: a.Email, Purpose: identity.PurposeLogin, Hash: []byte("h"), CreatedAt: base, ExpiresAt: base.Add(identity.CodeTTL)}))
		must(t, st.Attempts.AddAttempt(ctx, "unit", a.Email, base))
		must(t, st.Drafts.SaveDraft(ctx, identity.Draft{TokenHash: []byte("unit-draft"), ExpiresAt: base.Add(time.Hour)}))
		must(t, st.Tokens.CreateToken(ctx, &identity.ServiceToken{Name: "unit", Hash: []byte("unit-token"), CreatedAt: base}))
		must(t, st.SecondFactors.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: staff.ID, Sealed: []byte("s"), CreatedAt: base}))
		must(t, st.Accounts.SetPassword(ctx, staff.ID, "changed", base.Add(time.Hour)))
		must(t, st.Outbox.Enqueue(ctx, ports.Notice{To: a.Email, Lang: "en", Template: "code_login", Data: map[string]any{"Code": "123456"}}))
		must(t, st.Audit.Record(ctx, ports.AuditEvent{At: base, Type: "register", ActorID: a.ID, Email: a.Email}))
		if keep {
			return nil
		}
		return errSecondWrite
	})
	if !keep && !errors.Is(err, errSecondWrite) {
		t.Fatalf("InTx = %v, want the function's error", err)
	}
	if keep {
		must(t, err)
	}

	_, err = u.Stores.AccountByEmail(ctx, "unit@example.com")
	present(t, "account", err, keep)
	_, err = u.Stores.SessionByHash(ctx, []byte("unit-session"))
	present(t, "session", err, keep)
	err = u.Stores.UpdateLatestCode(ctx, "unit@example.com", identity.PurposeLogin, func(*identity.Code) error { return nil })
	present(t, "code", err, keep)
	_, err = u.Stores.DraftByHash(ctx, []byte("unit-draft"))
	present(t, "draft", err, keep)
	_, err = u.Stores.TokenByHash(ctx, []byte("unit-token"))
	present(t, "token", err, keep)
	_, err = u.Stores.SecondFactor(ctx, staff.ID)
	present(t, "second factor", err, keep)
	if n, _, err := u.Stores.CountAttempts(ctx, "unit", "unit@example.com", base); err != nil || (n == 1) != keep {
		t.Errorf("attempts = %d, %v; kept: %v", n, err, keep)
	}
	got, err := u.Stores.AccountByID(ctx, staff.ID)
	must(t, err)
	if (got.PasswordHash == "changed") != keep {
		t.Errorf("staff password hash = %q; kept: %v", got.PasswordHash, keep)
	}
	if keep && customer.ID == 0 {
		t.Error("CreateCustomer inside the unit of work filled no id")
	}
	events, err := u.Audit.Events(ctx, base.Add(-time.Hour), 10)
	must(t, err)
	if (len(events) == 1) != keep || (!keep && len(events) != 0) {
		t.Errorf("audit events = %+v; kept: %v", events, keep)
	}
	var sent []ports.Notice
	for {
		found, _, err := u.Outbox.Deliver(ctx, base.Add(24*time.Hour), noRetry, func(_ context.Context, d ports.Delivery) error {
			sent = append(sent, d.Notice)
			return nil
		})
		must(t, err)
		if !found {
			break
		}
	}
	if (len(sent) == 1) != keep || (!keep && len(sent) != 0) {
		t.Errorf("notices = %+v; kept: %v", sent, keep)
	}
}

// present fails unless err says the thing exists (want) or is not found.
func present(t *testing.T, what string, err error, want bool) {
	t.Helper()
	switch {
	case want && err != nil:
		t.Errorf("%s after a committed unit of work: %v", what, err)
	case !want && domain.KindOf(err) != domain.NotFound:
		t.Errorf("%s after a failed unit of work: err = %v, want NotFound", what, err)
	}
}

// testUnitLockingMethods checks that UpdateLatestCode and UpdateSecondFactor,
// which lock their row, work inside a unit of work and that what they wrote
// goes when the unit of work fails.
func testUnitLockingMethods(t *testing.T, u IdentityUnit) {
	ctx := t.Context()
	staff := createStaff(t, u.Stores, "locks@example.com")
	must(t, u.Stores.AddCode(ctx, identity.Code{Email: "locks@example.com", Purpose: identity.PurposeReset,
		Hash: []byte("h"), CreatedAt: base, ExpiresAt: base.Add(identity.CodeTTL)}))
	must(t, u.Stores.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: staff.ID, Sealed: []byte("s"), CreatedAt: base}))
	confirmed := base.Add(time.Minute)

	for _, keep := range []bool{false, true} {
		err := u.Tx.InTx(ctx, func(st identity.Stores) error {
			must(t, st.Codes.UpdateLatestCode(ctx, "locks@example.com", identity.PurposeReset, func(c *identity.Code) error {
				c.Tries++
				return nil
			}))
			must(t, st.SecondFactors.UpdateSecondFactor(ctx, staff.ID, func(f *identity.SecondFactor) error {
				f.ConfirmedAt, f.LastStep = &confirmed, 7
				f.Recovery = []identity.RecoveryCode{{Hash: []byte("r1")}}
				return nil
			}))
			// The unit of work sees its own writes.
			must(t, st.Codes.UpdateLatestCode(ctx, "locks@example.com", identity.PurposeReset, func(c *identity.Code) error {
				if c.Tries != 1 {
					t.Errorf("inside the unit of work: Tries = %d, want 1", c.Tries)
				}
				return nil
			}))
			if keep {
				return nil
			}
			return errSecondWrite
		})
		if keep {
			must(t, err)
		} else if !errors.Is(err, errSecondWrite) {
			t.Fatalf("InTx = %v, want the function's error", err)
		}
		must(t, u.Stores.UpdateLatestCode(ctx, "locks@example.com", identity.PurposeReset, func(c *identity.Code) error {
			if want := map[bool]int{false: 0, true: 1}[keep]; c.Tries != want {
				t.Errorf("kept %v: Tries = %d, want %d", keep, c.Tries, want)
			}
			return nil
		}))
		f, err := u.Stores.SecondFactor(ctx, staff.ID)
		must(t, err)
		if f.Confirmed() != keep || (f.LastStep == 7) != keep || (len(f.Recovery) == 1) != keep {
			t.Errorf("kept %v: second factor = %+v", keep, f)
		}
	}
}

// testUnitAudit records the identity module's kinds of events in a unit of
// work and reads them back: of an account, of an address without one, of
// an id that is no account.
func testUnitAudit(t *testing.T, u IdentityUnit) {
	ctx := t.Context()
	a, _ := createCustomer(t, u.Stores, "audit@example.com")
	want := []ports.AuditEvent{
		{At: base, Type: "login", ActorID: a.ID, Email: a.Email, IP: "198.51.100.1", UserAgent: "curl/8", Detail: "password"},
		{At: base.Add(time.Second), Type: "login_failed", Email: "ghost@example.com", Detail: "password"},
		{At: base.Add(2 * time.Second), Type: "login_failed", ActorID: 424242},
	}
	must(t, u.Tx.InTx(ctx, func(st identity.Stores) error {
		for _, e := range want {
			if err := st.Audit.Record(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}))
	got, err := u.Audit.Events(ctx, base, 10)
	must(t, err)
	if len(got) != len(want) {
		t.Fatalf("events = %+v, want %d", got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		sameTime(t, w.Type+" at", g.At, w.At)
		g.At, w.At = time.Time{}, time.Time{}
		if g != w {
			t.Errorf("event %d = %+v, want %+v", i, g, w)
		}
	}
}
