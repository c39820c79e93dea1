package identity_test

import (
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

func TestSecondFactorStepsAreUnitsOfWork(t *testing.T) {
	f, a := newStaffFixture(t)
	token := f.staffLogin(t)
	en, err := f.svc.BeginEnrolment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	code := f.code(t, en.Secret, 0)
	for _, m := range []string{"ClearAttempts", "CreateSession", "DeleteSession", "Record"} {
		f.failing(t, m, func() error {
			_, _, err := f.svc.ConfirmEnrolment(ctx, token, code, client)
			return err
		})
		if st, err := f.svc.SecondFactorState(ctx, a); err != nil || st.Enrolled {
			t.Errorf("with %s failing: enrolled %v, %v; want not", m, st.Enrolled, err)
		}
		if !needs(t, f, token) {
			t.Errorf("with %s failing: the password-only session changed", m)
		}
	}
	// The same code still confirms: its time step was not used up.
	_, recovery, err := f.svc.ConfirmEnrolment(ctx, token, code, client)
	if err != nil {
		t.Fatal(err)
	}

	// A recovery code is used up only with the session it opens.
	token = f.staffLogin(t)
	for _, m := range []string{"CreateSession", "DeleteSession", "Record"} {
		f.failing(t, m, func() error {
			_, err := f.svc.VerifySecondFactor(ctx, token, recovery[0], client)
			return err
		})
		if st, _ := f.svc.SecondFactorState(ctx, a); st.RecoveryLeft != len(recovery) {
			t.Errorf("with %s failing: %d recovery codes left, want %d", m, st.RecoveryLeft, len(recovery))
		}
	}
	if v, err := f.svc.VerifySecondFactor(ctx, token, recovery[0], client); err != nil || v.RecoveryLeft != len(recovery)-1 {
		t.Fatalf("recovery code after the failures: %+v, %v", v, err)
	}

	// A code from the app: its step is taken only with the session.
	f.clock.Add(30 * time.Second)
	token = f.staffLogin(t)
	code = f.code(t, en.Secret, 0)
	f.failing(t, "Record", func() error {
		_, err := f.svc.VerifySecondFactor(ctx, token, code, client)
		return err
	})
	// A wrong code is counted and audited together.
	f.failing(t, "Record", func() error {
		_, err := f.svc.VerifySecondFactor(ctx, token, f.wrongCode(t, en.Secret), client)
		return err
	})
	if n := f.attempts(t, staffEmail); n != 0 {
		t.Errorf("a wrong code whose audit failed counted: %d attempts", n)
	}
	if _, err := f.svc.VerifySecondFactor(ctx, token, code, client); err != nil {
		t.Fatalf("the app's code after the failures: %v", err)
	}

	// Removing the second factor ends the sessions in the same step.
	full := f.staffLogin(t)
	if _, err := f.svc.VerifySecondFactor(ctx, full, recovery[1], client); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"DeleteAccountSessions", "Record"} {
		f.failing(t, m, func() error {
			_, err := f.svc.ResetSecondFactor(ctx, staffEmail, client)
			return err
		})
		if st, _ := f.svc.SecondFactorState(ctx, a); !st.Enrolled {
			t.Errorf("with %s failing: the second factor is gone", m)
		}
	}
}

func TestPasswordChangesAreUnitsOfWork(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.CreateCustomer(ctx, info, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	other := f.login(t)
	current := f.login(t)
	_, keep, _ := f.svc.Authenticate(ctx, current)
	unchanged := func(m string) {
		t.Helper()
		if got, _ := f.store.AccountByID(ctx, a.ID); got.PasswordHash != a.PasswordHash {
			t.Errorf("with %s failing: the password changed", m)
		}
		f.valid(t, other, "with "+m+" failing: the other session")
	}
	const pw2 = "Autumn-River-2027"
	for _, m := range []string{"DeleteAccountSessions", "Enqueue", "Record"} {
		f.failing(t, m, func() error { return f.svc.ChangePassword(ctx, a, pw, pw2, pw2, keep.TokenHash, client) })
		unchanged(m)
	}

	// A reset: the code is used up in the unit of work, so the one code
	// stays valid through every failure and then sets the password.
	f.clock.Add(identity.CodeCooldown + time.Second)
	if err := f.svc.RequestCode(ctx, info.Email, identity.PurposeReset, client); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, info.Email, "code_reset")
	for _, m := range []string{"UpdateLatestCode", "DeleteAccountSessions", "Enqueue", "Record", "ClearAttempts"} {
		f.failing(t, m, func() error { return f.svc.ResetPassword(ctx, info.Email, code, pw2, pw2, client) })
		unchanged(m)
	}
	if err := f.svc.ResetPassword(ctx, info.Email, code, pw2, pw2, client); err != nil {
		t.Fatalf("reset with the code after the failures: %v", err)
	}
	if err := f.svc.ResetPassword(ctx, info.Email, code, pw, pw, client); domain.KindOf(err) != domain.Invalid {
		t.Errorf("the code again: %v, want it used up", err)
	}
	const pw3 = "Winter-Lake-2028"
	a, _ = f.store.AccountByID(ctx, a.ID)
	if err := f.svc.ChangePassword(ctx, a, pw2, pw3, pw3, keep.TokenHash, client); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.lastNotice(info.Email); n.Template != "password_changed" {
		t.Errorf("last notice = %+v, want password_changed", n)
	}
}

func TestTokenUseCasesAreUnitsOfWork(t *testing.T) {
	f := newTokenFixture(t)
	f.failing(t, "Record", func() error {
		_, _, err := f.svc.CreateToken(ctx, "erp-sync")
		return err
	})
	if ts, err := f.svc.ListTokens(ctx); err != nil || len(ts) != 0 {
		t.Fatalf("tokens after a failed creation: %+v, %v", ts, err)
	}
	secret, tok, err := f.svc.CreateToken(ctx, "erp-sync")
	if err != nil {
		t.Fatal(err)
	}
	f.failing(t, "Record", func() error { return f.svc.RevokeToken(ctx, tok.ID) })
	if _, err := f.svc.AuthenticateToken(ctx, secret); err != nil {
		t.Errorf("the token after a failed revocation: %v", err)
	}
}

func TestProfileUpdatesAreUnitsOfWork(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.CreateCustomer(ctx, info, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	f.failing(t, "Record", func() error {
		return f.svc.UpdateProfile(ctx, a, identity.Profile{Name: "王小敏", JobTitle: "finance"}, client)
	})
	if got, _ := f.store.AccountByID(ctx, a.ID); got.Name != a.Name || got.JobTitle != a.JobTitle {
		t.Errorf("profile after a failed update: %+v", got)
	}
	renamed := co
	renamed.Name, renamed.Address = "新名字公司", "北京"
	f.failing(t, "Record", func() error { return f.svc.UpdateCompany(ctx, a, renamed, client) })
	if got, _ := f.store.CompanyByID(ctx, a.CompanyID); got.Name != co.Name || got.Address != co.Address {
		t.Errorf("company after a failed update: %+v", got)
	}

	if err := f.svc.UpdateProfile(ctx, a, identity.Profile{Name: "王小敏", JobTitle: "finance"}, client); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.UpdateCompany(ctx, a, renamed, client); err != nil {
		t.Fatal(err)
	}
	ev := f.events(t)
	if n := len(ev); n < 2 || ev[n-2].Type != "profile_updated" || ev[n-1].Type != "company_updated" || ev[n-1].ActorID != a.ID || ev[n-1].IP != client.IP {
		t.Errorf("audit log ends with %+v, want profile_updated and company_updated by the account", ev[max(0, len(ev)-2):])
	}
}
