package identity_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/totp"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/ports"
)

// clock is a settable time source for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	svc   *identity.Service
	store *memory.IdentityStore
	box   *memory.Outbox
	audit *memory.Audit
	clock *clock
	// faults runs the service's units of work and can make one store
	// method in them fail (see unitofwork_test.go).
	faults *faultyTx
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), nil)
}

// newFixtureWith returns the service over fresh memory stores at the time
// at, with edit, when not nil, changing its dependencies first.
func newFixtureWith(t *testing.T, at time.Time, edit func(f *fixture, d *identity.Deps)) *fixture {
	t.Helper()
	st := memory.NewIdentityStore()
	f := &fixture{store: st, box: memory.NewOutbox(), audit: memory.NewAudit(), clock: &clock{t: at}}
	f.faults = &faultyTx{r: memory.NewIdentityTx(st, f.box, f.audit)}
	d := identity.Deps{Tx: f.faults, Accounts: st, Companies: st, Codes: st, Sessions: st,
		Attempts: st, Drafts: st, Tokens: st, SecondFactors: st, Hasher: memory.Hasher{}, OTP: totp.OTP{},
		Secret: []byte("test-secret"), Now: f.clock.Now}
	if edit != nil {
		edit(f, &d)
	}
	f.svc = identity.NewService(d)
	return f
}

// lastNotice returns the newest notice enqueued to the address to.
func (f *fixture) lastNotice(to string) (ports.Notice, bool) {
	ns := f.box.Notices()
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].To == to {
			return ns[i], true
		}
	}
	return ports.Notice{}, false
}

// lastCode returns the code of the newest notice to to, which must be of
// the given template.
func (f *fixture) lastCode(t *testing.T, to, template string) string {
	t.Helper()
	n, ok := f.lastNotice(to)
	if !ok || n.Template != template {
		t.Fatalf("no %s mail to %s (last: %+v)", template, to, n)
	}
	return n.Data["Code"].(string)
}

// events returns the audit log, oldest first.
func (f *fixture) events(t *testing.T) []ports.AuditEvent {
	t.Helper()
	ev, err := f.audit.Events(ctx, time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

var (
	ctx    = context.Background()
	client = identity.Client{IP: "10.0.0.1", UserAgent: "test", Lang: "en"}
	info   = identity.AccountInfo{Country: "CN", Name: "王敏", JobTitle: "it_lead", Email: "wang@example.com"}
	co     = identity.Company{Name: "示例公司", Industry: "it", Size: "1-20", Address: "上海"}
)

const pw = "Spring-Harbor-2026"

func TestRegistrationWizard(t *testing.T) {
	f := newFixture(t)
	token, d, err := f.svc.RegisterAccount(ctx, "", info, client)
	if err != nil || d.Step() != 2 {
		t.Fatalf("step 1: %v (step %d)", err, d.Step())
	}
	code := f.lastCode(t, info.Email, "code_register")
	if _, err := f.svc.RegisterVerify(ctx, token, "000000", pw, pw); domain.KindOf(err) != domain.Invalid {
		t.Fatalf("wrong code: want Invalid, got %v", err)
	}
	if _, err := f.svc.RegisterVerify(ctx, token, code, pw, pw); err != nil {
		t.Fatalf("step 2: %v", err)
	}
	// Going back to step 1 with the same email keeps the verification.
	if _, d, err = f.svc.RegisterAccount(ctx, token, info, client); err != nil || d.Step() != 3 {
		t.Fatalf("back and forward lost the verification: %v, step %d", err, d.Step())
	}
	if _, _, err := f.svc.RegisterCompany(ctx, token, identity.Company{Name: "x"}, client); domain.KindOf(err) != domain.Invalid {
		t.Fatalf("invalid company: want Invalid, got %v", err)
	}
	sess, a, err := f.svc.RegisterCompany(ctx, token, co, client)
	if err != nil || sess == "" || a.CompanyID == 0 || a.Lang != "en" {
		t.Fatalf("step 3: %v, %+v", err, a)
	}
	if got, _, err := f.svc.Authenticate(ctx, sess); err != nil || got.ID != a.ID {
		t.Fatalf("not signed in after registration: %v", err)
	}
	if _, err := f.svc.Draft(ctx, token); domain.KindOf(err) != domain.NotFound {
		t.Fatal("draft kept after registration")
	}
}

func TestRegisterKnownEmailGetsNoCode(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	_, d, err := f.svc.RegisterAccount(ctx, "", info, client)
	if err != nil || d.Step() != 2 {
		t.Fatalf("a known email must look the same as a new one: %v", err)
	}
	if n, _ := f.lastNotice(info.Email); n.Template != "already_registered" || n.Data["Code"] != nil {
		t.Fatalf("want an already-registered mail without a code, got %+v", n)
	}
}

func TestLoginThrottleAndRecovery(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < identity.MaxAccountFailures; i++ {
		if _, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, "wrong-password-x", client); domain.KindOf(err) != domain.Unauthenticated {
			t.Fatalf("attempt %d: want Unauthenticated, got %v", i, err)
		}
	}
	_, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client)
	if de := domain.As(err); de.Kind != domain.TooMany || de.Data["Count"] != 15 {
		t.Fatalf("6th attempt: want TooMany for 15 minutes, got %v", err)
	}
	f.clock.Add(identity.ThrottleWindow + time.Second)
	if _, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client); err != nil {
		t.Fatalf("not recovered after the window: %v", err)
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		kind        identity.Kind
		email, pass string
	}{
		{identity.KindCustomer, info.Email, "wrong-password-x"},
		{identity.KindCustomer, "nobody@example.com", pw},
		{identity.KindPartner, info.Email, "wrong-password-x"},
		{identity.KindStaff, info.Email, pw},
	}
	for _, c := range cases {
		_, _, err := f.svc.Login(ctx, c.kind, c.email, c.pass, identity.Client{IP: c.email})
		if de := domain.As(err); de.Kind != domain.Unauthenticated || de.Key != "error.login.failed" {
			t.Errorf("%+v: want the generic failure, got %v", c, err)
		}
	}
}

// TestCustomerOnPartnerTab: an enterprise customer who gives the right
// password as a partner is told to sign in as 企业客户, and those attempts
// count as no failure.
func TestCustomerOnPartnerTab(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	for range identity.MaxAccountFailures + 1 {
		_, _, err := f.svc.Login(ctx, identity.KindPartner, info.Email, pw, client)
		if de := domain.As(err); de.Kind != domain.Unauthenticated || de.Key != "error.login.use_customer" {
			t.Fatalf("customer on the partner tab: want error.login.use_customer, got %v", err)
		}
	}
	if _, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client); err != nil {
		t.Fatalf("then as a customer: %v (were the partner attempts counted?)", err)
	}
}

func TestCodeLoginAndCooldown(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestCode(ctx, info.Email, identity.PurposeLogin, client); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, info.Email, "code_login")
	if err := f.svc.RequestCode(ctx, info.Email, identity.PurposeLogin, client); domain.KindOf(err) != domain.TooMany {
		t.Fatalf("second request within the cool-down: want TooMany, got %v", err)
	}
	// Unknown addresses hit the same cool-down: no enumeration through it.
	_ = f.svc.RequestCode(ctx, "ghost@example.com", identity.PurposeLogin, client)
	if err := f.svc.RequestCode(ctx, "ghost@example.com", identity.PurposeLogin, client); domain.KindOf(err) != domain.TooMany {
		t.Fatalf("unknown address: want the same cool-down, got %v", err)
	}
	if _, _, err := f.svc.LoginWithCode(ctx, identity.KindCustomer, info.Email, code, client); err != nil {
		t.Fatalf("code sign-in: %v", err)
	}
	if _, _, err := f.svc.LoginWithCode(ctx, identity.KindCustomer, info.Email, code, client); domain.KindOf(err) != domain.Unauthenticated {
		t.Fatalf("a code is single use: got %v", err)
	}
}

func TestResetAndChangePassword(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.CreateCustomer(ctx, info, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	s1, _, _ := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client)
	s2, _, _ := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client)
	_, keep, _ := f.svc.Authenticate(ctx, s2)
	const pw2 = "Autumn-River-2027"
	if err := f.svc.ChangePassword(ctx, a, "wrong-current-x", pw2, pw2, keep.TokenHash, client); domain.As(err).Field != "current_password" {
		t.Fatalf("wrong current password: got %v", err)
	}
	if err := f.svc.ChangePassword(ctx, a, pw, pw2, pw2, keep.TokenHash, client); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, s1); err == nil {
		t.Fatal("other session survived the password change")
	}
	if _, _, err := f.svc.Authenticate(ctx, s2); err != nil {
		t.Fatal("current session ended by the password change")
	}
	if n, _ := f.lastNotice(info.Email); n.Template != "password_changed" {
		t.Fatalf("no confirmation mail, got %+v", n)
	}
	f.clock.Add(2 * time.Minute)
	if err := f.svc.RequestCode(ctx, info.Email, identity.PurposeReset, client); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, info.Email, "code_reset")
	const pw3 = "Winter-Meadow-2028"
	if err := f.svc.ResetPassword(ctx, "nobody@example.com", code, pw3, pw3, client); domain.KindOf(err) != domain.Invalid {
		t.Fatalf("unknown address: want Invalid, got %v", err)
	}
	if err := f.svc.ResetPassword(ctx, info.Email, code, pw3, pw3, client); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, s2); err == nil {
		t.Fatal("sessions survived the reset")
	}
	if _, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw3, client); err != nil {
		t.Fatalf("new password refused: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	tok, _, _ := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client)
	f.clock.Add(29 * time.Minute)
	if _, _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Fatal("session expired before the idle limit")
	}
	f.clock.Add(30 * time.Minute)
	if _, _, err := f.svc.Authenticate(ctx, tok); domain.KindOf(err) != domain.Unauthenticated {
		t.Fatalf("idle session accepted: %v", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, tok[:42]+"x"); domain.KindOf(err) != domain.Unauthenticated {
		t.Fatal("tampered token accepted")
	}
}
