package identity_test

import (
	"testing"

	"supportal/domain"
	"supportal/domain/identity"
)

// Each use case below writes several things in one unit of work. For every
// write after the first, a test makes that write fail and checks that
// nothing of the earlier ones stayed (failing checks the notices, audit
// events and sessions; the test the rest), then that the use case works
// once the store does.

func TestRegistrationIsOneUnitOfWork(t *testing.T) {
	f := newFixture(t)
	other := info
	other.Email = "held@example.com"
	if _, err := f.svc.CreateCustomer(ctx, other, co, pw); err != nil {
		t.Fatal(err)
	}
	held, _, err := f.svc.Login(ctx, identity.KindCustomer, other.Email, pw, client)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := f.svc.RegisterAccount(ctx, "", info, client)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RegisterVerify(ctx, token, f.lastCode(t, info.Email, "code_register"), pw, pw); err != nil {
		t.Fatal(err)
	}
	browser := client
	browser.Session = held
	for _, m := range []string{"DeleteDraft", "Record", "DeleteSession", "CreateSession"} {
		f.failing(t, m, func() error {
			_, _, err := f.svc.RegisterCompany(ctx, token, co, browser)
			return err
		})
		if _, err := f.store.AccountByEmail(ctx, info.Email); domain.KindOf(err) != domain.NotFound {
			t.Errorf("with %s failing: account: %v, want none", m, err)
		}
		if d, err := f.svc.Draft(ctx, token); err != nil || d.Step() != 3 {
			t.Errorf("with %s failing: draft at step %d, %v; want it kept", m, d.Step(), err)
		}
		f.valid(t, held, "with "+m+" failing: the session the browser held")
	}
	sess, a, err := f.svc.RegisterCompany(ctx, token, co, browser)
	if err != nil {
		t.Fatal(err)
	}
	f.valid(t, sess, "the new customer's session")
	if got, err := f.store.CompanyByID(ctx, a.CompanyID); err != nil || got.Name != co.Name {
		t.Errorf("company = %+v, %v", got, err)
	}
}

func TestCodeRequestIsOneUnitOfWork(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"AddCode", "Enqueue", "Record"} {
		f.failing(t, m, func() error { return f.svc.RequestCode(ctx, info.Email, identity.PurposeLogin, client) })
		if err := f.store.UpdateLatestCode(ctx, info.Email, identity.PurposeLogin, func(*identity.Code) error { return nil }); domain.KindOf(err) != domain.NotFound {
			t.Errorf("with %s failing: a code stayed (%v)", m, err)
		}
	}
	// Nor did the failed requests count: no cool-down holds this one back.
	if err := f.svc.RequestCode(ctx, info.Email, identity.PurposeLogin, client); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.LoginWithCode(ctx, identity.KindCustomer, info.Email, f.lastCode(t, info.Email, "code_login"), client); err != nil {
		t.Fatal(err)
	}

	// The wizard's first step: the already-registered notice and the draft.
	for _, m := range []string{"Enqueue", "Record", "SaveDraft"} {
		f.failing(t, m, func() error {
			_, _, err := f.svc.RegisterAccount(ctx, "", info, client)
			return err
		})
	}
	newcomer := info
	newcomer.Email = "new@example.com"
	f.failing(t, "SaveDraft", func() error {
		_, _, err := f.svc.RegisterAccount(ctx, "", newcomer, client)
		return err
	})
	if _, _, err := f.svc.RegisterAccount(ctx, "", info, client); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.lastNotice(info.Email); n.Template != "already_registered" {
		t.Errorf("last notice = %+v, want already_registered", n)
	}
}

func TestSignInIsOneUnitOfWork(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	held, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, "wrong-password-x", client); domain.KindOf(err) != domain.Unauthenticated {
			t.Fatal(err)
		}
	}
	browser := client
	browser.Session = held
	for _, m := range []string{"DeleteSession", "CreateSession", "Record"} {
		f.failing(t, m, func() error {
			_, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, browser)
			return err
		})
		if n := f.attempts(t, info.Email); n != 2 {
			t.Errorf("with %s failing: %d failed attempts count, want the 2 before", m, n)
		}
		f.valid(t, held, "with "+m+" failing: the session the browser held")
	}
	// A failed sign-in is counted and audited together.
	f.failing(t, "Record", func() error {
		_, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, "wrong-password-x", client)
		return err
	})
	if n := f.attempts(t, info.Email); n != 2 {
		t.Errorf("a failed sign-in whose audit failed counted: %d attempts, want 2", n)
	}

	// With a code: the code is used up only when the session is opened.
	if err := f.svc.RequestCode(ctx, info.Email, identity.PurposeLogin, client); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, info.Email, "code_login")
	for _, m := range []string{"DeleteSession", "CreateSession", "Record"} {
		f.failing(t, m, func() error {
			_, _, err := f.svc.LoginWithCode(ctx, identity.KindCustomer, info.Email, code, browser)
			return err
		})
	}
	if _, _, err := f.svc.LoginWithCode(ctx, identity.KindCustomer, info.Email, code, browser); err != nil {
		t.Fatalf("the code after failed sign-ins: %v", err)
	}
	if n := f.attempts(t, info.Email); n != 0 {
		t.Errorf("%d failed attempts after the sign-in, want them cleared", n)
	}
	if _, _, err := f.svc.Authenticate(ctx, held); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("the held session after the sign-in: %v, want it ended", err)
	}
}

func TestLogoutIsOneUnitOfWork(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	tok := f.login(t)
	f.failing(t, "Record", func() error { return f.svc.Logout(ctx, tok, client) })
	f.valid(t, tok, "the session whose logout failed")
}
