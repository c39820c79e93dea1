package verification_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
)

var subLink = regexp.MustCompile(`/staff/verifications/(\d+)"`)

// TestCustomerSubmitsAndReviewerDecides walks the whole journey in both
// languages: submit, modify, a stale decision, a rejection, a resubmission
// and an approval, with what the customer sees at every step.
func TestCustomerSubmitsAndReviewerDecides(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			e.customer("li@example.com", "CN", "上海示例科技有限公司")
			e.staff("rev@vendor.example", ident.RoleReviewer)
			cust, rev := e.client(lang), e.client(lang)
			cust.Login("/login", "li@example.com")
			rev.Login("/staff/login", "rev@vendor.example")

			// 提交认证: the banner shows elsewhere, the gate explains.
			r := cust.Get("/account/company")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("verification.status"), T("verification.action.submit"), `hx-get="/account/verification/new"`)
			webtest.WantText(t, cust.Get("/warranty"), T("warranty.gate.heading"), T("banner.unverified"))

			// The dialog: a fragment for htmx, a page otherwise, prefilled.
			r = cust.Get("/account/verification/new", "HX-Request", "true", "HX-Target", "verification-dialog")
			webtest.WantStatus(t, r, http.StatusOK)
			if !strings.HasPrefix(strings.TrimSpace(r.Body), "<dialog open") {
				t.Fatalf("fragment is not a dialog:\n%s", r.Body)
			}
			webtest.WantText(t, r, `value="上海示例科技有限公司"`, T("doctype.business_licence"), `accept=".jpg,.jpeg,.png,.pdf`, T("field.credit_code"), `href="/account/company"`)
			webtest.WantText(t, cust.Get("/account/verification/new"), "<html", T("verification.form.title"))

			// Every field error at once, next to its field, 422.
			r = cust.upload(map[string]string{"company_name": "", "doc_type": "nope", "credit_code": "91310110666007217A"}, "", nil)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, `id="v-e-company_name"`, `id="e-doc_type"`, `id="e-credit_code"`, `id="e-licence"`, T("error.credit_code.check"), T("error.licence.required"))
			r = cust.upload(map[string]string{"company_name": "上海示例科技有限公司", "doc_type": "business_licence", "credit_code": "91310110666007217T"},
				"x.png", []byte("<html><script>alert(1)</script></html>"), "HX-Request", "true")
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.licence.type"))
			if !strings.HasPrefix(strings.TrimSpace(r.Body), "<form") {
				t.Errorf("htmx gets the form alone:\n%s", r.Body)
			}

			r = cust.upload(map[string]string{"company_name": "上海示例科技有限公司", "doc_type": "business_licence", "credit_code": "9131 0110 6660 0721 7t"}, "营业执照.png", webtest.PNG(300, 200))
			webtest.WantStatus(t, r, http.StatusSeeOther)
			if r.Header.Get("Location") != "/account/company" {
				t.Fatalf("Location = %q", r.Header.Get("Location"))
			}
			r = cust.Get("/account/company")
			webtest.WantText(t, r, T("flash.verification_submitted"), T("verification.state.pending"), T("verification.action.modify"))

			// Details and the licence, which only this company may fetch.
			r = cust.Get("/account/verification")
			webtest.WantText(t, r, "91310110666007217T", T("doctype.business_licence"), T("verification.history.submitted"))
			m := regexp.MustCompile(`/account/verification/licence/(\d+)`).FindStringSubmatch(r.Body)
			if m == nil {
				t.Fatalf("no licence link:\n%s", r.Body)
			}
			lic := cust.Get(m[0])
			webtest.WantStatus(t, lic, http.StatusOK)
			for h, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"} {
				if got := lic.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if cd := lic.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") {
				t.Errorf("Content-Disposition = %q", cd)
			}
			e.customer("other@example.com", "CN", "别家公司")
			other := e.client(lang)
			other.Login("/login", "other@example.com")
			webtest.WantStatus(t, other.Get(m[0]), http.StatusNotFound)

			// The reviewer opens it, claims it (version 1), the customer modifies it.
			r = rev.Get("/staff/verifications")
			webtest.WantText(t, r, "上海示例科技有限公司", "91310110666007217T", T("verification.state.pending"))
			id := subLink.FindStringSubmatch(r.Body)[1]
			r = rev.Get("/staff/verifications/" + id)
			webtest.WantText(t, r, T("verification.review.claim"), `action="/staff/verifications/`+id+`/claim"`, `src="/staff/verifications/`+id+`/licence"`)
			webtest.WantNoText(t, r, `name="decision" value="approve"`)
			rev.claim(id)
			r = rev.Get("/staff/verifications/" + id)
			webtest.WantText(t, r, `name="version" value="1"`, T("verification.review.approve"), T("flash.verification_claimed"))
			webtest.WantNoText(t, r, `action="/staff/verifications/`+id+`/claim"`)
			r = cust.Get("/account/verification/new")
			webtest.WantText(t, r, T("verification.form.modify_hint"), `value="91310110666007217T"`)
			r = cust.upload(map[string]string{"company_name": "上海示例科技股份有限公司", "doc_type": "business_licence", "credit_code": "91310110666007217T"}, "", nil)
			webtest.WantStatus(t, r, http.StatusSeeOther)

			// Deciding version 1 is a conflict that shows version 2 and its changes.
			r = rev.Post("/staff/verifications/"+id+"/decision", url.Values{"version": {"1"}, "decision": {"approve"}})
			webtest.WantStatus(t, r, http.StatusConflict)
			webtest.WantText(t, r, T("error.verification.stale"), `name="version" value="2"`, "上海示例科技股份有限公司", T("verification.review.changes"))

			// Rejecting needs a reason; "other" needs a note.
			r = rev.Post("/staff/verifications/"+id+"/decision", url.Values{"version": {"2"}, "decision": {"reject"}, "reason": {"other"}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.reason.note_required"), `value="other" selected`)
			r = rev.Post("/staff/verifications/"+id+"/decision", url.Values{"version": {"2"}, "decision": {"reject"}, "reason": {"name_mismatch"}, "note": {"请与执照一致"}})
			webtest.WantStatus(t, r, http.StatusSeeOther)

			r = cust.Get("/account/company")
			webtest.WantText(t, r, T("verification.state.rejected"), T("verification.action.resubmit"), T("reason.name_mismatch"), "请与执照一致")
			if n, ok := e.notice("li@example.com"); !ok || n.Template != "verification_rejected" || n.Data["ReasonKey"] != "reason.name_mismatch" || n.RequestID == "" {
				t.Errorf("rejection mail = %+v", n)
			}

			// Resubmit (a new licence is required) and approve.
			r = cust.upload(map[string]string{"company_name": "上海示例科技有限公司", "doc_type": "business_licence", "credit_code": "91310110666007217T"}, "", nil)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.licence.required"))
			r = cust.upload(map[string]string{"company_name": "上海示例科技有限公司", "doc_type": "business_licence", "credit_code": "91310110666007217T"}, "new.png", webtest.PNG(400, 300))
			webtest.WantStatus(t, r, http.StatusSeeOther)
			r = rev.Post("/staff/verifications/next", url.Values{})
			webtest.WantStatus(t, r, http.StatusSeeOther)
			next := r.Header.Get("Location")
			r = rev.Get(next)
			webtest.WantText(t, r, T("verification.review.licence_replaced"))
			v := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(r.Body)[1]
			r = rev.Post(next+"/decision", url.Values{"version": {v}, "decision": {"approve"}})
			webtest.WantStatus(t, r, http.StatusSeeOther)
			webtest.WantText(t, rev.Get("/staff/verifications"), T("flash.verification_approved"))

			// Verified: no banner, the name is locked, the gate lets them through.
			r = cust.Get("/account/company")
			webtest.WantText(t, r, T("verification.state.verified"), T("field.company_name.locked"),
				`class="field field-locked"`, `aria-label="`+T("field.locked")+`"`, `<span class="mono" id="v-credit_code">91310110666007217T</span>`)
			webtest.WantNoText(t, r, `id="f-company_name"`)
			webtest.WantNoText(t, r, T("verification.action.submit"), T("verification.action.resubmit"))
			webtest.WantNoText(t, cust.Get("/account"), T("banner.unverified"))
			r = cust.Get("/warranty")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("warranty.search.submit"), T("warranty.empty.none"))
			webtest.WantNoText(t, r, T("warranty.gate.heading"))
			r = cust.Post("/account/company", url.Values{"company_name": {"改名公司"}, "industry": {"it"}, "size": {"21-100"}, "address": {"上海市浦东新区世纪大道 1 号"}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.company_name.locked"), `value="上海示例科技有限公司"`)
			// A verified company may start a new verification (name or code change).
			webtest.WantText(t, cust.Get("/account/company"), T("verification.action.change"))
			r = cust.Get("/account/verification/new")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("verification.form.reverify_hint"), `value="91310110666007217T"`)
		})
	}
}

// TestQueuePage checks the filter, the search, the htmx fragment, the empty
// state and who may see the queue.
func TestQueuePage(t *testing.T) {
	e := newEnv(t)
	lang := i18n.EN
	T := func(id string) string { return webtest.T(lang, id, nil) }
	e.customer("a@example.com", "CN", "Alpha 科技有限公司")
	e.customer("b@example.com", "HK", "Beta Trading Limited")
	e.staff("rev@vendor.example", ident.RoleReviewer)
	e.staff("agent@vendor.example", ident.RoleAgent)
	a, b := e.client(lang), e.client(lang)
	a.Login("/login", "a@example.com")
	b.Login("/login", "b@example.com")
	webtest.WantStatus(t, a.upload(map[string]string{"company_name": "Alpha 科技有限公司", "doc_type": "business_licence", "credit_code": "91310110666007217T"}, "a.png", webtest.PNG(200, 200)), http.StatusSeeOther)
	r := b.Get("/account/verification/new")
	webtest.WantText(t, r, T("field.registration_number"))
	webtest.WantStatus(t, b.upload(map[string]string{"company_name": "Beta Trading Limited", "doc_type": "other", "credit_code": "HK-12345678"}, "b.pdf", pdfFile), http.StatusSeeOther)

	rev := e.client(lang)
	rev.Login("/staff/login", "rev@vendor.example")
	r = rev.Get("/staff/verifications")
	webtest.WantText(t, r, "Alpha 科技有限公司", "Beta Trading Limited", webtest.T(lang, "pager.range", map[string]any{"From": 1, "To": 2, "Count": 2}), webtest.T(lang, "duration.minutes", map[string]any{"Count": 1}))
	r = rev.Get("/staff/verifications?q=HK-12345678", "HX-Request", "true", "HX-Target", "results")
	webtest.WantText(t, r, "Beta Trading Limited")
	webtest.WantNoText(t, r, "Alpha", "<html")
	r = rev.Get("/staff/verifications?state=verified")
	webtest.WantText(t, r, T("verification.queue.empty_filtered"))

	id := subLink.FindStringSubmatch(rev.Get("/staff/verifications?q=Beta").Body)[1]
	r = rev.Get("/staff/verifications/" + id)
	webtest.WantText(t, r, T("field.registration_number"), `<iframe class="licence-pdf" src="/staff/verifications/`+id+`/licence"`)
	rev.claim(id)
	lic := rev.Get("/staff/verifications/" + id + "/licence")
	if lic.Header.Get("Content-Type") != "application/pdf" || lic.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("staff PDF headers: %v", lic.Header)
	}
	pdf := b.Get("/account/verification/licence/" + id)
	if cd := pdf.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("customer PDF Content-Disposition = %q", cd)
	}

	// Another reviewer sees it read-only while the claim runs.
	e.staff("admin@vendor.example", ident.RoleAdmin)
	adm := e.client(lang)
	adm.Login("/staff/login", "admin@vendor.example")
	r = adm.Get("/staff/verifications/" + id)
	webtest.WantText(t, r, T("verification.review.claimed_by_other"))
	webtest.WantNoText(t, r, T("verification.review.approve"))
	webtest.WantText(t, adm.Get("/staff/verifications?q=Beta"), "审核员 韩")

	agent := e.client(lang)
	agent.Login("/staff/login", "agent@vendor.example")
	webtest.WantStatus(t, agent.Get("/staff/verifications"), http.StatusForbidden)
	webtest.WantStatus(t, a.Get("/staff/verifications"), http.StatusNotFound)
	webtest.WantStatus(t, rev.Get("/account/verification"), http.StatusForbidden)
	webtest.WantStatus(t, rev.Get("/staff/verifications/"+strconv.Itoa(999)), http.StatusNotFound)
}
