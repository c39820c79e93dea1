package storetest

import (
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

func createToken(t *testing.T, s IdentityStores, name, hash string) identity.ServiceToken {
	t.Helper()
	tok := identity.ServiceToken{Name: name, Hash: []byte(hash), CreatedAt: base}
	must(t, s.CreateToken(t.Context(), &tok))
	if tok.ID == 0 {
		t.Fatalf("CreateToken(%q) left the id zero", name)
	}
	return tok
}

func testTokens(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	if list, err := s.ListTokens(ctx); err != nil || len(list) != 0 {
		t.Fatalf("ListTokens on an empty store = %v, %v", list, err)
	}
	a := createToken(t, s, "erp-sync", "hash-a")
	a.Hash[0] = 'X' // the store must have kept its own copy
	b := createToken(t, s, "crm", "hash-b")
	if a.ID == b.ID {
		t.Fatal("two tokens share an id")
	}

	got, err := s.TokenByHash(ctx, []byte("hash-a"))
	must(t, err)
	if got.ID != a.ID || got.Name != "erp-sync" || string(got.Hash) != "hash-a" || got.LastUsedAt != nil || got.RevokedAt != nil {
		t.Errorf("token = %+v", got)
	}
	sameTime(t, "CreatedAt", got.CreatedAt, base)
	got.Hash[0] = 'Y' // nor hand out its own
	_, err = s.TokenByHash(ctx, []byte("no such token"))
	wantError(t, "TokenByHash", err, domain.NotFound, "error.token.not_found")

	dup := identity.ServiceToken{Name: "ERP-Sync", Hash: []byte("hash-c"), CreatedAt: base}
	wantError(t, "same name as an active token", s.CreateToken(ctx, &dup), domain.Conflict, "error.token.name_taken")

	used := base.Add(time.Hour)
	must(t, s.TouchToken(ctx, a.ID, used))
	must(t, s.TouchToken(ctx, 424242, used))
	got, err = s.TokenByHash(ctx, []byte("hash-a"))
	must(t, err)
	if got.LastUsedAt == nil {
		t.Fatal("LastUsedAt not recorded")
	}
	sameTime(t, "LastUsedAt", *got.LastUsedAt, used)

	revoked := base.Add(2 * time.Hour)
	must(t, s.RevokeToken(ctx, a.ID, revoked))
	wantError(t, "revoke twice", s.RevokeToken(ctx, a.ID, revoked), domain.NotFound, "error.token.not_found")
	wantError(t, "revoke unknown", s.RevokeToken(ctx, 424242, revoked), domain.NotFound, "error.token.not_found")
	got, err = s.TokenByHash(ctx, []byte("hash-a"))
	must(t, err)
	if got.RevokedAt == nil {
		t.Fatal("TokenByHash hid the revocation")
	}
	sameTime(t, "RevokedAt", *got.RevokedAt, revoked)

	// A revoked token's name may be used again.
	again := createToken(t, s, "erp-sync", "hash-d")
	list, err := s.ListTokens(ctx)
	must(t, err)
	if len(list) != 3 || list[0].ID != a.ID || list[1].ID != b.ID || list[2].ID != again.ID {
		t.Fatalf("ListTokens = %+v, want a, b and the new one, oldest first", list)
	}
	if list[0].RevokedAt == nil || list[1].RevokedAt != nil || list[0].LastUsedAt == nil {
		t.Errorf("ListTokens lost a state: %+v", list)
	}
}
