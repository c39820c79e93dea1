package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/verification"
)

// withState stores sub in the given state.
func withState(t *testing.T, s VerificationStores, sub verification.Submission, st verification.State) verification.Submission {
	t.Helper()
	got, err := s.UpdateSubmission(t.Context(), sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		x.State = st
		return nil, nil
	})
	must(t, err)
	return got
}

// listIDs lists the queue for q and returns the ids of the page and the total.
func listIDs(t *testing.T, s VerificationStores, q verification.Query) ([]int64, int) {
	t.Helper()
	items, total, err := s.ListSubmissions(t.Context(), q)
	must(t, err)
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids, total
}

func testListSubmissions(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	shanghai := newPending(t, s, account, "上海示例科技有限公司", codeA, base.Add(3*time.Hour))
	acme := newPending(t, s, account, "Acme Trading Ltd", codeB, base.Add(1*time.Hour))
	beijing := withState(t, s, newPending(t, s, account, "北京示例信息技术有限公司", codeC, base), verification.StateRejected)
	globex := withState(t, s, newPending(t, s, account, "Globex 100% Pure_Water", codeA, base.Add(2*time.Hour)), verification.StateVerified)
	shenzhen := newPending(t, s, account, "深圳某某公司", "91440300MA5FUTYR5X", base.Add(2*time.Hour))

	all := []int64{acme.ID, shenzhen.ID, shanghai.ID, beijing.ID, globex.ID}
	tests := []struct {
		name  string
		q     verification.Query
		want  []int64
		total int
	}{
		{"everything", verification.Query{}, all, 5},
		{"pending", verification.Query{State: verification.StatePending}, all[:3], 3},
		{"rejected", verification.Query{State: verification.StateRejected}, []int64{beijing.ID}, 1},
		{"chinese fragment", verification.Query{Search: "示例"}, []int64{shanghai.ID, beijing.ID}, 2},
		{"latin fragment, other case", verification.Query{Search: "acme TR"}, []int64{acme.ID}, 1},
		{"code, lower case", verification.Query{Search: strings.ToLower(shenzhen.Fields.CreditCode)}, []int64{shenzhen.ID}, 1},
		{"code shared by two", verification.Query{Search: codeA}, []int64{shanghai.ID, globex.ID}, 2},
		{"percent is literal", verification.Query{Search: "%"}, []int64{globex.ID}, 1},
		{"underscore is literal", verification.Query{Search: "_"}, []int64{globex.ID}, 1},
		{"state and search", verification.Query{State: verification.StateVerified, Search: "示例"}, nil, 0},
		{"no match", verification.Query{Search: "nothing like it"}, nil, 0},
		{"first page", verification.Query{Limit: 2}, all[:2], 5},
		{"second page", verification.Query{Offset: 2, Limit: 2}, all[2:4], 5},
		{"last page", verification.Query{Offset: 4, Limit: 2}, all[4:], 5},
		{"past the end", verification.Query{Offset: 10, Limit: 2}, nil, 5},
		{"filtered page", verification.Query{State: verification.StatePending, Offset: 1, Limit: 1}, all[1:2], 3},
	}
	for _, tt := range tests {
		ids, total := listIDs(t, s, tt.q)
		if !slices.Equal(ids, tt.want) || total != tt.total {
			t.Errorf("%s: ids %v total %d, want %v total %d", tt.name, ids, total, tt.want, tt.total)
		}
	}
	items, _, err := s.ListSubmissions(ctx, verification.Query{Search: "Acme"})
	must(t, err)
	if len(items) == 1 {
		sameSubmission(t, items[0].Submission, acme)
	}
}

func testListClaimedBy(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	_, reviewer := account(t, "王审核")
	running := newPending(t, s, account, "甲公司", codeA, base)
	expired := newPending(t, s, account, "乙公司", codeB, base.Add(time.Minute))
	free := newPending(t, s, account, "丙公司", codeC, base.Add(2*time.Minute))
	now := time.Now()
	for id, at := range map[int64]time.Time{running.ID: now, expired.ID: now.Add(-2 * verification.ClaimTTL)} {
		_, err := s.UpdateSubmission(ctx, id, func(x *verification.Submission) ([]verification.Entry, error) {
			return nil, x.Claim(reviewer, at)
		})
		must(t, err)
	}
	items, _, err := s.ListSubmissions(ctx, verification.Query{})
	must(t, err)
	want := map[int64]string{running.ID: "王审核", expired.ID: "", free.ID: ""}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d", len(items), len(want))
	}
	for _, it := range items {
		if it.ClaimedByName != want[it.ID] {
			t.Errorf("submission %d: ClaimedByName = %q, want %q", it.ID, it.ClaimedByName, want[it.ID])
		}
	}
}

func testClaimNext(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	newer := newPending(t, s, account, "新", codeA, base.Add(time.Hour))
	older := newPending(t, s, account, "旧", codeB, base)
	withState(t, s, newPending(t, s, account, "已认证", codeC, base.Add(-time.Hour)), verification.StateVerified)
	now := base.Add(2 * time.Hour)
	for i, want := range []verification.Submission{older, newer} {
		reviewer := int64(100 + i)
		got, err := s.ClaimNext(ctx, reviewer, now)
		must(t, err)
		want.ClaimedBy, want.ClaimedUntil = reviewer, now.Add(verification.ClaimTTL)
		sameSubmission(t, got, want)
		stored, err := s.SubmissionByID(ctx, want.ID)
		must(t, err)
		sameSubmission(t, stored, want)
	}
	// A reviewer asking again gets their own running claim back, renewed.
	again, err := s.ClaimNext(ctx, 100, now.Add(time.Minute))
	must(t, err)
	if again.ID != older.ID || again.ClaimedBy != 100 {
		t.Errorf("ClaimNext for a reviewer holding a claim = submission %d for %d, want %d for 100", again.ID, again.ClaimedBy, older.ID)
	}
	_, err = s.ClaimNext(ctx, 102, now.Add(verification.ClaimTTL-time.Microsecond))
	wantError(t, "ClaimNext with every claim running", err, domain.NotFound, "error.verification.queue_empty")

	// Once the claims run out, the oldest is handed out again.
	later := now.Add(time.Minute).Add(verification.ClaimTTL)
	got, err := s.ClaimNext(ctx, 103, later)
	must(t, err)
	if got.ID != older.ID || got.ClaimedBy != 103 {
		t.Errorf("after expiry ClaimNext = submission %d for %d, want %d for 103", got.ID, got.ClaimedBy, older.ID)
	}
	sameTime(t, "ClaimedUntil", got.ClaimedUntil, later.Add(verification.ClaimTTL))
}

// testClaimNextConcurrent lets more reviewers than there are submissions
// claim at once: each submission goes to exactly one of them.
func testClaimNextConcurrent(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	const subs, reviewers = 3, 8
	for i := range subs {
		newPending(t, s, account, fmt.Sprintf("公司%d", i), codeA, base.Add(time.Duration(i)*time.Second))
	}
	now := base.Add(time.Hour)
	type result struct {
		sub verification.Submission
		err error
	}
	results := make(chan result, reviewers)
	var wg sync.WaitGroup
	for i := range reviewers {
		wg.Go(func() {
			got, err := s.ClaimNext(ctx, int64(500+i), now)
			results <- result{got, err}
		})
	}
	wg.Wait()
	close(results)
	claimed := make(map[int64]int64) // submission → reviewer
	for r := range results {
		if r.err != nil {
			wantError(t, "ClaimNext", r.err, domain.NotFound, "error.verification.queue_empty")
			continue
		}
		if prev, ok := claimed[r.sub.ID]; ok {
			t.Errorf("submission %d handed to reviewers %d and %d", r.sub.ID, prev, r.sub.ClaimedBy)
		}
		claimed[r.sub.ID] = r.sub.ClaimedBy
	}
	if len(claimed) != subs {
		t.Errorf("%d submissions claimed, want %d", len(claimed), subs)
	}
	for id, reviewer := range claimed {
		stored, err := s.SubmissionByID(ctx, id)
		must(t, err)
		if stored.ClaimedBy != reviewer {
			t.Errorf("submission %d: stored claim by %d, want %d", id, stored.ClaimedBy, reviewer)
		}
	}
}

// testCodeHolder: the holder of a code is the verified submission of another
// company, also while that company's newer submission is in review or was
// rejected (its verification stays in force); a pending code holds nothing.
func testCodeHolder(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	verified := withState(t, s, newPending(t, s, account, "甲", codeA, base), verification.StateVerified)
	newPending(t, s, account, "乙", codeB, base) // pending does not count
	// A verified company whose change of code was rejected keeps its code.
	old := withState(t, s, newPending(t, s, account, "丙", codeC, base), verification.StateVerified)
	withState(t, s, submit(t, s, newSubmission(old.CompanyID, old.AccountID, "丙", codeB, base.Add(time.Hour))), verification.StateRejected)
	other, _ := account(t, "丁")
	tests := []struct {
		code    string
		company int64
		want    int64 // the holder's submission id, 0 for none
	}{
		{codeA, other, verified.ID},
		{codeA, verified.CompanyID, 0},
		{codeB, other, 0},
		{codeC, other, old.ID},
		{"91350100M000100Y43", other, 0},
	}
	for _, tt := range tests {
		got, err := s.CodeHolder(ctx, tt.code, tt.company)
		if tt.want == 0 {
			wantError(t, "CodeHolder", err, domain.NotFound, "error.verification.not_found")
			continue
		}
		must(t, err)
		if got.ID != tt.want || got.State != verification.StateVerified || got.Fields.CreditCode != tt.code {
			t.Errorf("CodeHolder(%s, %d) = %+v, want submission %d", tt.code, tt.company, got, tt.want)
		}
	}
}

// testAttachmentRows checks that the licences of committed submissions and
// of their history are named in the attachment index, the one query the
// sweeper asks, and that others are not.
func testAttachmentRows(t *testing.T, s VerificationStores, account NewAccount) {
	ctx := t.Context()
	sub := newPending(t, s, account, "甲", codeA, base)
	first := sub.Licence.Key
	second := verification.Licence{Key: "licences/replacement", ContentType: "image/jpeg", Size: 1}
	_, err := s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		must(t, x.Modify(x.Fields, &second, base))
		return []verification.Entry{entryOf(*x, verification.ActionModified, x.AccountID, base)}, nil
	})
	must(t, err)
	third := verification.Licence{Key: "licences/refused", ContentType: "image/png", Size: 1}
	_, err = s.UpdateSubmission(ctx, sub.ID, func(x *verification.Submission) ([]verification.Entry, error) {
		must(t, x.Modify(x.Fields, &third, base))
		return nil, domain.E(domain.Conflict, "error.verification.claimed")
	})
	wantError(t, "UpdateSubmission", err, domain.Conflict, "error.verification.claimed")
	got, err := s.UnnamedKeys(ctx, []string{first, "licences/orphan", second.Key, third.Key})
	must(t, err)
	slices.Sort(got)
	if want := []string{"licences/orphan", third.Key}; !slices.Equal(got, want) {
		t.Errorf("UnnamedKeys = %v, want %v", got, want)
	}
	if got, err := s.UnnamedKeys(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("UnnamedKeys(nil) = %v, %v", got, err)
	}
	must(t, s.ForgetDeleted(ctx, []string{"licences/orphan"}))
}
