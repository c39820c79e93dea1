package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/totp"
	"supportal/domain"
	"supportal/domain/identity"
)

func TestUserResetSecondFactor(t *testing.T) {
	url := pgtest.NewDB(t)
	secret := strings.Repeat("s", 32)
	e := env(map[string]string{"SUPPORTAL_DATABASE_URL": url, "SUPPORTAL_SECRET": secret})
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"migrate"}, e, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cfg, err := loadConfig(e)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openServices(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	svc, store := s.identity, s.store
	const pw = "Autumn-River-2027"
	a, err := svc.CreateStaff(ctx, "rev@example.com", "", identity.RoleReviewer, pw)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.Login(ctx, identity.KindStaff, a.Email, pw, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}
	en, err := svc.BeginEnrolment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.CodeAt(en.Secret, time.Now())
	full, _, err := svc.ConfirmEnrolment(ctx, token, code, identity.Client{})
	if err != nil {
		t.Fatal(err)
	}

	out.Reset()
	if err := run(ctx, []string{"user", "reset-2fa", "--email", "REV@example.com"}, e, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "reset the second factor of reviewer account rev@example.com") {
		t.Fatalf("reset-2fa: %v %q", err, out.String())
	}
	if _, err := store.SecondFactor(ctx, a.ID); domain.KindOf(err) != domain.NotFound {
		t.Errorf("second factor after the reset: %v", err)
	}
	if _, _, err := svc.Authenticate(ctx, full); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("session after the reset: %v", err)
	}
	if _, err := svc.BeginEnrolment(ctx, a); err != nil {
		t.Errorf("enrol again: %v", err)
	}

	if err := run(ctx, []string{"user", "reset-2fa", "--email", "nobody@example.com"}, e, &out, &errOut); err == nil || !strings.Contains(err.Error(), "account") {
		t.Errorf("unknown email: %v", err)
	}
	if err := run(ctx, []string{"user", "reset-2fa"}, e, &out, &errOut); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("no email: %v", err)
	}
}
