package storetest

import (
	"bytes"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

func createSession(t *testing.T, s IdentityStores, hash string, accountID int64) identity.Session {
	t.Helper()
	sess := identity.Session{TokenHash: []byte(hash), AccountID: accountID, CreatedAt: base,
		LastSeenAt: base, IP: "203.0.113.7", UserAgent: "Mozilla/5.0"}
	must(t, s.CreateSession(t.Context(), sess))
	return sess
}

func testSessions(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a, _ := createCustomer(t, s, "session@example.com")
	want := createSession(t, s, "token-hash-1", a.ID)
	want.TokenHash[0] = 'X' // the store must have kept its own copy

	got, err := s.SessionByHash(ctx, []byte("token-hash-1"))
	must(t, err)
	if string(got.TokenHash) != "token-hash-1" || got.AccountID != a.ID || got.IP != want.IP || got.UserAgent != want.UserAgent {
		t.Errorf("session = %+v", got)
	}
	sameTime(t, "CreatedAt", got.CreatedAt, base)
	sameTime(t, "LastSeenAt", got.LastSeenAt, base)
	got.TokenHash[0] = 'Y' // nor hand out its own

	later := base.Add(5 * time.Minute)
	must(t, s.TouchSession(ctx, []byte("token-hash-1"), later))
	got, err = s.SessionByHash(ctx, []byte("token-hash-1"))
	must(t, err)
	sameTime(t, "LastSeenAt after touch", got.LastSeenAt, later)
	sameTime(t, "CreatedAt after touch", got.CreatedAt, base)

	if err := s.CreateSession(ctx, identity.Session{TokenHash: []byte("orphan"), AccountID: 424242,
		CreatedAt: base, LastSeenAt: base}); err == nil {
		t.Error("CreateSession for a missing account succeeded")
	}

	must(t, s.TouchSession(ctx, []byte("no such session"), later))
	must(t, s.DeleteSession(ctx, []byte("token-hash-1")))
	_, err = s.SessionByHash(ctx, []byte("token-hash-1"))
	wantError(t, "deleted session", err, domain.NotFound, "error.session.expired")
	must(t, s.DeleteSession(ctx, []byte("token-hash-1")))
}

func testDeleteAccountSessions(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a, _ := createCustomer(t, s, "many@example.com")
	b, _ := createCustomer(t, s, "bystander@example.com")
	for _, h := range []string{"a1", "a2", "a3"} {
		createSession(t, s, h, a.ID)
	}
	createSession(t, s, "b1", b.ID)
	exists := func(h string) bool {
		t.Helper()
		_, err := s.SessionByHash(ctx, []byte(h))
		if err != nil && domain.KindOf(err) != domain.NotFound {
			t.Fatal(err)
		}
		return err == nil
	}

	must(t, s.DeleteAccountSessions(ctx, a.ID, []byte("a2")))
	if exists("a1") || !exists("a2") || exists("a3") || !exists("b1") {
		t.Errorf("after deleting all but a2: a1 %v a2 %v a3 %v b1 %v, want only a2 and b1",
			exists("a1"), exists("a2"), exists("a3"), exists("b1"))
	}
	must(t, s.DeleteAccountSessions(ctx, a.ID, nil))
	if exists("a2") || !exists("b1") {
		t.Errorf("after deleting all: a2 %v b1 %v, want only b1", exists("a2"), exists("b1"))
	}
}

func testAttempts(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	count := func(scope, subject string, since time.Time, wantN int, wantOldest time.Time) {
		t.Helper()
		n, oldest, err := s.CountAttempts(ctx, scope, subject, since)
		must(t, err)
		if n != wantN {
			t.Errorf("CountAttempts(%s, %s, %v) = %d, want %d", scope, subject, since, n, wantN)
		}
		if wantN == 0 {
			if !oldest.IsZero() {
				t.Errorf("oldest = %v, want zero", oldest)
			}
			return
		}
		sameTime(t, "oldest", oldest, wantOldest)
	}
	count("login_account", "a@example.com", base.Add(-time.Hour), 0, time.Time{})

	for _, m := range []int{0, 10, 5, 20} { // not in order
		must(t, s.AddAttempt(ctx, "login_account", "a@example.com", base.Add(time.Duration(m)*time.Minute)))
	}
	must(t, s.AddAttempt(ctx, "login_ip", "a@example.com", base.Add(30*time.Minute)))
	must(t, s.AddAttempt(ctx, "login_account", "b@example.com", base.Add(30*time.Minute)))

	count("login_account", "a@example.com", base.Add(-time.Minute), 4, base)
	count("login_account", "a@example.com", base.Add(5*time.Minute), 3, base.Add(5*time.Minute)) // since is inclusive
	count("login_account", "a@example.com", base.Add(6*time.Minute), 2, base.Add(10*time.Minute))
	count("login_account", "a@example.com", base.Add(21*time.Minute), 0, time.Time{})

	must(t, s.ClearAttempts(ctx, "login_account", "a@example.com"))
	count("login_account", "a@example.com", base.Add(-time.Hour), 0, time.Time{})
	count("login_ip", "a@example.com", base.Add(-time.Hour), 1, base.Add(30*time.Minute))
	count("login_account", "b@example.com", base.Add(-time.Hour), 1, base.Add(30*time.Minute))
}

func sameDraft(t *testing.T, got, want identity.Draft) {
	t.Helper()
	sameTime(t, "ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	if !bytes.Equal(got.TokenHash, want.TokenHash) || got.Info != want.Info || got.Company != want.Company ||
		got.CodeSentTo != want.CodeSentTo || got.Verified != want.Verified || got.PasswordHash != want.PasswordHash {
		t.Errorf("draft = %+v\nwant    %+v", got, want)
	}
}

func testDrafts(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	d := identity.Draft{
		TokenHash: []byte("draft-1"),
		Info: identity.AccountInfo{Country: "HK", Name: "陈大文 \"Tai Man\"", JobTitle: "ceo",
			Email: "tai.man@example.hk", Mobile: "+85291234567"},
		CodeSentTo: "tai.man@example.hk",
		ExpiresAt:  base.Add(identity.DraftTTL),
	}
	must(t, s.SaveDraft(ctx, d))
	got, err := s.DraftByHash(ctx, []byte("draft-1"))
	must(t, err)
	sameDraft(t, got, d)

	d.Verified, d.PasswordHash = true, "hash"
	d.Company = identity.Company{Name: "大文贸易", Industry: "trade", Size: "1-20", Address: "香港中环\n皇后大道中 1 号", Business: "进出口"}
	d.ExpiresAt = base.Add(identity.DraftTTL + time.Hour)
	must(t, s.SaveDraft(ctx, d))
	got, err = s.DraftByHash(ctx, []byte("draft-1"))
	must(t, err)
	sameDraft(t, got, d)

	other := identity.Draft{TokenHash: []byte("draft-2"), ExpiresAt: base}
	must(t, s.SaveDraft(ctx, other))
	must(t, s.DeleteDraft(ctx, []byte("draft-1")))
	_, err = s.DraftByHash(ctx, []byte("draft-1"))
	wantError(t, "deleted draft", err, domain.NotFound, "error.register.expired")
	got, err = s.DraftByHash(ctx, []byte("draft-2"))
	must(t, err)
	sameDraft(t, got, other)
	must(t, s.DeleteDraft(ctx, []byte("draft-1")))
}

func testPurge(t *testing.T, s IdentityStores) {
	p, ok := s.(purger)
	if !ok {
		t.Skip("store has no Purge")
	}
	ctx := t.Context()
	now := base.Add(48 * time.Hour)
	a, _ := createCustomer(t, s, "purge@example.com")
	must(t, s.AddCode(ctx, identity.Code{Email: "old@example.com", Purpose: identity.PurposeLogin,
		Hash: []byte("h"), CreatedAt: base, ExpiresAt: now.Add(-25 * time.Hour)}))
	must(t, s.AddCode(ctx, identity.Code{Email: "recent@example.com", Purpose: identity.PurposeLogin,
		Hash: []byte("h"), CreatedAt: base, ExpiresAt: now.Add(-23 * time.Hour)}))
	must(t, s.AddAttempt(ctx, "s", "x", now.Add(-25*time.Hour)))
	must(t, s.AddAttempt(ctx, "s", "x", now.Add(-23*time.Hour)))
	must(t, s.SaveDraft(ctx, identity.Draft{TokenHash: []byte("expired"), ExpiresAt: now.Add(-time.Second)}))
	must(t, s.SaveDraft(ctx, identity.Draft{TokenHash: []byte("live"), ExpiresAt: now.Add(time.Second)}))
	for _, sess := range []identity.Session{
		{TokenHash: []byte("idle"), CreatedAt: now.Add(-time.Hour), LastSeenAt: now.Add(-31 * time.Minute)},
		{TokenHash: []byte("old"), CreatedAt: now.Add(-13 * time.Hour), LastSeenAt: now},
		{TokenHash: []byte("live"), CreatedAt: now.Add(-11 * time.Hour), LastSeenAt: now.Add(-29 * time.Minute)},
	} {
		sess.AccountID = a.ID
		must(t, s.CreateSession(ctx, sess))
	}

	must(t, p.Purge(ctx, now))

	codeExists := func(email string) bool {
		err := s.UpdateLatestCode(ctx, email, identity.PurposeLogin, func(*identity.Code) error { return nil })
		if err != nil && domain.KindOf(err) != domain.NotFound {
			t.Fatal(err)
		}
		return err == nil
	}
	if codeExists("old@example.com") || !codeExists("recent@example.com") {
		t.Error("Purge: want only the code expired less than a day ago kept")
	}
	if n, _, err := s.CountAttempts(ctx, "s", "x", time.Time{}); err != nil || n != 1 {
		t.Errorf("Purge: %d attempts left (err %v), want 1", n, err)
	}
	for hash, want := range map[string]bool{"expired": false, "live": true} {
		if _, err := s.DraftByHash(ctx, []byte(hash)); (err == nil) != want {
			t.Errorf("Purge: draft %s: err %v, want kept %v", hash, err, want)
		}
	}
	for hash, want := range map[string]bool{"idle": false, "old": false, "live": true} {
		if _, err := s.SessionByHash(ctx, []byte(hash)); (err == nil) != want {
			t.Errorf("Purge: session %s: err %v, want kept %v", hash, err, want)
		}
	}
}
