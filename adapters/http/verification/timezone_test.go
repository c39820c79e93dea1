package verification_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
)

// TestTimesInTheViewersZone: a customer in Asia/Shanghai and a reviewer in
// Europe/Berlin see the same submission time each in their own zone, named;
// changing the zone in 账户信息 changes what the pages show, and an unknown
// zone is a field error in the customer's language.
func TestTimesInTheViewersZone(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			T := func(id string) string { return webtest.T(lang, id, nil) }
			e.clock.Set(time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC))
			e.customer("li@example.com", "CN", "上海示例科技有限公司")
			staff, err := e.ids.CreateStaffInZone(context.Background(), "rev@vendor.example", "审核员 韩", ident.RoleReviewer, webtest.Password, "Europe/Berlin")
			if err != nil {
				t.Fatal(err)
			}
			e.vstore.SetAccountName(staff.ID, staff.Name)
			cust, rev := e.client(lang), e.client(lang)
			cust.Login("/login", "li@example.com")
			rev.Login("/staff/login", "rev@vendor.example")
			webtest.WantStatus(t, cust.upload(validFields("上海示例科技有限公司"), "执照.png", webtest.PNG(300, 200)), http.StatusSeeOther)

			shanghai := map[string]string{i18n.ZH: "2026年12月1日 09:30（UTC+8，Asia/Shanghai）", i18n.EN: "1 Dec 2026, 09:30 (UTC+8, Asia/Shanghai)"}[lang]
			berlin := map[string]string{i18n.ZH: "2026年12月1日 02:30（UTC+1，Europe/Berlin）", i18n.EN: "1 Dec 2026, 02:30 (UTC+1, Europe/Berlin)"}[lang]
			tokyo := map[string]string{i18n.ZH: "2026年12月1日 10:30（UTC+9，Asia/Tokyo）", i18n.EN: "1 Dec 2026, 10:30 (UTC+9, Asia/Tokyo)"}[lang]

			r := cust.Get("/account/verification")
			webtest.WantText(t, r, shanghai)
			webtest.WantNoText(t, r, berlin)
			q := rev.Get("/staff/verifications")
			webtest.WantText(t, q, berlin)
			m := subLink.FindStringSubmatch(q.Body)
			if m == nil {
				t.Fatalf("no submission in the queue:\n%s", q.Body)
			}
			r = rev.Get("/staff/verifications/" + m[1])
			webtest.WantText(t, r, berlin)
			webtest.WantNoText(t, r, shanghai)

			// 账户信息 offers the zones, the account's selected.
			r = cust.Get("/account")
			webtest.WantText(t, r, T("field.time_zone"), `<option value="Asia/Shanghai" selected>(UTC+8) Asia/Shanghai</option>`)
			form := url.Values{"name": {"李雷"}, "job_title": {"it_lead"}, "mobile": {""}, "time_zone": {"Mars/Olympus"}}
			r = cust.Post("/account/profile", form)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, `id="e-time_zone"`, T("error.time_zone.invalid"))

			form.Set("time_zone", "Asia/Tokyo")
			webtest.WantStatus(t, cust.Post("/account/profile", form), http.StatusSeeOther)
			r = cust.Get("/account/verification")
			webtest.WantText(t, r, tokyo)
			webtest.WantNoText(t, r, shanghai)
			webtest.WantText(t, cust.Get("/account"), `<option value="Asia/Tokyo" selected>`)
		})
	}
}
