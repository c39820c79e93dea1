package identity_test

import (
	"strings"
	"testing"
	"time"

	"supportal/domain"
)

func newTokenFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixture(t)
}

func TestServiceTokens(t *testing.T) {
	f := newTokenFixture(t)
	secret, tok, err := f.svc.CreateToken(ctx, "  erp-sync ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "spt_") || len(secret) != 47 || tok.Name != "erp-sync" || tok.ID == 0 {
		t.Fatalf("CreateToken = %q, %+v", secret, tok)
	}
	if string(tok.Hash) == secret || len(tok.Hash) != 32 {
		t.Fatalf("the token must be stored as its SHA-256 hash, got %x", tok.Hash)
	}
	if _, _, err := f.svc.CreateToken(ctx, "ERP-SYNC"); domain.KindOf(err) != domain.Conflict {
		t.Fatalf("duplicate active name: want Conflict, got %v", err)
	}
	for _, name := range []string{"", "   ", strings.Repeat("名", 51), "tab\there"} {
		if _, _, err := f.svc.CreateToken(ctx, name); domain.KindOf(err) != domain.Invalid {
			t.Errorf("name %q: want Invalid, got %v", name, err)
		}
	}
	if _, _, err := f.svc.CreateToken(ctx, strings.Repeat("名", 50)); err != nil {
		t.Errorf("a 50-character name: %v", err)
	}

	got, err := f.svc.AuthenticateToken(ctx, secret)
	if err != nil || got.ID != tok.ID || got.LastUsedAt == nil {
		t.Fatalf("AuthenticateToken = %+v, %v", got, err)
	}
	list, err := f.svc.ListTokens(ctx)
	if err != nil || len(list) != 2 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(f.clock.Now()) {
		t.Fatalf("ListTokens after use = %+v, %v", list, err)
	}

	for _, bad := range []string{"", "spt_", secret[:46], secret + "x", "xyz_" + secret[4:], "spt_" + strings.Repeat("A", 43)} {
		if _, err := f.svc.AuthenticateToken(ctx, bad); !isKey(err, domain.Unauthenticated, "error.token.invalid") {
			t.Errorf("token %q: want Unauthenticated error.token.invalid, got %v", bad, err)
		}
	}

	if err := f.svc.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateToken(ctx, secret); !isKey(err, domain.Unauthenticated, "error.token.invalid") {
		t.Fatalf("revoked token: want Unauthenticated, got %v", err)
	}
	if err := f.svc.RevokeToken(ctx, tok.ID); domain.KindOf(err) != domain.NotFound {
		t.Fatalf("revoke twice: want NotFound, got %v", err)
	}
	if _, _, err := f.svc.CreateToken(ctx, "erp-sync"); err != nil {
		t.Fatalf("the name of a revoked token may be reused: %v", err)
	}

	var types []string
	for _, e := range f.events(t) {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, ","); got != "token_created,token_created,token_revoked,token_created" {
		t.Errorf("audit events = %s", got)
	}
}

// TestTokenTouchThrottled checks that last-used is written at most once a
// minute, like a session's last-seen.
func TestTokenTouchThrottled(t *testing.T) {
	f := newTokenFixture(t)
	secret, _, err := f.svc.CreateToken(ctx, "crm")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := f.svc.AuthenticateToken(ctx, secret)
	f.clock.Add(30 * time.Second)
	second, _ := f.svc.AuthenticateToken(ctx, secret)
	if !second.LastUsedAt.Equal(*first.LastUsedAt) {
		t.Errorf("touched again after 30 s: %v then %v", first.LastUsedAt, second.LastUsedAt)
	}
	f.clock.Add(time.Minute)
	third, _ := f.svc.AuthenticateToken(ctx, secret)
	if !third.LastUsedAt.Equal(f.clock.Now()) {
		t.Errorf("not touched after 90 s: %v", third.LastUsedAt)
	}
}

func isKey(err error, kind domain.Kind, key string) bool {
	de := domain.As(err)
	return de.Kind == kind && de.Key == key
}
