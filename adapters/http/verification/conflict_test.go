package verification_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
)

// TestConflictStaleDecision: the reviewer opens version 1, the customer modifies it,
// and a decision on version 1 (approve or reject) is a 409 that shows
// version 2 and changes nothing; the decision on version 2 goes through.
func TestConflictStaleDecision(t *testing.T) {
	for _, lang := range i18n.Langs {
		for _, decision := range []url.Values{
			{"decision": {"approve"}},
			{"decision": {"reject"}, "reason": {"name_mismatch"}, "note": {"名称不一致"}},
		} {
			t.Run(lang+"/"+decision.Get("decision"), func(t *testing.T) {
				e := newEnv(t)
				T := func(id string) string { return webtest.T(lang, id, nil) }
				a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
				e.staff("rev@vendor.example", ident.RoleReviewer)
				cust, rev := e.client(lang), e.client(lang)
				cust.Login("/login", "li@example.com")
				rev.Login("/staff/login", "rev@vendor.example")
				webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
				sub, _ := e.latest(a)
				id := strconv.FormatInt(sub.ID, 10)

				r := rev.Get("/staff/verifications/" + id)
				webtest.WantNoText(t, r, `name="decision" value="approve"`) // opening claims nothing
				rev.claim(id)
				r = rev.Get("/staff/verifications/" + id)
				webtest.WantText(t, r, `name="version" value="1"`, `name="decision" value="approve"`, T("verification.review.approve"))
				webtest.WantStatus(t, cust.upload(validFields("上海示例科技股份有限公司"), "", nil), http.StatusSeeOther)

				post := func(version string) *webtest.Response {
					form := url.Values{"version": {version}}
					for k, v := range decision {
						form[k] = v
					}
					return rev.Post("/staff/verifications/"+id+"/decision", form)
				}
				r = post("1")
				webtest.WantStatus(t, r, http.StatusConflict)
				webtest.WantText(t, r, T("error.verification.stale"), `name="version" value="2"`,
					webtest.T(lang, "verification.review.deciding_version", map[string]any{"N": "2"}),
					"<del>上海示例科技有限公司</del>", "<ins>上海示例科技股份有限公司</ins>")
				webtest.WantNoText(t, r, `name="version" value="1"`)
				after, _ := e.latest(a)
				if after.State != verif.StatePending || after.Version != 2 || after.DecidedBy != 0 {
					t.Fatalf("a stale decision changed the submission: %+v", after)
				}
				if n := len(e.events()); n != 0 {
					t.Errorf("a stale decision was audited: %d events", n)
				}

				r = post("2")
				webtest.WantStatus(t, r, http.StatusSeeOther)
				want := map[string]verif.State{"approve": verif.StateVerified, "reject": verif.StateRejected}[decision.Get("decision")]
				if after, _ = e.latest(a); after.State != want || after.Version != 2 {
					t.Fatalf("after deciding version 2: %+v", after)
				}
				// Deciding again is a conflict too: it was decided.
				r = post("2")
				webtest.WantStatus(t, r, http.StatusConflict)
				webtest.WantText(t, r, T("error.verification.not_pending"))
				webtest.WantNoText(t, r, `name="decision"`)
			})
		}
	}
}

// TestConflictTwoReviewersClaimAtOnce has two reviewers press 【领取】 on the
// same pending submission at the same moment, many times: exactly one holds
// the claim and may decide; the other is refused the claim, sees the page
// read-only and is refused a decision.
func TestConflictTwoReviewersClaimAtOnce(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			e.staff("r1@vendor.example", ident.RoleReviewer)
			e.staff("r2@vendor.example", ident.RoleAdmin)
			revs := []*client{e.client(lang), e.client(lang)}
			revs[0].Login("/staff/login", "r1@vendor.example")
			revs[1].Login("/staff/login", "r2@vendor.example")
			wins := [2]int{}
			for round := range 20 {
				email := fmt.Sprintf("c%d@example.com", round)
				a := e.customer(email, "CN", fmt.Sprintf("公司%d", round))
				cust := e.client(lang)
				cust.Login("/login", email)
				webtest.WantStatus(t, cust.upload(validFields(fmt.Sprintf("公司%d", round)), "a.png", webtest.PNG(200, 200)), http.StatusSeeOther)
				sub, _ := e.latest(a)
				id := strconv.FormatInt(sub.ID, 10)

				claims := make([]*webtest.Response, 2)
				errs := make([]error, 2)
				var start, done sync.WaitGroup
				start.Add(1)
				for i, rev := range revs {
					done.Add(1)
					go func() {
						defer done.Done()
						start.Wait()
						claims[i], errs[i] = rev.Do(webtest.FormRequest(http.MethodPost, "/staff/verifications/"+id+"/claim",
							url.Values{"_csrf": {rev.Token}}))
					}()
				}
				start.Done()
				done.Wait()
				for i, err := range errs {
					if err != nil || (claims[i].Status != http.StatusSeeOther && claims[i].Status != http.StatusConflict) {
						t.Fatalf("round %d: reviewer %d: %v %+v", round, i, err, claims[i])
					}
				}
				if (claims[0].Status == http.StatusSeeOther) == (claims[1].Status == http.StatusSeeOther) {
					t.Fatalf("round %d: claims answered %d and %d, want one 303 and one 409", round, claims[0].Status, claims[1].Status)
				}
				for _, r := range claims {
					if r.Status == http.StatusConflict {
						webtest.WantText(t, r, T("error.verification.claimed"))
					}
				}
				pages := []*webtest.Response{revs[0].Get("/staff/verifications/" + id), revs[1].Get("/staff/verifications/" + id)}
				canDecide := func(r *webtest.Response) bool { return strings.Contains(r.Body, `name="decision" value="approve"`) }
				claimed := func(r *webtest.Response) bool {
					return strings.Contains(r.Body, T("verification.review.claimed_by_other"))
				}
				if canDecide(pages[0]) == canDecide(pages[1]) {
					t.Fatalf("round %d: decision form shown to both or neither (%v, %v)", round, canDecide(pages[0]), canDecide(pages[1]))
				}
				winner := 0
				if canDecide(pages[1]) {
					winner = 1
				}
				loser := 1 - winner
				wins[winner]++
				if claimed(pages[winner]) || !claimed(pages[loser]) {
					t.Fatalf("round %d: the claimed notice is on the wrong page", round)
				}
				if sub, _ = e.latest(a); sub.ClaimedBy == 0 {
					t.Fatalf("round %d: nobody holds the claim", round)
				}

				// The loser's decision is refused, even with the right version.
				r := revs[loser].Post("/staff/verifications/"+id+"/decision", url.Values{"version": {"1"}, "decision": {"approve"}})
				webtest.WantStatus(t, r, http.StatusConflict)
				webtest.WantText(t, r, T("error.verification.claim_lost"), T("verification.review.claimed_by_other"))
				if sub, _ = e.latest(a); sub.State != verif.StatePending {
					t.Fatalf("round %d: the loser decided: %+v", round, sub)
				}
				r = revs[winner].Post("/staff/verifications/"+id+"/decision", url.Values{"version": {"1"}, "decision": {"reject"}, "reason": {"expired"}})
				webtest.WantStatus(t, r, http.StatusSeeOther)
			}
			t.Logf("claims won: %v", wins)
		})
	}
}

// TestConflictTwoReviewersTakeNext has two reviewers press 下一个 at the same moment:
// with two waiting submissions each gets a different one; with one, one gets
// it and the other is told the queue is empty.
func TestConflictTwoReviewersTakeNext(t *testing.T) {
	lang := i18n.ZH
	e := newEnv(t)
	e.staff("r1@vendor.example", ident.RoleReviewer)
	e.staff("r2@vendor.example", ident.RoleReviewer)
	revs := []*client{e.client(lang), e.client(lang)}
	revs[0].Login("/staff/login", "r1@vendor.example")
	revs[1].Login("/staff/login", "r2@vendor.example")
	submit := func(n int) {
		email := fmt.Sprintf("n%d@example.com", n)
		e.customer(email, "CN", fmt.Sprintf("下一个公司%d", n))
		c := e.client(lang)
		c.Login("/login", email)
		// Each company its own code: one code is verified for one company only.
		webtest.WantStatus(t, c.upload(fieldsWith(fmt.Sprintf("下一个公司%d", n), codeOf(n)), "a.png", webtest.PNG(200, 200)), http.StatusSeeOther)
	}
	next := func() [2]string {
		var locs [2]string
		var wg sync.WaitGroup
		for i, rev := range revs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPost, "/staff/verifications/next", strings.NewReader(url.Values{"_csrf": {rev.Token}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if r, err := rev.Do(req); err == nil && r.Status == http.StatusSeeOther {
					locs[i] = r.Header.Get("Location")
				}
			}()
		}
		wg.Wait()
		return locs
	}
	submit(1)
	submit(2)
	got := next()
	if got[0] == "" || got[1] == "" || got[0] == got[1] || got[0] == "/staff/verifications" || got[1] == "/staff/verifications" {
		t.Fatalf("two reviewers, two submissions: %q", got)
	}
	// Pressing again keeps each on their own claim.
	if again := next(); again != got {
		t.Errorf("second press: %q, first %q", again, got)
	}
	for i, loc := range got {
		webtest.WantStatus(t, revs[i].Post(loc+"/decision", url.Values{"version": {"1"}, "decision": {"approve"}}), http.StatusSeeOther)
	}

	submit(3)
	got = next()
	empty, claimed := 0, 0
	for i, loc := range got {
		switch loc {
		case "/staff/verifications":
			empty++
			webtest.WantText(t, revs[i].Get(loc), webtest.T(lang, "flash.verification_queue_empty", nil))
		case "":
			t.Fatalf("reviewer %d got no redirect", i)
		default:
			claimed++
		}
	}
	if empty != 1 || claimed != 1 {
		t.Fatalf("one submission, two reviewers: %q", got)
	}
}
