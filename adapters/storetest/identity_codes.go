package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

func testCodes(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	add := func(email string, p identity.Purpose, hash string, at time.Time) {
		t.Helper()
		must(t, s.AddCode(ctx, identity.Code{Email: email, Purpose: p, Hash: []byte(hash),
			CreatedAt: at, ExpiresAt: at.Add(identity.CodeTTL)}))
	}
	add("code@example.com", identity.PurposeLogin, "old", base)
	add("code@example.com", identity.PurposeLogin, "new", base) // same instant: the later insert wins
	add("code@example.com", identity.PurposeReset, "reset", base.Add(time.Minute))
	add("other@example.com", identity.PurposeLogin, "other", base.Add(time.Minute))

	used := base.Add(2 * time.Minute)
	err := s.UpdateLatestCode(ctx, "Code@Example.com", identity.PurposeLogin, func(c *identity.Code) error {
		if string(c.Hash) != "new" {
			t.Errorf("latest code = %q, want %q", c.Hash, "new")
		}
		if c.ID == 0 || c.Email != "code@example.com" || c.Purpose != identity.PurposeLogin || c.Tries != 0 || c.UsedAt != nil {
			t.Errorf("code = %+v, want an id, the address lower-case, purpose login, no tries, unused", c)
		}
		sameTime(t, "CreatedAt", c.CreatedAt, base)
		sameTime(t, "ExpiresAt", c.ExpiresAt, base.Add(identity.CodeTTL))
		c.Tries = 2
		c.UsedAt = &used
		return nil
	})
	must(t, err)

	err = s.UpdateLatestCode(ctx, "code@example.com", identity.PurposeLogin, func(c *identity.Code) error {
		if string(c.Hash) != "new" || c.Tries != 2 || c.UsedAt == nil {
			t.Fatalf("code = %+v, want %q with 2 tries, used", c, "new")
		}
		sameTime(t, "UsedAt", *c.UsedAt, used)
		c.UsedAt = nil // a store keeps whatever fn leaves
		return nil
	})
	must(t, err)
	err = s.UpdateLatestCode(ctx, "code@example.com", identity.PurposeLogin, func(c *identity.Code) error {
		if c.UsedAt != nil {
			t.Errorf("UsedAt = %v, want it cleared", c.UsedAt)
		}
		return nil
	})
	must(t, err)

	for _, tc := range []struct {
		email string
		p     identity.Purpose
		want  string
	}{
		{"code@example.com", identity.PurposeReset, "reset"},
		{"other@example.com", identity.PurposeLogin, "other"},
	} {
		err := s.UpdateLatestCode(ctx, tc.email, tc.p, func(c *identity.Code) error {
			if string(c.Hash) != tc.want || c.Tries != 0 {
				t.Errorf("%s %s: code %q with %d tries, want %q untouched", tc.email, tc.p, c.Hash, c.Tries, tc.want)
			}
			return nil
		})
		must(t, err)
	}
	err = s.UpdateLatestCode(ctx, "code@example.com", identity.PurposeRegister, func(*identity.Code) error { return nil })
	wantError(t, "other purpose", err, domain.NotFound, "error.code.invalid")
}

func testCodeTriesPersist(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	must(t, s.AddCode(ctx, identity.Code{Email: "tries@example.com", Purpose: identity.PurposeReset,
		Hash: []byte("h"), CreatedAt: base, ExpiresAt: base.Add(identity.CodeTTL)}))
	wrong := errors.New("wrong code")
	for i := 1; i <= 3; i++ {
		err := s.UpdateLatestCode(ctx, "tries@example.com", identity.PurposeReset, func(c *identity.Code) error {
			if c.Tries != i-1 {
				t.Errorf("try %d: Tries = %d, want %d", i, c.Tries, i-1)
			}
			c.Tries++
			return wrong
		})
		if !errors.Is(err, wrong) {
			t.Fatalf("try %d: err = %v, want fn's error itself", i, err)
		}
	}
	// The domain's own Check, through the store: a wrong value counts a try,
	// the right one marks the code used.
	now := base.Add(time.Minute)
	err := s.UpdateLatestCode(ctx, "tries@example.com", identity.PurposeReset, func(c *identity.Code) error {
		return c.Check([]byte("x"), now)
	})
	wantError(t, "wrong value", err, domain.Invalid, "error.code.invalid")
	must(t, s.UpdateLatestCode(ctx, "tries@example.com", identity.PurposeReset, func(c *identity.Code) error {
		return c.Check([]byte("h"), now)
	}))
	err = s.UpdateLatestCode(ctx, "tries@example.com", identity.PurposeReset, func(c *identity.Code) error {
		if c.Tries != 4 || c.UsedAt == nil {
			t.Errorf("code = %+v, want 4 tries and used", c)
		} else {
			sameTime(t, "UsedAt", *c.UsedAt, now)
		}
		return c.Check([]byte("h"), now)
	})
	wantError(t, "used code", err, domain.Invalid, "error.code.invalid")
}

func testCodeConcurrent(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	must(t, s.AddCode(ctx, identity.Code{Email: "race@example.com", Purpose: identity.PurposeLogin,
		Hash: []byte("h"), CreatedAt: base, ExpiresAt: base.Add(identity.CodeTTL)}))
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- s.UpdateLatestCode(ctx, "race@example.com", identity.PurposeLogin, func(c *identity.Code) error {
				c.Tries++
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	must(t, s.UpdateLatestCode(ctx, "race@example.com", identity.PurposeLogin, func(c *identity.Code) error {
		if c.Tries != n {
			t.Errorf("Tries = %d after %d concurrent updates; an update was lost", c.Tries, n)
		}
		return nil
	}))
}
