package identity_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/identity"
)

// countingSessions counts the session reads that reach the store.
type countingSessions struct {
	*memory.IdentityStore
	reads atomic.Int64
}

func (c *countingSessions) SessionByHash(ctx context.Context, hash []byte) (identity.Session, error) {
	c.reads.Add(1)
	return c.IdentityStore.SessionByHash(ctx, hash)
}

// newCachingFixture is newFixture with Authenticate's cache on.
func newCachingFixture(t *testing.T) (*fixture, *countingSessions) {
	t.Helper()
	var cs *countingSessions
	f := newFixtureWith(t, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), func(f *fixture, d *identity.Deps) {
		cs = &countingSessions{IdentityStore: f.store}
		d.Sessions, d.CacheFor = cs, 5*time.Second
	})
	if _, err := f.svc.CreateCustomer(ctx, info, co, pw); err != nil {
		t.Fatal(err)
	}
	return f, cs
}

func (f *fixture) login(t *testing.T) string {
	t.Helper()
	tok, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, client)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAuthenticateReusesASessionBriefly(t *testing.T) {
	f, cs := newCachingFixture(t)
	tok := f.login(t)
	for range 3 {
		if _, _, err := f.svc.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := cs.reads.Load(); n != 1 {
		t.Errorf("three requests within the cache's lifetime read the session %d times, want 1", n)
	}
	// A session ended by another server instance lasts until the entry expires.
	a, sess, _ := f.svc.Authenticate(ctx, tok)
	if err := f.store.DeleteSession(ctx, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Errorf("within the cache's lifetime: %v", err)
	}
	f.clock.Add(5 * time.Second)
	if _, _, err := f.svc.Authenticate(ctx, tok); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("a session deleted elsewhere was still accepted after the cache's lifetime (account %d): %v", a.ID, err)
	}
}

func TestChangesThroughTheServiceShowAtOnce(t *testing.T) {
	f, _ := newCachingFixture(t)
	tok, other := f.login(t), f.login(t)
	a, sess, err := f.svc.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, other); err != nil {
		t.Fatal(err)
	}

	if err := f.svc.UpdateProfile(ctx, a, identity.Profile{Name: "王小敏", JobTitle: "it_lead"}, client); err != nil {
		t.Fatal(err)
	}
	if a, _, _ = f.svc.Authenticate(ctx, tok); a.Name != "王小敏" {
		t.Errorf("after a profile change the session shows the name %q", a.Name)
	}

	const newPw = "Autumn-Lantern-2027"
	if err := f.svc.ChangePassword(ctx, a, pw, newPw, newPw, sess.TokenHash, client); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, other); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("the other session survived a password change: %v", err)
	}
	a, _, err = f.svc.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	// The session's account carries the new hash: the new password is the current one.
	if err := f.svc.ChangePassword(ctx, a, newPw, pw, pw, sess.TokenHash, client); err != nil {
		t.Errorf("changing the password again with the new one: %v", err)
	}

	if err := f.svc.Logout(ctx, tok, client); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, tok); domain.KindOf(err) != domain.Unauthenticated {
		t.Errorf("a signed-out session was accepted: %v", err)
	}
}

// TestNewSignInEndsHeldSession signs in again from a browser that holds a
// session: that session ends at once, even though the cache held it, and the
// account it belonged to gets a logout event.
func TestNewSignInEndsHeldSession(t *testing.T) {
	f, _ := newCachingFixture(t)
	old := f.login(t)
	if _, _, err := f.svc.Authenticate(ctx, old); err != nil {
		t.Fatal(err)
	}
	again := client
	again.Session = old
	tok, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, again)
	if err != nil || tok == old {
		t.Fatalf("second sign-in: %v", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, old); domain.KindOf(err) != domain.Unauthenticated {
		t.Fatalf("the replaced session still works: %v", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, tok); err != nil {
		t.Fatalf("the new session: %v", err)
	}
	ev := f.events(t)
	if n := len(ev); n < 2 || ev[n-2].Type != "logout" || ev[n-2].Detail != "replaced" || ev[n-1].Type != "login" {
		t.Errorf("audit log ends with %+v, want the replaced session's logout, then the login", ev[max(0, len(ev)-2):])
	}
	// A browser whose held session already ended signs in as before.
	again.Session = old
	if _, _, err := f.svc.Login(ctx, identity.KindCustomer, info.Email, pw, again); err != nil {
		t.Fatal(err)
	}
}

// countingStaff counts the reads of the staff list that reach the store.
type countingStaff struct {
	*memory.IdentityStore
	reads atomic.Int64
}

func (c *countingStaff) StaffWithRoles(ctx context.Context, roles []identity.Role) ([]identity.Account, error) {
	c.reads.Add(1)
	return c.IdentityStore.StaffWithRoles(ctx, roles)
}

func names(as []identity.Account) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func TestAgentsKeptBrieflyAndDroppedOnChange(t *testing.T) {
	var cs *countingStaff
	f := newFixtureWith(t, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), func(f *fixture, d *identity.Deps) {
		cs = &countingStaff{IdentityStore: f.store}
		d.Accounts, d.CacheFor = cs, 5*time.Second
	})
	agent := func() []string {
		t.Helper()
		as, err := f.svc.Agents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return names(as)
	}
	a, err := f.svc.CreateStaff(ctx, "wang@example.com", "坐席 王", identity.RoleAgent, pw)
	if err != nil {
		t.Fatal(err)
	}
	if got := agent(); len(got) != 1 || got[0] != "坐席 王" {
		t.Fatalf("Agents = %q, want [坐席 王]", got)
	}
	agent()
	agent()
	if n := cs.reads.Load(); n != 1 {
		t.Errorf("three reads within the cache's lifetime reached the store %d times, want 1", n)
	}
	// A staff account created here shows at once.
	if _, err := f.svc.CreateStaff(ctx, "zhao@example.com", "坐席 赵", identity.RoleAdmin, pw); err != nil {
		t.Fatal(err)
	}
	if got := agent(); len(got) != 2 || got[1] != "坐席 赵" {
		t.Errorf("after a new admin: Agents = %q, want [坐席 王 坐席 赵]", got)
	}
	// So does a profile changed here.
	if err := f.svc.UpdateProfile(ctx, a, identity.Profile{Name: "坐席 王伟", JobTitle: "it_lead"}, client); err != nil {
		t.Fatal(err)
	}
	if got := agent(); len(got) != 2 || got[0] != "坐席 王伟" {
		t.Errorf("after a new name: Agents = %q, want 坐席 王伟 first", got)
	}
	// A change made elsewhere (in the store) shows once the entry expires.
	b := identity.Account{Email: "li@example.com", Kind: identity.KindStaff, Role: identity.RoleAgent, Name: "坐席 李", Lang: "zh-CN"}
	if err := f.store.CreateStaff(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if got := agent(); len(got) != 2 {
		t.Errorf("within the lifetime: Agents = %q, want the two cached", got)
	}
	f.clock.Add(5 * time.Second)
	if got := agent(); len(got) != 3 {
		t.Errorf("after the lifetime: Agents = %q, want three", got)
	}
	// A caller changing its copy leaves the cached list alone.
	as, _ := f.svc.Agents(ctx)
	as[0].Name = "改掉"
	if got := agent(); got[0] != "坐席 王伟" {
		t.Errorf("Agents after a caller changed its copy = %q", got)
	}
}
