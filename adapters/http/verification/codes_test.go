package verification_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
)

// approveAs claims and approves the company's latest submission through the
// pages, as the reviewer client.
func (e *env) approveAs(rev *client, a ident.Account) verif.Submission {
	e.t.Helper()
	sub, _ := e.latest(a)
	id := strconv.FormatInt(sub.ID, 10)
	rev.claim(id)
	webtest.WantStatus(e.t, rev.Post("/staff/verifications/"+id+"/decision",
		url.Values{"version": {strconv.Itoa(sub.Version)}, "decision": {"approve"}}), http.StatusSeeOther)
	sub, _ = e.latest(a)
	if sub.State != verif.StateVerified {
		e.t.Fatalf("approval left %s", sub.State)
	}
	return sub
}

// TestClaimIsAPost: opening a pending submission (also as a link prefetcher
// would, and the queue) leaves it unclaimed; only the 【领取】 POST with its
// CSRF token claims it.
func TestClaimIsAPost(t *testing.T) {
	lang := i18n.ZH
	e := newEnv(t)
	T := func(id string) string { return webtest.T(lang, id, nil) }
	a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
	rev := e.staff("rev@vendor.example", ident.RoleReviewer)
	cust, rc := e.client(lang), e.client(lang)
	cust.Login("/login", "li@example.com")
	rc.Login("/staff/login", "rev@vendor.example")
	webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
	sub, _ := e.latest(a)
	id := strconv.FormatInt(sub.ID, 10)

	for range 3 {
		r := rc.Get("/staff/verifications/"+id, "Sec-Purpose", "prefetch", "Purpose", "prefetch")
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, T("verification.review.claim"))
		webtest.WantNoText(t, r, `name="decision"`)
	}
	rc.Get("/staff/verifications")
	if got, _ := e.latest(a); got.ClaimedBy != 0 {
		t.Fatalf("GET claimed the submission for %d", got.ClaimedBy)
	}
	webtest.WantStatus(t, rc.Get("/staff/verifications/"+id+"/claim"), http.StatusNotFound)
	r := rc.Send(webtest.FormRequest(http.MethodPost, "/staff/verifications/"+id+"/claim", url.Values{}))
	if r.Status != http.StatusForbidden {
		t.Errorf("claim without the CSRF token: %d, want 403", r.Status)
	}
	if got, _ := e.latest(a); got.ClaimedBy != 0 {
		t.Fatalf("a refused request claimed the submission for %d", got.ClaimedBy)
	}
	rc.claim(id)
	got, _ := e.latest(a)
	if got.ClaimedBy != rev.ID || !got.ClaimedUntil.After(e.clock.Now()) {
		t.Fatalf("after the POST: claimed by %d until %v", got.ClaimedBy, got.ClaimedUntil)
	}
	webtest.WantText(t, rc.Get("/staff/verifications/"+id), `name="decision" value="approve"`)
}

// TestCodeTakenForAnotherCompany: company B's pending submission carries the
// code that A gets verified: the reviewer's approval of B is refused with a
// 409 naming A with a link, the rejection reason is preselected, and B is
// shown and emailed why; a new submission of that code is refused next to
// the field, naming A.
func TestCodeTakenForAnotherCompany(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			acctA := e.customer("a@example.com", "CN", "甲方科技有限公司")
			acctB := e.customer("b@example.com", "CN", "乙方科技有限公司")
			e.staff("rev@vendor.example", ident.RoleReviewer)
			a, b, rev := e.client(lang), e.client(lang), e.client(lang)
			a.Login("/login", "a@example.com")
			b.Login("/login", "b@example.com")
			rev.Login("/staff/login", "rev@vendor.example")
			webtest.WantStatus(t, b.upload(validFields("乙方科技有限公司"), "b.png", webtest.PNG(300, 300)), http.StatusSeeOther)
			webtest.WantStatus(t, a.upload(validFields("甲方科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
			subA := e.approveAs(rev, acctA)

			subB, _ := e.latest(acctB)
			idB := strconv.FormatInt(subB.ID, 10)
			r := rev.Get("/staff/verifications/" + idB)
			holder := map[string]any{"Code": "91310110666007217T", "Company": "甲方科技有限公司", "CompanyID": acctA.CompanyID}
			webtest.WantText(t, r, webtest.T(lang, "verification.review.code_held_by", holder), `href="/staff/verifications/`+strconv.FormatInt(subA.ID, 10)+`"`)
			rev.claim(idB)
			r = rev.Post("/staff/verifications/"+idB+"/decision", url.Values{"version": {"1"}, "decision": {"approve"}})
			webtest.WantStatus(t, r, http.StatusConflict)
			webtest.WantText(t, r, webtest.T(lang, "error.verification.code_taken_by", holder), `value="code_taken" selected`)
			if got, _ := e.latest(acctB); got.State != verif.StatePending {
				t.Fatalf("refused approval stored %s", got.State)
			}
			webtest.WantText(t, b.Get("/warranty"), T("warranty.gate.heading"))

			r = rev.Post("/staff/verifications/"+idB+"/decision", url.Values{"version": {"1"}, "decision": {"reject"}, "reason": {"code_taken"}})
			webtest.WantStatus(t, r, http.StatusSeeOther)
			webtest.WantText(t, b.Get("/account/company"), T("verification.state.rejected"), webtest.T(lang, "reason.code_taken", nil))
			if n, _ := e.notice("b@example.com"); n.Template != "verification_rejected" || n.Data["ReasonKey"] != "reason.code_taken" {
				t.Errorf("B's mail: %+v", n)
			}

			// Resubmitting the code: refused next to the field, naming A.
			r = b.upload(validFields("乙方科技有限公司"), "b.png", webtest.PNG(300, 300))
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, `id="e-credit_code"`, webtest.T(lang, "error.verification.code_taken_customer", map[string]any{"Company": "甲方科技有限公司"}))
			if got, _ := e.latest(acctB); got.ID != subB.ID {
				t.Errorf("a refused submit stored submission %d", got.ID)
			}
		})
	}
}

// TestRevokeByAdmin: only an admin sees and may use 撤销认证; it needs a
// reason and the confirmation, closes 服务查询 again, shows and emails the
// reason, and frees the code for another company.
func TestRevokeByAdmin(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			acctA := e.customer("a@example.com", "CN", "甲方科技有限公司")
			e.customer("b@example.com", "CN", "乙方科技有限公司")
			e.staff("rev@vendor.example", ident.RoleReviewer)
			admin := e.staff("admin@vendor.example", ident.RoleAdmin)
			a, b, rev, adm := e.client(lang), e.client(lang), e.client(lang), e.client(lang)
			a.Login("/login", "a@example.com")
			b.Login("/login", "b@example.com")
			rev.Login("/staff/login", "rev@vendor.example")
			adm.Login("/staff/login", "admin@vendor.example")
			webtest.WantStatus(t, a.upload(validFields("甲方科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
			sub := e.approveAs(rev, acctA)
			id := strconv.FormatInt(sub.ID, 10)
			webtest.WantNoText(t, a.Get("/warranty"), T("warranty.gate.heading"))

			webtest.WantNoText(t, rev.Get("/staff/verifications/"+id), `action="/staff/verifications/`+id+`/revoke"`)
			webtest.WantStatus(t, rev.Post("/staff/verifications/"+id+"/revoke", url.Values{"revoke_reason": {"x"}, "confirm": {"yes"}}), http.StatusForbidden)
			r := adm.Get("/staff/verifications/" + id)
			webtest.WantText(t, r, `action="/staff/verifications/`+id+`/revoke"`, T("verification.review.revoke"), T("verification.review.revoke_confirm"))

			r = adm.Post("/staff/verifications/"+id+"/revoke", url.Values{"revoke_reason": {"营业执照系伪造"}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.revoke.confirm_required"), "营业执照系伪造")
			r = adm.Post("/staff/verifications/"+id+"/revoke", url.Values{"revoke_reason": {"  "}, "confirm": {"yes"}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.revoke.reason_required"))
			if got, _ := e.latest(acctA); got.State != verif.StateVerified {
				t.Fatalf("a refused revocation stored %s", got.State)
			}

			r = adm.Post("/staff/verifications/"+id+"/revoke", url.Values{"revoke_reason": {"营业执照系伪造"}, "confirm": {"yes"}})
			webtest.WantStatus(t, r, http.StatusSeeOther)
			r = adm.Get("/staff/verifications/" + id)
			webtest.WantText(t, r, T("flash.verification_revoked"), T("verification.state.revoked"), T("verification.history.revoked"), "营业执照系伪造")
			webtest.WantNoText(t, r, `action="/staff/verifications/`+id+`/revoke"`)
			got, _ := e.latest(acctA)
			if got.State != verif.StateRevoked {
				t.Fatalf("state after revocation: %s", got.State)
			}
			ev := e.events()
			if last := ev[len(ev)-1]; last.Type != "verification_revoked" || last.ActorID != admin.ID {
				t.Errorf("audit: %+v", last)
			}
			webtest.WantText(t, a.Get("/warranty"), T("warranty.gate.heading"))
			r = a.Get("/account/company")
			webtest.WantText(t, r, T("verification.state.revoked"), "营业执照系伪造", T("verification.action.resubmit"))
			if n, _ := e.notice("a@example.com"); n.Template != "verification_revoked" || n.Lang != acctA.Lang || n.Data["Reason"] != "营业执照系伪造" {
				t.Errorf("revocation mail: %+v", n)
			}
			// The code is free again.
			webtest.WantStatus(t, b.upload(validFields("乙方科技有限公司"), "b.png", webtest.PNG(300, 300)), http.StatusSeeOther)
		})
	}
}

// TestReverify: a verified company changes its name and code; while the new
// submission is in review the page shows both, and 服务查询 keeps using the
// old code; the approval switches to the new one.
func TestReverify(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			acct := e.customer("a@example.com", "CN", "甲方科技有限公司")
			e.staff("rev@vendor.example", ident.RoleReviewer)
			a, rev := e.client(lang), e.client(lang)
			a.Login("/login", "a@example.com")
			rev.Login("/staff/login", "rev@vendor.example")
			webtest.WantStatus(t, a.upload(validFields("甲方科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
			old := e.approveAs(rev, acct)

			webtest.WantText(t, a.Get("/account/company"), T("verification.action.change"))
			newCode := codeOf(42)
			webtest.WantStatus(t, a.upload(fieldsWith("甲方集团有限公司", newCode), "n.png", webtest.PNG(320, 300)), http.StatusSeeOther)
			r := a.Get("/account/company")
			current := webtest.T(lang, "verification.status.current", map[string]any{"Company": "甲方科技有限公司", "Code": "91310110666007217T"})
			webtest.WantText(t, r, T("verification.state.verified"), T("verification.state.change_pending"), T("verification.status.change_pending"), current)
			webtest.WantNoText(t, a.Get("/warranty"), T("warranty.gate.heading"))
			if code, err := e.vsvc.VerifiedCreditCode(context.Background(), acct.CompanyID); err != nil || code != old.Fields.CreditCode {
				t.Fatalf("gate during the review: %q %v", code, err)
			}
			sub, _ := e.latest(acct)
			r = rev.Get("/staff/verifications/" + strconv.FormatInt(sub.ID, 10))
			webtest.WantText(t, r, webtest.T(lang, "verification.review.current", map[string]any{"Company": "甲方科技有限公司", "Code": "91310110666007217T"}))

			e.approveAs(rev, acct)
			if code, err := e.vsvc.VerifiedCreditCode(context.Background(), acct.CompanyID); err != nil || code != newCode {
				t.Fatalf("gate after the approval: %q %v", code, err)
			}
			r = a.Get("/account/company")
			webtest.WantText(t, r, webtest.T(lang, "verification.status.current", map[string]any{"Company": "甲方集团有限公司", "Code": newCode}))
			webtest.WantNoText(t, r, T("verification.state.change_pending"))
		})
	}
}
