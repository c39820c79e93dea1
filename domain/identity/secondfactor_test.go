package identity_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportal/adapters/totp"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/ports"
)

const staffEmail = "rev@vendor.example"

// newStaffFixture is newFixture with the second factor wired and a reviewer.
func newStaffFixture(t *testing.T) (*fixture, identity.Account) {
	t.Helper()
	f := newFixtureWith(t, time.Date(2026, 11, 27, 9, 0, 10, 0, time.UTC), nil)
	a, err := f.svc.CreateStaff(ctx, staffEmail, "审核员", identity.RoleReviewer, pw)
	if err != nil {
		t.Fatal(err)
	}
	return f, a
}

// login signs the reviewer in with the password and returns the token of the
// password-only session.
func (f *fixture) staffLogin(t *testing.T) string {
	t.Helper()
	token, _, err := f.svc.Login(ctx, identity.KindStaff, staffEmail, pw, client)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// code plays the authenticator app at the fixture's time plus d.
func (f *fixture) code(t *testing.T, secret string, d time.Duration) string {
	t.Helper()
	c, err := totp.CodeAt(secret, f.clock.Now().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode returns a six-digit code that is none of the three the window
// accepts at the fixture's time.
func (f *fixture) wrongCode(t *testing.T, secret string) string {
	t.Helper()
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if c != f.code(t, secret, -30*time.Second) && c != f.code(t, secret, 0) && c != f.code(t, secret, 30*time.Second) {
			return c
		}
	}
	t.Fatal("no wrong code")
	return ""
}

// enrol completes the enrolment and returns the secret, the full session's
// token and the recovery codes.
func (f *fixture) enrol(t *testing.T) (string, string, []string) {
	t.Helper()
	token := f.staffLogin(t)
	a, _, _ := f.svc.Authenticate(ctx, token)
	e, err := f.svc.BeginEnrolment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	full, codes, err := f.svc.ConfirmEnrolment(ctx, token, f.code(t, e.Secret, 0), client)
	if err != nil {
		t.Fatal(err)
	}
	return e.Secret, full, codes
}

func needs(t *testing.T, f *fixture, token string) bool {
	t.Helper()
	a, sess, err := f.svc.Authenticate(ctx, token)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return identity.NeedsSecondFactor(a, sess)
}

func lastEvent(f *fixture) ports.AuditEvent {
	ev, _ := f.audit.Events(ctx, time.Time{}, 1000)
	return ev[len(ev)-1]
}

func TestSecondFactorEnrolment(t *testing.T) {
	f, a := newStaffFixture(t)
	token := f.staffLogin(t)
	if !needs(t, f, token) {
		t.Fatal("a staff session with only the password counts as complete")
	}
	if st, err := f.svc.SecondFactorState(ctx, a); err != nil || st.Enrolled {
		t.Fatalf("state before enrolment = %+v, %v", st, err)
	}
	_, err := f.svc.VerifySecondFactor(ctx, token, "123456", client)
	wantKind(t, err, domain.NotFound, "error.second_factor.not_enrolled")

	e, err := f.svc.BeginEnrolment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(e.Secret) || !strings.HasPrefix(e.URI, "otpauth://totp/") || !strings.Contains(e.URI, "secret="+e.Secret) {
		t.Fatalf("enrolment = %+v", e)
	}
	if again, _ := f.svc.BeginEnrolment(ctx, a); again.Secret != e.Secret {
		t.Error("reloading the enrolment page changed the secret")
	}
	stored, err := f.store.SecondFactor(ctx, a.ID)
	if err != nil || bytes.Contains(stored.Sealed, []byte(e.Secret)) {
		t.Fatalf("stored secret in the clear (%v)", err)
	}

	// A wrong code is refused, audited and counted.
	_, _, err = f.svc.ConfirmEnrolment(ctx, token, f.wrongCode(t, e.Secret), client)
	wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
	if ev := lastEvent(f); ev.Type != "second_factor_failed" || ev.ActorID != a.ID {
		t.Errorf("last event = %+v", ev)
	}
	if n, _, _ := f.store.CountAttempts(ctx, "login_account", staffEmail, f.clock.Now().Add(-time.Minute)); n != 1 {
		t.Errorf("failed attempts = %d, want 1", n)
	}
	if st, _ := f.svc.SecondFactorState(ctx, a); st.Enrolled || !needs(t, f, token) {
		t.Fatal("a wrong code enrolled the account")
	}

	full, codes, err := f.svc.ConfirmEnrolment(ctx, token, f.code(t, e.Secret, 0), client)
	if err != nil {
		t.Fatal(err)
	}
	if full == token || needs(t, f, full) {
		t.Error("the session was not rotated into a complete one")
	}
	if _, _, err := f.svc.Authenticate(ctx, token); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("the password-only session survived: %v", err)
	}
	if len(codes) != identity.RecoveryCodeCount {
		t.Fatalf("%d recovery codes", len(codes))
	}
	seen := map[string]bool{}
	stored, _ = f.store.SecondFactor(ctx, a.ID)
	for _, c := range codes {
		if !regexp.MustCompile(`^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$`).MatchString(c) || seen[c] {
			t.Errorf("recovery code %q malformed or repeated", c)
		}
		seen[c] = true
		for _, r := range stored.Recovery {
			if bytes.Contains(r.Hash, []byte(strings.ReplaceAll(c, "-", ""))) {
				t.Errorf("recovery code %q stored in the clear", c)
			}
		}
	}
	if st, _ := f.svc.SecondFactorState(ctx, a); !st.Enrolled || st.RecoveryLeft != identity.RecoveryCodeCount {
		t.Errorf("state after enrolment = %+v", st)
	}
	if ev := lastEvent(f); ev.Type != "second_factor_enrolled" {
		t.Errorf("last event = %+v", ev)
	}
	// The secret is never handed out again.
	_, err = f.svc.BeginEnrolment(ctx, a)
	wantKind(t, err, domain.Conflict, "error.second_factor.enrolled")
	_, _, err = f.svc.ConfirmEnrolment(ctx, f.staffLogin(t), f.code(t, e.Secret, 30*time.Second), client)
	wantKind(t, err, domain.Conflict, "error.second_factor.enrolled")
}

func TestSecondFactorSignInAndReplay(t *testing.T) {
	f, _ := newStaffFixture(t)
	secret, _, _ := f.enrol(t)

	// The code of the enrolment cannot sign in again within its window.
	token := f.staffLogin(t)
	_, err := f.svc.VerifySecondFactor(ctx, token, f.code(t, secret, 0), client)
	wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
	if ev := lastEvent(f); ev.Type != "second_factor_failed" {
		t.Errorf("replay not audited: %+v", ev)
	}
	if !needs(t, f, token) {
		t.Fatal("a replayed code completed the sign-in")
	}

	f.clock.Add(30 * time.Second)
	code := f.code(t, secret, 0)
	v, err := f.svc.VerifySecondFactor(ctx, token, code, client)
	if err != nil || v.Recovery || needs(t, f, v.Token) {
		t.Fatalf("next step's code: %+v, %v", v, err)
	}
	if ev := lastEvent(f); ev.Type != "second_factor" || ev.Detail != "totp" {
		t.Errorf("last event = %+v", ev)
	}

	// Replayed in another sign-in ten seconds later, still in its window.
	f.clock.Add(10 * time.Second)
	other := f.staffLogin(t)
	_, err = f.svc.VerifySecondFactor(ctx, other, code, client)
	wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
	// The previous step's code is within the skew but older than the used one.
	_, err = f.svc.VerifySecondFactor(ctx, other, f.code(t, secret, -30*time.Second), client)
	wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
	// The next step's code (a clock one step ahead) is accepted.
	if _, err := f.svc.VerifySecondFactor(ctx, other, f.code(t, secret, 30*time.Second), client); err != nil {
		t.Fatalf("code of the next step: %v", err)
	}
	// Codes beyond the skew are refused.
	f.clock.Add(5 * time.Minute)
	_, err = f.svc.VerifySecondFactor(ctx, f.staffLogin(t), f.code(t, secret, 90*time.Second), client)
	wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
}

func TestSecondFactorWrongCodesThrottle(t *testing.T) {
	f, _ := newStaffFixture(t)
	secret, _, _ := f.enrol(t)
	f.clock.Add(time.Minute)
	token := f.staffLogin(t)
	for _, c := range []string{f.wrongCode(t, secret), "12345", "not a code", "abcde-fghjk", ""} {
		_, err := f.svc.VerifySecondFactor(ctx, token, c, client)
		wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
	}
	// Even the right code is now refused, and so is the password.
	_, err := f.svc.VerifySecondFactor(ctx, token, f.code(t, secret, 0), client)
	wantKind(t, err, domain.TooMany, "error.throttled")
	_, _, err = f.svc.Login(ctx, identity.KindStaff, staffEmail, pw, client)
	wantKind(t, err, domain.TooMany, "error.throttled")
	f.clock.Add(identity.ThrottleWindow + time.Second)
	if _, err := f.svc.VerifySecondFactor(ctx, token, f.code(t, secret, 0), client); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestRecoveryCodeSingleUse(t *testing.T) {
	f, a := newStaffFixture(t)
	_, _, codes := f.enrol(t)
	token := f.staffLogin(t)
	// Typed in capitals without the hyphen, with spaces around.
	v, err := f.svc.VerifySecondFactor(ctx, token, "  "+strings.ToUpper(strings.ReplaceAll(codes[3], "-", ""))+" ", client)
	if err != nil || !v.Recovery || v.RecoveryLeft != identity.RecoveryCodeCount-1 || needs(t, f, v.Token) {
		t.Fatalf("recovery code: %+v, %v", v, err)
	}
	if ev := lastEvent(f); ev.Type != "second_factor" || !strings.Contains(ev.Detail, "recovery") || ev.ActorID != a.ID {
		t.Errorf("last event = %+v", ev)
	}
	token = f.staffLogin(t)
	_, err = f.svc.VerifySecondFactor(ctx, token, codes[3], client)
	wantKind(t, err, domain.Invalid, "error.second_factor.invalid")
	v, err = f.svc.VerifySecondFactor(ctx, token, codes[4], client)
	if err != nil || v.RecoveryLeft != identity.RecoveryCodeCount-2 {
		t.Fatalf("second recovery code: %+v, %v", v, err)
	}
	if st, _ := f.svc.SecondFactorState(ctx, a); st.RecoveryLeft != identity.RecoveryCodeCount-2 {
		t.Errorf("state = %+v", st)
	}
	// Another account's codes do not work.
	other, err := f.svc.CreateStaff(ctx, "agent@vendor.example", "", identity.RoleAgent, pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SecondFactor(ctx, other.ID); domain.KindOf(err) != domain.NotFound {
		t.Fatalf("other account enrolled: %v", err)
	}
}

func TestResetSecondFactor(t *testing.T) {
	f, a := newStaffFixture(t)
	_, full, _ := f.enrol(t)
	if _, err := f.svc.ResetSecondFactor(ctx, strings.ToUpper(staffEmail), identity.Client{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, full); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("session survived the reset: %v", err)
	}
	if st, _ := f.svc.SecondFactorState(ctx, a); st.Enrolled {
		t.Error("still enrolled after the reset")
	}
	if ev := lastEvent(f); ev.Type != "second_factor_reset" || ev.ActorID != a.ID {
		t.Errorf("last event = %+v", ev)
	}
	// The next sign-in enrols a new secret.
	token := f.staffLogin(t)
	if !needs(t, f, token) {
		t.Error("signed in without a second factor after the reset")
	}
	if _, err := f.svc.BeginEnrolment(ctx, a); err != nil {
		t.Errorf("enrol after reset: %v", err)
	}

	cust, err := f.svc.CreateCustomer(ctx, info, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ResetSecondFactor(ctx, cust.Email, identity.Client{})
	wantKind(t, err, domain.Invalid, "error.second_factor.not_staff")
	_, err = f.svc.ResetSecondFactor(ctx, "nobody@vendor.example", identity.Client{})
	wantKind(t, err, domain.NotFound, "error.account.not_found")
}

func TestCustomersNeedNoSecondFactor(t *testing.T) {
	f, _ := newStaffFixture(t)
	cust, err := f.svc.CreateCustomer(ctx, info, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := f.svc.Login(ctx, identity.KindCustomer, cust.Email, pw, client)
	if err != nil {
		t.Fatal(err)
	}
	if needs(t, f, token) {
		t.Error("a customer session needs a second factor")
	}
	if _, err := f.svc.BeginEnrolment(ctx, cust); domain.KindOf(err) != domain.Forbidden {
		t.Errorf("customer enrolment: %v, want Forbidden", err)
	}
	if _, err := f.svc.VerifySecondFactor(ctx, token, "123456", client); domain.KindOf(err) != domain.Forbidden {
		t.Errorf("customer second factor: %v, want Forbidden", err)
	}
}

func TestSealSecret(t *testing.T) {
	key := []byte("server secret")
	sealed, err := identity.SealSecret(key, 7, "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := identity.OpenSecret(key, 7, sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Errorf("OpenSecret = %q, %v", got, err)
	}
	if again, _ := identity.SealSecret(key, 7, "JBSWY3DPEHPK3PXP"); bytes.Equal(again, sealed) {
		t.Error("two seals are equal: the nonce is not random")
	}
	if _, err := identity.OpenSecret(key, 8, sealed); err == nil {
		t.Error("a secret opened for another account")
	}
	if _, err := identity.OpenSecret([]byte("other secret"), 7, sealed); err == nil {
		t.Error("a secret opened under another server secret")
	}
	if _, err := identity.OpenSecret(key, 7, sealed[:5]); err == nil {
		t.Error("a truncated seal opened")
	}
}

func TestGroupSecret(t *testing.T) {
	for in, want := range map[string]string{"": "", "ABC": "ABC", "ABCD": "ABCD", "ABCDEFGHIJ": "ABCD EFGH IJ"} {
		if got := identity.GroupSecret(in); got != want {
			t.Errorf("GroupSecret(%q) = %q, want %q", in, got, want)
		}
	}
}

func wantKind(t *testing.T, err error, kind domain.Kind, key string) {
	t.Helper()
	if de := domain.As(err); err == nil || de.Kind != kind || de.Key != key {
		t.Fatalf("error = %v, want %v %s", err, kind, key)
	}
}
