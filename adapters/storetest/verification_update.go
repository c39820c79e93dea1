package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/verification"
)

func testUpdateSubmission(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "示例", codeA, base)
	_, reviewer := account(t, "审核员")
	at := base.Add(time.Hour)
	newLicence := verification.Licence{Key: "licences/second", Name: "scan.pdf", ContentType: "application/pdf", Size: 99}
	want := sub
	got, err := s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		sameSubmission(t, *x, sub)
		must(t, x.Modify(verification.Fields{CompanyName: "新示例", DocType: "other", CreditCode: codeB}, &newLicence, at))
		if err := x.Claim(reviewer, at); err != nil {
			return nil, err
		}
		want = *x
		return []verification.Entry{entryOf(*x, verification.ActionModified, sub.AccountID, at)}, nil
	})
	must(t, err)
	sameSubmission(t, got, want)
	stored, err := s.SubmissionByID(ctx, sub.ID)
	must(t, err)
	sameSubmission(t, stored, want)

	decided := at.Add(time.Minute)
	got, err = s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		if err := x.Decide(reviewer, 2, false, "other", "印章不清楚", decided); err != nil {
			return nil, err
		}
		want = *x
		return []verification.Entry{entryOf(*x, verification.ActionRejected, reviewer, decided)}, nil
	})
	must(t, err)
	if got.State != verification.StateRejected || got.DecidedBy != reviewer || got.ClaimedBy != 0 || !got.ClaimedUntil.IsZero() {
		t.Errorf("decided submission = %+v", got)
	}
	stored, err = s.LatestSubmission(ctx, sub.CompanyID)
	must(t, err)
	sameSubmission(t, stored, want)
	h, err := s.History(ctx, sub.CompanyID)
	must(t, err)
	actions := make([]verification.Action, len(h))
	for i, e := range h {
		actions[i] = e.Action
		if e.SubmissionID != sub.ID {
			t.Errorf("entry %d belongs to submission %d, want %d", i, e.SubmissionID, sub.ID)
		}
	}
	if !slices.Equal(actions, []verification.Action{"submitted", "modified", "rejected"}) {
		t.Errorf("history actions = %v", actions)
	}

	called := false
	_, err = s.UpdateSubmission(ctx, sub.ID+424242, func(*verification.Submission) ([]verification.Entry, error) {
		called = true
		return nil, nil
	})
	wantError(t, "UpdateSubmission of an unknown id", err, domain.NotFound, "error.verification.not_found")
	if called {
		t.Error("UpdateSubmission called fn for an unknown id")
	}
}

func testUpdateFnError(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "示例", codeA, base)
	errRefused := errors.New("refused")
	got, err := s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		x.Fields.CompanyName, x.State, x.Version = "changed", verification.StateVerified, 9
		return []verification.Entry{entryOf(*x, verification.ActionApproved, 1, base)}, errRefused
	})
	if !errors.Is(err, errRefused) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	sameSubmission(t, got, sub)
	stored, err := s.SubmissionByID(ctx, sub.ID)
	must(t, err)
	sameSubmission(t, stored, sub)
	h, err := s.History(ctx, sub.CompanyID)
	must(t, err)
	sameHistory(t, h, []verification.Entry{entryOf(sub, verification.ActionSubmitted, sub.AccountID, base)})
}

func testHistory(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	_, reviewer := account(t, "审核员")
	first := newPending(t, s, account, "示例", codeA, base)
	other := newPending(t, s, account, "Other", codeB, base)
	var want []verification.Entry
	want = append(want, entryOf(first, verification.ActionSubmitted, first.AccountID, base))
	step := func(id int64, at time.Time, action verification.Action, actor int64, change func(x *verification.Submission)) {
		t.Helper()
		_, err := s.UpdateSubmission(ctx, id, func(x *verification.Submission) ([]verification.Entry, error) {
			change(x)
			e := entryOf(*x, action, actor, at)
			if x.CompanyID == first.CompanyID {
				want = append(want, e)
			}
			return []verification.Entry{e}, nil
		})
		must(t, err)
	}
	step(first.ID, base.Add(1*time.Minute), verification.ActionModified, first.AccountID, func(x *verification.Submission) {
		must(t, x.Modify(verification.Fields{CompanyName: "示例二", DocType: "org_code", CreditCode: codeC}, nil, base))
	})
	step(other.ID, base.Add(2*time.Minute), verification.ActionModified, other.AccountID, func(x *verification.Submission) {
		must(t, x.Modify(x.Fields, nil, base))
	})
	step(first.ID, base.Add(3*time.Minute), verification.ActionRejected, reviewer, func(x *verification.Submission) {
		x.State, x.Reason, x.Note = verification.StateRejected, "other", "请上传彩色扫描件"
	})
	second := newSubmission(first.CompanyID, first.AccountID, "示例", codeA, base.Add(4*time.Minute))
	must(t, s.CreateSubmission(ctx, &second, entryOf(second, verification.ActionResubmitted, first.AccountID, base.Add(4*time.Minute))))
	resubmitted := entryOf(second, verification.ActionResubmitted, first.AccountID, base.Add(4*time.Minute))
	want = append(want, resubmitted)
	step(second.ID, base.Add(5*time.Minute), verification.ActionApproved, reviewer, func(x *verification.Submission) {
		x.State = verification.StateVerified
	})

	h, err := s.History(ctx, first.CompanyID)
	must(t, err)
	sameHistory(t, h, want)
	// The reviewer's entries carry the reviewer's name.
	for _, e := range h {
		if e.ActorID == reviewer && e.ActorName != "审核员" {
			t.Errorf("%s by the reviewer: actor name %q, want 审核员", e.Action, e.ActorName)
		}
	}
	h, err = s.History(ctx, other.CompanyID)
	must(t, err)
	if len(h) != 2 || h[0].Action != verification.ActionSubmitted || h[1].Action != verification.ActionModified {
		t.Errorf("other company's history = %+v", h)
	}
}

// testDecideConcurrent lets several reviewers claim and decide the same
// submission at once: the update must serialise them, so exactly one wins
// and the others see a decided submission.
func testDecideConcurrent(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "示例", codeA, base)
	const n = 8
	now := base.Add(time.Hour)
	type result struct {
		reviewer int64
		sub      verification.Submission
		err      error
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for i := range n {
		reviewer := int64(1000 + i)
		wg.Go(func() {
			got, err := s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
				if err := x.Claim(reviewer, now); err != nil {
					return nil, err
				}
				if err := x.Decide(reviewer, sub.Version, i%2 == 0, "blurry", "", now); err != nil {
					return nil, err
				}
				a := verification.ActionRejected
				if x.State == verification.StateVerified {
					a = verification.ActionApproved
				}
				return []verification.Entry{entryOf(*x, a, reviewer, now)}, nil
			})
			results <- result{reviewer, got, err}
		})
	}
	wg.Wait()
	close(results)
	var winner result
	wins := 0
	for r := range results {
		switch {
		case r.err == nil:
			wins++
			winner = r
		case domain.KindOf(r.err) != domain.Conflict:
			t.Errorf("reviewer %d: err = %v, want Conflict", r.reviewer, r.err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d reviewers decided the submission, want exactly 1", wins)
	}
	stored, err := s.SubmissionByID(ctx, sub.ID)
	must(t, err)
	sameSubmission(t, stored, winner.sub)
	if stored.DecidedBy != winner.reviewer {
		t.Errorf("DecidedBy = %d, want the winner %d", stored.DecidedBy, winner.reviewer)
	}
	h, err := s.History(ctx, sub.CompanyID)
	must(t, err)
	if len(h) != 2 || h[1].ActorID != winner.reviewer {
		t.Errorf("history = %+v, want the submission and the winner's decision", h)
	}
}
