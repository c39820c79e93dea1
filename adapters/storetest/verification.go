package storetest

import (
	"fmt"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/verification"
)

// VerificationStores is everything the verification module stores.
type VerificationStores interface {
	verification.Submissions
	verification.Queue
	attachment.Index
}

// NewAccount creates an account named name in a company of its own and
// returns both ids, for stores whose foreign keys need real rows. Reviewers
// are made with it too: only the name matters to the queue.
type NewAccount func(t *testing.T, name string) (companyID, accountID int64)

// Verification runs the verification store contract. newStore returns an
// empty store and the way to create accounts for it; it is called once per
// subtest, and subtests run in parallel.
func Verification(t *testing.T, newStore func(t *testing.T) (VerificationStores, NewAccount)) {
	tests := []struct {
		name string
		run  func(t *testing.T, s VerificationStores, account NewAccount)
	}{
		{"CreateSubmission", testCreateSubmission},
		{"OnePendingPerCompany", testOnePending},
		{"UpdateSubmission", testUpdateSubmission},
		{"UpdateSubmissionFnError", testUpdateFnError},
		{"History", testHistory},
		{"ListSubmissions", testListSubmissions},
		{"ListSubmissionsClaimedBy", testListClaimedBy},
		{"ClaimNext", testClaimNext},
		{"ClaimNextConcurrent", testClaimNextConcurrent},
		{"CodeHolder", testCodeHolder},
		{"VerifiedSubmission", testVerifiedSubmission},
		{"OneVerifiedCompanyPerCode", testOneCompanyPerCode},
		{"ApproveSameCodeConcurrent", testApproveSameCodeConcurrent},
		{"ReverifySupersedes", testReverifySupersedes},
		{"RevokeFreesCode", testRevokeFreesCode},
		{"AttachmentRows", testAttachmentRows},
		{"DecideConcurrent", testDecideConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, account := newStore(t)
			tt.run(t, s, account)
		})
	}
}

// Valid unified social credit codes.
const (
	codeA = "91310110666007217T"
	codeB = "91440300MA5F0KQ2XL"
	codeC = "12100000400012345P"
)

// newSubmission returns a pending first version of a submission.
func newSubmission(companyID, accountID int64, name, code string, at time.Time) verification.Submission {
	return verification.Submission{
		CompanyID: companyID, AccountID: accountID, Region: "CN",
		Fields:  verification.Fields{CompanyName: name, DocType: "business_licence", CreditCode: code},
		Licence: verification.Licence{Key: fmt.Sprintf("licences/%d-%d", companyID, at.UnixMicro()), Name: "营业执照.png", ContentType: "image/png", Size: 123456},
		State:   verification.StatePending, Version: 1, SubmittedAt: at, UpdatedAt: at,
	}
}

// entryOf returns the history entry of action on sub, as the service makes it.
func entryOf(sub verification.Submission, a verification.Action, actor int64, at time.Time) verification.Entry {
	return verification.Entry{SubmissionID: sub.ID, Version: sub.Version, At: at, ActorID: actor, Action: a,
		Fields: sub.Fields, LicenceKey: sub.Licence.Key, Reason: sub.Reason, Note: sub.Note}
}

// submit stores sub with its "submitted" entry and returns it with its id.
func submit(t *testing.T, s VerificationStores, sub verification.Submission) verification.Submission {
	t.Helper()
	must(t, s.CreateSubmission(t.Context(), &sub, entryOf(sub, verification.ActionSubmitted, sub.AccountID, sub.SubmittedAt)))
	if sub.ID == 0 {
		t.Fatal("CreateSubmission left ID 0")
	}
	return sub
}

// newPending creates a company with a pending submission named name.
func newPending(t *testing.T, s VerificationStores, account NewAccount, name, code string, at time.Time) verification.Submission {
	t.Helper()
	c, a := account(t, name)
	return submit(t, s, newSubmission(c, a, name, code, at))
}

// sameSubmission compares two submissions, their times as instants in UTC.
func sameSubmission(t *testing.T, got, want verification.Submission) {
	t.Helper()
	for _, tm := range []struct {
		what      string
		got, want *time.Time
	}{
		{"SubmittedAt", &got.SubmittedAt, &want.SubmittedAt}, {"UpdatedAt", &got.UpdatedAt, &want.UpdatedAt},
		{"ClaimedUntil", &got.ClaimedUntil, &want.ClaimedUntil}, {"DecidedAt", &got.DecidedAt, &want.DecidedAt},
	} {
		sameTime(t, tm.what, *tm.got, *tm.want)
		*tm.got, *tm.want = time.Time{}, time.Time{}
	}
	if got != want {
		t.Errorf("submission = %+v\nwant         %+v", got, want)
	}
}

// sameHistory compares two histories, their times as instants in UTC.
func sameHistory(t *testing.T, got, want []verification.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("history has %d entries, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range got {
		sameTime(t, fmt.Sprintf("entry %d At", i), got[i].At, want[i].At)
		g, w := got[i], want[i]
		g.At, w.At = time.Time{}, time.Time{}
		if w.ActorName == "" {
			g.ActorName = "" // compared where the test knows the name
		}
		if g != w {
			t.Errorf("entry %d = %+v\nwant      %+v", i, g, w)
		}
	}
}

func testCreateSubmission(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "上海示例科技有限公司", codeA, base)
	other := newPending(t, s, account, "Acme Trading", codeB, base.Add(time.Minute))
	if other.ID == sub.ID {
		t.Fatalf("two submissions share id %d", sub.ID)
	}
	got, err := s.LatestSubmission(ctx, sub.CompanyID)
	must(t, err)
	sameSubmission(t, got, sub)
	got, err = s.SubmissionByID(ctx, sub.ID)
	must(t, err)
	sameSubmission(t, got, sub)
	h, err := s.History(ctx, sub.CompanyID)
	must(t, err)
	sameHistory(t, h, []verification.Entry{entryOf(sub, verification.ActionSubmitted, sub.AccountID, base)})

	_, err = s.SubmissionByID(ctx, other.ID+424242)
	wantError(t, "SubmissionByID", err, domain.NotFound, "error.verification.not_found")
	empty, _ := account(t, "没有提交")
	_, err = s.LatestSubmission(ctx, empty)
	wantError(t, "LatestSubmission", err, domain.NotFound, "error.verification.not_found")
	if h, err := s.History(ctx, empty); err != nil || len(h) != 0 {
		t.Errorf("History without submissions = %v, %v; want none", h, err)
	}

	// After a rejection the resubmission is the latest.
	_, err = s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		x.State, x.Reason = verification.StateRejected, "blurry"
		return nil, nil
	})
	must(t, err)
	again := newSubmission(sub.CompanyID, sub.AccountID, "上海示例科技有限公司", codeA, base.Add(time.Hour))
	again = submit(t, s, again)
	got, err = s.LatestSubmission(ctx, sub.CompanyID)
	must(t, err)
	sameSubmission(t, got, again)
}

func testOnePending(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "示例", codeA, base)
	dup := newSubmission(sub.CompanyID, sub.AccountID, "示例", codeA, base.Add(time.Second))
	err := s.CreateSubmission(ctx, &dup, entryOf(dup, verification.ActionSubmitted, dup.AccountID, base))
	wantError(t, "second pending submission", err, domain.Conflict, "error.verification.pending_exists")
	h, err := s.History(ctx, sub.CompanyID)
	must(t, err)
	if len(h) != 1 {
		t.Errorf("refused submission left %d history entries, want 1", len(h))
	}
	got, err := s.LatestSubmission(ctx, sub.CompanyID)
	must(t, err)
	sameSubmission(t, got, sub)
}
