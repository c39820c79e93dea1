package identity_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/ports"
)

// errBroken is what a store method made to fail returns.
var errBroken = errors.New("store method failed")

// faultyTx runs units of work over r and, while fail names a store method
// (such as "CreateSession" or "Record"), makes that method of the stores a
// unit of work sees fail. It remembers the sessions the units of work tried
// to create, so that a test can look them up afterwards.
type faultyTx struct {
	r identity.TxRunner

	mu      sync.Mutex
	fail    string
	created [][]byte
}

func (f *faultyTx) failAt(method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = method
}

func (f *faultyTx) broken(method string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fail == method
}

// sessionsTried returns the hashes of every session a unit of work created
// or tried to.
func (f *faultyTx) sessionsTried() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.created)
}

func (f *faultyTx) InTx(ctx context.Context, fn func(identity.Stores) error) error {
	return f.r.InTx(ctx, func(st identity.Stores) error {
		st.Accounts = brokenAccounts{st.Accounts, f}
		st.Companies = brokenCompanies{st.Companies, f}
		st.Codes = brokenCodes{st.Codes, f}
		st.Sessions = brokenSessions{st.Sessions, f}
		st.Attempts = brokenAttempts{st.Attempts, f}
		st.Drafts = brokenDrafts{st.Drafts, f}
		st.SecondFactors = brokenFactors{st.SecondFactors, f}
		st.Tokens = brokenTokens{st.Tokens, f}
		st.Outbox = brokenOutbox{st.Outbox, f}
		st.Audit = brokenAudit{st.Audit, f}
		return fn(st)
	})
}

// The wrappers below fail the methods a use case writes with when told to.

type brokenAccounts struct {
	identity.Accounts
	f *faultyTx
}

func (b brokenAccounts) CreateCustomer(ctx context.Context, a *identity.Account, c *identity.Company) error {
	if b.f.broken("CreateCustomer") {
		return errBroken
	}
	return b.Accounts.CreateCustomer(ctx, a, c)
}

func (b brokenAccounts) SetPassword(ctx context.Context, id int64, hash string, at time.Time) error {
	if b.f.broken("SetPassword") {
		return errBroken
	}
	return b.Accounts.SetPassword(ctx, id, hash, at)
}

func (b brokenAccounts) UpdateProfile(ctx context.Context, id int64, p identity.Profile) error {
	if b.f.broken("UpdateProfile") {
		return errBroken
	}
	return b.Accounts.UpdateProfile(ctx, id, p)
}

type brokenCompanies struct {
	identity.Companies
	f *faultyTx
}

func (b brokenCompanies) UpdateCompany(ctx context.Context, c identity.Company) error {
	if b.f.broken("UpdateCompany") {
		return errBroken
	}
	return b.Companies.UpdateCompany(ctx, c)
}

type brokenCodes struct {
	identity.Codes
	f *faultyTx
}

func (b brokenCodes) AddCode(ctx context.Context, c identity.Code) error {
	if b.f.broken("AddCode") {
		return errBroken
	}
	return b.Codes.AddCode(ctx, c)
}

func (b brokenCodes) UpdateLatestCode(ctx context.Context, email string, p identity.Purpose, fn func(*identity.Code) error) error {
	if b.f.broken("UpdateLatestCode") {
		return errBroken
	}
	return b.Codes.UpdateLatestCode(ctx, email, p, fn)
}

type brokenSessions struct {
	identity.Sessions
	f *faultyTx
}

func (b brokenSessions) CreateSession(ctx context.Context, s identity.Session) error {
	b.f.mu.Lock()
	b.f.created = append(b.f.created, bytes.Clone(s.TokenHash))
	b.f.mu.Unlock()
	if b.f.broken("CreateSession") {
		return errBroken
	}
	return b.Sessions.CreateSession(ctx, s)
}

func (b brokenSessions) DeleteSession(ctx context.Context, hash []byte) error {
	if b.f.broken("DeleteSession") {
		return errBroken
	}
	return b.Sessions.DeleteSession(ctx, hash)
}

func (b brokenSessions) DeleteAccountSessions(ctx context.Context, id int64, except []byte) error {
	if b.f.broken("DeleteAccountSessions") {
		return errBroken
	}
	return b.Sessions.DeleteAccountSessions(ctx, id, except)
}

type brokenAttempts struct {
	identity.Attempts
	f *faultyTx
}

func (b brokenAttempts) ClearAttempts(ctx context.Context, scope, subject string) error {
	if b.f.broken("ClearAttempts") {
		return errBroken
	}
	return b.Attempts.ClearAttempts(ctx, scope, subject)
}

type brokenDrafts struct {
	identity.Drafts
	f *faultyTx
}

func (b brokenDrafts) SaveDraft(ctx context.Context, d identity.Draft) error {
	if b.f.broken("SaveDraft") {
		return errBroken
	}
	return b.Drafts.SaveDraft(ctx, d)
}

func (b brokenDrafts) DeleteDraft(ctx context.Context, hash []byte) error {
	if b.f.broken("DeleteDraft") {
		return errBroken
	}
	return b.Drafts.DeleteDraft(ctx, hash)
}

type brokenFactors struct {
	identity.SecondFactors
	f *faultyTx
}

func (b brokenFactors) DeleteSecondFactor(ctx context.Context, accountID int64) error {
	if b.f.broken("DeleteSecondFactor") {
		return errBroken
	}
	return b.SecondFactors.DeleteSecondFactor(ctx, accountID)
}

type brokenTokens struct {
	identity.Tokens
	f *faultyTx
}

func (b brokenTokens) CreateToken(ctx context.Context, t *identity.ServiceToken) error {
	if b.f.broken("CreateToken") {
		return errBroken
	}
	return b.Tokens.CreateToken(ctx, t)
}

type brokenOutbox struct {
	ports.Outbox
	f *faultyTx
}

func (b brokenOutbox) Enqueue(ctx context.Context, ns ...ports.Notice) error {
	if b.f.broken("Enqueue") {
		return errBroken
	}
	return b.Outbox.Enqueue(ctx, ns...)
}

type brokenAudit struct {
	ports.Audit
	f *faultyTx
}

func (b brokenAudit) Record(ctx context.Context, e ports.AuditEvent) error {
	if b.f.broken("Record") {
		return errBroken
	}
	return b.Audit.Record(ctx, e)
}

// failing runs use with method failing and checks that use returns the
// store's error and that no notice, no audit event and no session of the
// unit of work stayed; check then looks at the rest.
func (f *fixture) failing(t *testing.T, method string, use func() error) {
	t.Helper()
	notices, events, tried := len(f.box.Notices()), len(f.events(t)), len(f.faults.sessionsTried())
	f.faults.failAt(method)
	err := use()
	f.faults.failAt("")
	if !errors.Is(err, errBroken) {
		t.Fatalf("with %s failing: err = %v, want the store's error", method, err)
	}
	if n := len(f.box.Notices()); n != notices {
		t.Errorf("with %s failing: %d notices enqueued, want none: %+v", method, n-notices, f.box.Notices()[notices:])
	}
	if ev := f.events(t); len(ev) != events {
		t.Errorf("with %s failing: audit events %+v stayed", method, ev[events:])
	}
	for _, h := range f.faults.sessionsTried()[tried:] {
		if _, err := f.store.SessionByHash(ctx, h); domain.KindOf(err) != domain.NotFound {
			t.Errorf("with %s failing: a session of the unit of work stayed (%v)", method, err)
		}
	}
}

// attempts returns how many failed sign-ins count against email now.
func (f *fixture) attempts(t *testing.T, email string) int {
	t.Helper()
	n, _, err := f.store.CountAttempts(ctx, "login_account", email, f.clock.Now().Add(-identity.ThrottleWindow))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// valid fails unless the session token still works.
func (f *fixture) valid(t *testing.T, token, what string) {
	t.Helper()
	if _, _, err := f.svc.Authenticate(ctx, token); err != nil {
		t.Errorf("%s: %v, want it still valid", what, err)
	}
}
