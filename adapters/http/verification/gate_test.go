package verification_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
)

// TestBannerAndGateKnowTheState: in review, the banner and the 服务查询 gate
// say when it was submitted and link to the details; rejected, they give
// the reason and 重新提交.
func TestBannerAndGateKnowTheState(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			e.clock.Set(time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC))
			e.customer("li@example.com", "CN", "上海示例科技有限公司")
			e.staff("rev@vendor.example", ident.RoleReviewer)
			cust, rev := e.client(lang), e.client(lang)
			cust.Login("/login", "li@example.com")
			rev.Login("/staff/login", "rev@vendor.example")
			webtest.WantText(t, cust.Get("/warranty"), T("warranty.gate.text"), T("banner.unverified"))

			webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "执照.png", webtest.PNG(300, 200)), http.StatusSeeOther)
			at := map[string]string{i18n.ZH: "2026年12月1日 09:30（UTC+8，Asia/Shanghai）", i18n.EN: "1 Dec 2026, 09:30 (UTC+8, Asia/Shanghai)"}[lang]
			pending := webtest.T(lang, "verification.gate.pending", map[string]any{"At": at})
			r := cust.Get("/warranty")
			webtest.WantText(t, r, `id="verification-banner"`, pending, `href="/account/verification"`)
			webtest.WantNoText(t, r, T("warranty.gate.text"), T("banner.unverified"))
			webtest.WantText(t, cust.Get("/account"), pending)

			m := subLink.FindStringSubmatch(rev.Get("/staff/verifications").Body)
			if m == nil {
				t.Fatal("no submission in the queue")
			}
			rev.claim(m[1])
			r = rev.Post("/staff/verifications/"+m[1]+"/decision", url.Values{"version": {"1"}, "decision": {"reject"}, "reason": {"name_mismatch"}, "note": {"请与执照一致"}})
			webtest.WantStatus(t, r, http.StatusSeeOther)
			r = cust.Get("/warranty")
			webtest.WantText(t, r, T("verification.gate.rejected"), T("reason.name_mismatch"), "请与执照一致",
				`href="/account/verification/new">`+T("verification.action.resubmit"))
			webtest.WantNoText(t, r, pending)
		})
	}
}
