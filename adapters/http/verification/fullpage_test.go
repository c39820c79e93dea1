package verification_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
)

// The 企业证件认证 form as a whole page (no JavaScript): the fields' messages
// and the form's own message are all in the error summary at the top, each
// field's linked to its field, and the title says there is an error.
func TestFullPageFormErrorsInTheSummary(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
			rev := e.staff("rev@vendor.example", ident.RoleReviewer)
			b := e.client(lang)
			b.Login("/login", "li@example.com")
			webtest.WantStatus(t, b.Get("/account/verification/new"), http.StatusOK)

			// Field messages.
			r := b.upload(map[string]string{"company_name": "", "doc_type": "business_licence", "credit_code": "123"}, "", nil)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			summary := section(t, r.Body, `<div class="error-summary"`, `</div>`)
			for _, want := range []string{T("error.summary.title"), `href="#v-f-company_name"`, `href="#f-credit_code"`, `href="#f-licence"`} {
				if !strings.Contains(summary, want) {
					t.Errorf("summary lacks %q:\n%s", want, summary)
				}
			}
			webtest.WantText(t, r, "<title>"+T("error.title_prefix")+T("verification.form.title"), `id="v-f-company_name"`)

			// The form's own message: the submission was decided while the
			// customer had it open as pending.
			webtest.WantStatus(t, b.upload(validFields("上海示例科技有限公司"), "a.png", webtest.PNG(300, 300)), http.StatusSeeOther)
			sub, _ := e.latest(a)
			ctx := context.Background()
			if _, err := e.vsvc.Claim(ctx, rev.ID, sub.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.vsvc.Decide(ctx, rev.ID, sub.ID, sub.Version, false, "name_mismatch", ""); err != nil {
				t.Fatal(err)
			}
			e.staleRead = true
			r = b.upload(validFields("上海示例科技股份有限公司"), "", nil)
			webtest.WantStatus(t, r, http.StatusConflict)
			summary = section(t, r.Body, `<div class="error-summary"`, `</div>`)
			if !strings.Contains(summary, T("error.verification.not_pending")) {
				t.Errorf("summary lacks the form's message:\n%s", summary)
			}
			webtest.WantText(t, r, "<title>"+T("error.title_prefix"))
			webtest.WantNoText(t, r, `class="form-error"`) // once, in the summary
		})
	}
}

// section returns s from the first start to the end that follows it.
func section(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", start, s)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return s[i : i+j]
}

// Without JavaScript, switching the language on the whole-page form keeps
// what was typed and stores nothing; the note says the file is not kept.
func TestFullPageFormLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
	b := e.client(i18n.ZH)
	b.Login("/login", "li@example.com")
	r := b.Get("/account/verification/new")
	webtest.WantText(t, r, webtest.T(i18n.ZH, "lang.switch.note.file", nil))
	r = b.SwitchLanguage(r, i18n.EN, url.Values{"company_name": {"上海示例科技股份有限公司"}, "doc_type": {"business_licence"}, "credit_code": {"91310110666007217T"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, `<html lang="en">`, webtest.T(i18n.EN, "verification.form.title", nil), webtest.T(i18n.EN, "lang.switch.note.file", nil),
		`value="上海示例科技股份有限公司"`, `value="91310110666007217T"`, `value="business_licence" selected`)
	webtest.WantNoText(t, r, webtest.T(i18n.EN, "error.licence.required", nil))
	if _, ok := e.latest(a); ok {
		t.Fatal("the switch stored a submission")
	}
	if n := len(e.events()); n != 0 {
		t.Fatalf("the switch audited %d events", n)
	}
}

// A reviewer's rejection note survives a language switch without
// JavaScript, and the switch decides nothing.
func TestReviewLanguageSwitchKeepsTheNote(t *testing.T) {
	e := newEnv(t)
	a := e.customer("li@example.com", "CN", "上海示例科技有限公司")
	e.staff("rev@vendor.example", ident.RoleReviewer)
	cust, rev := e.client(i18n.ZH), e.client(i18n.ZH)
	cust.Login("/login", "li@example.com")
	rev.Login("/staff/login", "rev@vendor.example")
	webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "执照.png", webtest.PNG(300, 200)), http.StatusSeeOther)
	m := subLink.FindStringSubmatch(rev.Get("/staff/verifications").Body)
	if m == nil {
		t.Fatal("no submission in the queue")
	}
	rev.claim(m[1])
	r := rev.Get("/staff/verifications/" + m[1])
	r = rev.SwitchLanguage(r, i18n.EN, url.Values{"version": {"1"}, "decision": {"reject"}, "reason": {"name_mismatch"}, "note": {"请与执照一致"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, `<html lang="en">`, webtest.T(i18n.EN, "verification.review.title", nil), "请与执照一致", `value="name_mismatch" selected`)
	if s, ok := e.latest(a); !ok || s.State != verif.StatePending {
		t.Fatalf("after the switch: %+v %v, want it still pending", s, ok)
	}
}
