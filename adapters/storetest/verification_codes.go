package storetest

import (
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/verification"
)

// approve stores sub as verified at at with its "approved" entry, as the
// service's decision does, and returns the store's answer.
func approve(t *testing.T, s VerificationStores, sub verification.Submission, reviewer int64, at time.Time) (verification.Submission, error) {
	t.Helper()
	return s.UpdateSubmission(t.Context(), sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		x.State, x.DecidedBy, x.DecidedAt, x.UpdatedAt = verification.StateVerified, reviewer, at, at
		return []verification.Entry{entryOf(*x, verification.ActionApproved, reviewer, at)}, nil
	})
}

func testVerifiedSubmission(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "甲", codeA, base)
	_, err := s.VerifiedSubmission(ctx, sub.CompanyID)
	wantError(t, "VerifiedSubmission of a pending company", err, domain.NotFound, "error.verification.not_found")
	verified, err := approve(t, s, sub, 7, base.Add(time.Minute))
	must(t, err)
	got, err := s.VerifiedSubmission(ctx, sub.CompanyID)
	must(t, err)
	sameSubmission(t, got, verified)
	other, _ := account(t, "乙")
	_, err = s.VerifiedSubmission(ctx, other)
	wantError(t, "VerifiedSubmission of a company without submissions", err, domain.NotFound, "error.verification.not_found")
}

// testOneCompanyPerCode: a code verified for one company cannot be verified
// for another; the refused update stores nothing, and the same company may
// re-verify under its own code.
func testOneCompanyPerCode(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	first, err := approve(t, s, newPending(t, s, account, "甲", codeA, base), 7, base)
	must(t, err)
	second := newPending(t, s, account, "乙", codeA, base.Add(time.Minute))
	got, err := approve(t, s, second, 8, base.Add(2*time.Minute))
	wantError(t, "approving a code verified for another company", err, domain.Conflict, "error.verification.code_taken")
	sameSubmission(t, got, second)
	stored, err := s.SubmissionByID(ctx, second.ID)
	must(t, err)
	sameSubmission(t, stored, second)
	h, err := s.History(ctx, second.CompanyID)
	must(t, err)
	if len(h) != 1 {
		t.Errorf("the refused approval was written to the history: %+v", h)
	}
	holder, err := s.CodeHolder(ctx, codeA, second.CompanyID)
	must(t, err)
	if holder.ID != first.ID {
		t.Errorf("CodeHolder = %d, want the first company's %d", holder.ID, first.ID)
	}
	// A verified row cannot be created for a taken code either.
	c, a := account(t, "丙")
	direct := newSubmission(c, a, "丙", codeA, base)
	direct.State = verification.StateVerified
	err = s.CreateSubmission(ctx, &direct, entryOf(direct, verification.ActionApproved, 7, base))
	wantError(t, "creating a verified submission with a taken code", err, domain.Conflict, "error.verification.code_taken")
}

// testApproveSameCodeConcurrent lets reviewers approve several companies
// with the same code at once: exactly one approval wins.
func testApproveSameCodeConcurrent(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	const n = 6
	subs := make([]verification.Submission, n)
	for i := range subs {
		subs[i] = newPending(t, s, account, "公司", codeB, base.Add(time.Duration(i)*time.Second))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range subs {
		wg.Go(func() {
			_, errs[i] = approve(t, s, subs[i], int64(200+i), base.Add(time.Hour))
		})
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		if err == nil {
			wins++
			continue
		}
		wantError(t, "a racing approval", err, domain.Conflict, "error.verification.code_taken")
		stored, serr := s.SubmissionByID(ctx, subs[i].ID)
		must(t, serr)
		if stored.State != verification.StatePending {
			t.Errorf("losing submission %d stored as %s", stored.ID, stored.State)
		}
	}
	if wins != 1 {
		t.Fatalf("%d companies were verified with the same code, want exactly 1", wins)
	}
	items, total, err := s.ListSubmissions(ctx, verification.Query{State: verification.StateVerified})
	must(t, err)
	if total != 1 || len(items) != 1 {
		t.Errorf("verified submissions = %d, want 1", total)
	}
}

// testReverifySupersedes: a verified company submits a change; until it is
// approved the old verification stays; approving switches it and supersedes
// the old one, also for a change of name under the same code.
func testReverifySupersedes(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	old, err := approve(t, s, newPending(t, s, account, "甲", codeA, base), 7, base)
	must(t, err)
	change := submit(t, s, newSubmission(old.CompanyID, old.AccountID, "甲股份", codeC, base.Add(time.Hour)))
	got, err := s.VerifiedSubmission(ctx, old.CompanyID)
	must(t, err)
	if got.ID != old.ID || got.Fields.CreditCode != codeA {
		t.Fatalf("while the change is in review: verified = %+v, want the old one", got)
	}
	at := base.Add(2 * time.Hour)
	switched, err := approve(t, s, change, 8, at)
	must(t, err)
	got, err = s.VerifiedSubmission(ctx, old.CompanyID)
	must(t, err)
	sameSubmission(t, got, switched)
	prev, err := s.SubmissionByID(ctx, old.ID)
	must(t, err)
	if prev.State != verification.StateSuperseded {
		t.Errorf("old verification state = %s, want superseded", prev.State)
	}
	sameTime(t, "superseded UpdatedAt", prev.UpdatedAt, at)
	// The old code is free for another company now.
	_, err = s.CodeHolder(ctx, codeA, 0)
	wantError(t, "CodeHolder of the old code", err, domain.NotFound, "error.verification.not_found")
	// A change of name only, under the same code.
	rename := submit(t, s, newSubmission(old.CompanyID, old.AccountID, "甲集团", codeC, base.Add(3*time.Hour)))
	_, err = approve(t, s, rename, 8, base.Add(4*time.Hour))
	must(t, err)
	got, err = s.VerifiedSubmission(ctx, old.CompanyID)
	must(t, err)
	if got.ID != rename.ID || got.Fields.CompanyName != "甲集团" {
		t.Errorf("after the rename: verified = %+v", got)
	}
}

// testRevokeFreesCode: a revoked verification frees its code for another
// company and leaves its own company unverified.
func testRevokeFreesCode(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	first, err := approve(t, s, newPending(t, s, account, "甲", codeA, base), 7, base)
	must(t, err)
	second := newPending(t, s, account, "乙", codeA, base.Add(time.Minute))
	at := base.Add(time.Hour)
	revoked, err := s.UpdateSubmission(ctx, first.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		if err := x.Revoke(9, "证照系伪造", at); err != nil {
			return nil, err
		}
		return []verification.Entry{entryOf(*x, verification.ActionRevoked, 9, at)}, nil
	})
	must(t, err)
	if revoked.State != verification.StateRevoked || revoked.Note != "证照系伪造" {
		t.Errorf("revoked = %+v", revoked)
	}
	_, err = s.VerifiedSubmission(ctx, first.CompanyID)
	wantError(t, "VerifiedSubmission after revocation", err, domain.NotFound, "error.verification.not_found")
	h, err := s.History(ctx, first.CompanyID)
	must(t, err)
	if len(h) != 3 || h[2].Action != verification.ActionRevoked || h[2].Note != "证照系伪造" || h[2].ActorID != 9 {
		t.Errorf("history = %+v, want the revocation last", h)
	}
	if _, err := approve(t, s, second, 8, base.Add(2*time.Hour)); err != nil {
		t.Fatalf("approving the freed code for another company: %v", err)
	}
}
