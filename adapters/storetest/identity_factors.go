package storetest

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

func createStaff(t *testing.T, s IdentityStores, email string) identity.Account {
	t.Helper()
	a := identity.Account{Email: email, Kind: identity.KindStaff, Role: identity.RoleReviewer,
		Name: "Reviewer", PasswordHash: "h", Lang: "en", CreatedAt: base, PasswordChangedAt: base}
	must(t, s.CreateStaff(t.Context(), &a))
	return a
}

// recoveryHashes returns the hashes of codes, in the order the store keeps
// them in (by hash), so that the suite compares sets.
func recoveryHashes(rs []identity.RecoveryCode) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = r.Hash
	}
	slices.SortFunc(out, bytes.Compare)
	return out
}

func testSecondFactor(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a := createStaff(t, s, "rev@vendor.example")
	b := createStaff(t, s, "bystander@vendor.example")

	_, err := s.SecondFactor(ctx, a.ID)
	wantError(t, "no enrolment", err, domain.NotFound, "error.second_factor.not_enrolled")
	err = s.UpdateSecondFactor(ctx, a.ID, func(*identity.SecondFactor) error { return nil })
	wantError(t, "update without enrolment", err, domain.NotFound, "error.second_factor.not_enrolled")
	if err := s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: 424242, Sealed: []byte("x"), CreatedAt: base}); err == nil {
		t.Error("BeginSecondFactor for a missing account succeeded")
	}

	sealed := []byte("sealed-1")
	must(t, s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: a.ID, Sealed: sealed, CreatedAt: base}))
	sealed[0] = 'X' // the store must have kept its own copy
	must(t, s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: b.ID, Sealed: []byte("other"), CreatedAt: base}))
	got, err := s.SecondFactor(ctx, a.ID)
	must(t, err)
	if got.AccountID != a.ID || string(got.Sealed) != "sealed-1" || got.Confirmed() || got.LastStep != 0 || len(got.Recovery) != 0 {
		t.Errorf("new enrolment = %+v", got)
	}
	sameTime(t, "CreatedAt", got.CreatedAt, base)

	// An unconfirmed enrolment is replaced by a new one.
	later := base.Add(time.Minute)
	must(t, s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: a.ID, Sealed: []byte("sealed-2"), CreatedAt: later}))
	got, err = s.SecondFactor(ctx, a.ID)
	must(t, err)
	if string(got.Sealed) != "sealed-2" {
		t.Errorf("secret after a second begin = %q, want sealed-2", got.Sealed)
	}
	sameTime(t, "CreatedAt after a second begin", got.CreatedAt, later)

	// A failing update stores nothing.
	boom := errors.New("boom")
	err = s.UpdateSecondFactor(ctx, a.ID, func(f *identity.SecondFactor) error {
		f.LastStep, f.ConfirmedAt = 99, &later
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("UpdateSecondFactor returned %v, want fn's error", err)
	}
	if got, _ := s.SecondFactor(ctx, a.ID); got.Confirmed() || got.LastStep != 0 {
		t.Errorf("after a failed update: %+v", got)
	}

	// Confirmation stores the step and the recovery codes.
	codes := make([]identity.RecoveryCode, identity.RecoveryCodeCount)
	for i := range codes {
		codes[i] = identity.RecoveryCode{Hash: []byte{byte('a' + i), 'h'}}
	}
	must(t, s.UpdateSecondFactor(ctx, a.ID, func(f *identity.SecondFactor) error {
		if string(f.Sealed) != "sealed-2" || f.Confirmed() {
			t.Errorf("fn sees %+v", f)
		}
		f.ConfirmedAt, f.LastStep, f.Recovery = &later, 55_000_000, codes
		return nil
	}))
	codes[0].Hash[0] = 'X'
	got, err = s.SecondFactor(ctx, a.ID)
	must(t, err)
	if !got.Confirmed() || got.LastStep != 55_000_000 || got.RecoveryLeft() != identity.RecoveryCodeCount {
		t.Fatalf("confirmed enrolment = %+v", got)
	}
	sameTime(t, "ConfirmedAt", *got.ConfirmedAt, later)
	if hs := recoveryHashes(got.Recovery); string(hs[0]) != "ah" || string(hs[9]) != "jh" {
		t.Errorf("recovery hashes = %q", hs)
	}

	// A confirmed enrolment is not replaced.
	err = s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: a.ID, Sealed: []byte("sealed-3"), CreatedAt: later})
	wantError(t, "begin over a confirmed enrolment", err, domain.Conflict, "error.second_factor.enrolled")
	if got, _ := s.SecondFactor(ctx, a.ID); string(got.Sealed) != "sealed-2" || !got.Confirmed() {
		t.Errorf("after a refused begin: %+v", got)
	}

	// Using a recovery code is kept.
	used := later.Add(time.Hour)
	must(t, s.UpdateSecondFactor(ctx, a.ID, func(f *identity.SecondFactor) error {
		for i := range f.Recovery {
			if string(f.Recovery[i].Hash) == "ch" {
				f.Recovery[i].UsedAt = &used
			}
		}
		return nil
	}))
	got, err = s.SecondFactor(ctx, a.ID)
	must(t, err)
	if got.RecoveryLeft() != identity.RecoveryCodeCount-1 {
		t.Errorf("recovery codes left = %d, want %d", got.RecoveryLeft(), identity.RecoveryCodeCount-1)
	}
	for _, r := range got.Recovery {
		if string(r.Hash) == "ch" {
			if r.UsedAt == nil {
				t.Fatal("used recovery code not marked")
			}
			sameTime(t, "UsedAt", *r.UsedAt, used)
		}
	}

	// Deleting removes the enrolment of that account only.
	must(t, s.DeleteSecondFactor(ctx, a.ID))
	_, err = s.SecondFactor(ctx, a.ID)
	wantError(t, "deleted enrolment", err, domain.NotFound, "error.second_factor.not_enrolled")
	must(t, s.DeleteSecondFactor(ctx, a.ID))
	if got, err := s.SecondFactor(ctx, b.ID); err != nil || string(got.Sealed) != "other" {
		t.Errorf("bystander's enrolment = %+v, %v", got, err)
	}
	// After a reset the account enrols afresh, without old recovery codes.
	must(t, s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: a.ID, Sealed: []byte("sealed-4"), CreatedAt: used}))
	if got, _ := s.SecondFactor(ctx, a.ID); got.Confirmed() || len(got.Recovery) != 0 || got.LastStep != 0 {
		t.Errorf("enrolment after reset = %+v", got)
	}
}

func testSecondFactorConcurrent(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a := createStaff(t, s, "race@vendor.example")
	must(t, s.BeginSecondFactor(ctx, identity.SecondFactor{AccountID: a.ID, Sealed: []byte("s"), CreatedAt: base}))
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- s.UpdateSecondFactor(ctx, a.ID, func(f *identity.SecondFactor) error {
				f.LastStep++
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	if got, err := s.SecondFactor(ctx, a.ID); err != nil || got.LastStep != n {
		t.Errorf("LastStep = %d (%v) after %d concurrent updates; an update was lost", got.LastStep, err, n)
	}
}

func testSessionSecondFactor(t *testing.T, s IdentityStores) {
	ctx := t.Context()
	a := createStaff(t, s, "mfa@vendor.example")
	createSession(t, s, "password-only", a.ID)
	at := base.Add(30 * time.Second)
	sess := identity.Session{TokenHash: []byte("complete"), AccountID: a.ID, CreatedAt: base, LastSeenAt: at, SecondFactorAt: &at}
	must(t, s.CreateSession(ctx, sess))
	at = at.Add(time.Hour) // the store must have kept its own copy

	got, err := s.SessionByHash(ctx, []byte("password-only"))
	must(t, err)
	if got.SecondFactorAt != nil {
		t.Errorf("password-only session has SecondFactorAt %v", got.SecondFactorAt)
	}
	got, err = s.SessionByHash(ctx, []byte("complete"))
	must(t, err)
	if got.SecondFactorAt == nil {
		t.Fatal("SecondFactorAt not kept")
	}
	sameTime(t, "SecondFactorAt", *got.SecondFactorAt, base.Add(30*time.Second))
}
