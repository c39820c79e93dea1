package identity_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

func TestAccountProfile(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			a := e.seedCustomer(customerEmail)
			b := e.client(br.accept)
			T := func(id string) string { return webtest.T(br.lang, id, nil) }
			b.login(customerEmail, password)

			r := b.Get("/account")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("account.menu.info"), customerEmail, T("country.CN"), T("account.country_fixed"),
				`value="李雷"`, `value="it_lead" selected`, `value="13800138000"`)
			// Email and country are shown as text, not as fields.
			webtest.WantNoText(t, r, `name="email"`, `name="country"`)

			// Posting email and country along does not change them.
			r = b.Post("/account/profile", url.Values{"name": {"李 雷雷"}, "job_title": {"ceo"}, "mobile": {"139-0000-1111"},
				"email": {"hijack@example.com"}, "country": {"US"}})
			webtest.WantRedirect(t, r, "/account")
			r = b.Get("/account")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("flash.profile_saved"), `value="李 雷雷"`, `value="ceo" selected`, `value="13900001111"`,
				customerEmail, T("country.CN"))
			webtest.WantNoText(t, r, "hijack@example.com", T("country.US"))
			got, err := e.svc.Account(context.Background(), a.ID)
			if err != nil || got.Email != customerEmail || got.Country != "CN" || got.Name != "李 雷雷" {
				t.Fatalf("stored account %+v, %v", got, err)
			}
			// The flash is shown once.
			webtest.WantNoText(t, b.Get("/account"), T("flash.profile_saved"))

			// A bad mobile: 422, the message, the typed values kept, nothing stored.
			r = b.Post("/account/profile", url.Values{"name": {"Changed"}, "job_title": {"ceo"}, "mobile": {"12345"}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.mobile.mainland"), `value="Changed"`, `value="12345"`)
			if got, _ := e.svc.Account(context.Background(), a.ID); got.Name != "李 雷雷" || got.Mobile != "13900001111" {
				t.Fatalf("a refused update changed the account: %+v", got)
			}
			r = b.Post("/account/profile", url.Values{"name": {""}, "job_title": {"nope"}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.name.required"), T("error.job_title.required"))
		})
	}
}

func TestAccountChangePasswordNeedsCurrent(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("en")
	b.login(customerEmail, password)
	const newPassword = "Another-Secret-77?"

	r := b.Post("/account/password", url.Values{"current_password": {"not-my-password"}, "password": {newPassword}, "password_confirm": {newPassword}})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.password.current_wrong", nil), `aria-describedby="e-current_password"`)

	r = b.Post("/account/password", url.Values{"current_password": {password}, "password": {newPassword}, "password_confirm": {"Different-Secret-77?"}})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.password.mismatch", nil))

	r = b.Post("/account/password", url.Values{"current_password": {password}, "password": {"short"}, "password_confirm": {"short"}})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.password.too_short", map[string]any{"Count": 12}))

	// Nothing changed: the old password still signs in, the new one not.
	other := e.client("en")
	webtest.WantStatus(t, other.Post("/login", url.Values{"email": {customerEmail}, "password": {newPassword}}), http.StatusUnauthorized)
	other.login(customerEmail, password)
	if ms := e.mailsTo(customerEmail); len(ms) != 0 {
		t.Errorf("refused changes sent mail: %+v", ms)
	}
}

func TestAccountCompany(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			a := e.seedCustomer(customerEmail)
			b := e.client(br.accept)
			T := func(id string) string { return webtest.T(br.lang, id, nil) }
			b.login(customerEmail, password)

			r := b.Get("/account/company")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("account.menu.company"), `value="上海示例科技有限公司"`, `value="it" selected`, `value="21-100" selected`)
			// The page itself is the link target; no banner pointing to it.
			webtest.WantNoText(t, r, T("banner.unverified.link"))

			co := url.Values{"company_name": {"上海示例云计算有限公司"}, "industry": {"finance"}, "size": {"1000+"},
				"address": {"上海市徐汇区漕河泾 88 号"}, "business": {"金融云 <b>服务</b>"}}
			webtest.WantRedirect(t, b.Post("/account/company", co), "/account/company")
			r = b.Get("/account/company")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("flash.company_saved"), `value="上海示例云计算有限公司"`, `value="finance" selected`,
				`value="1000+" selected`, `value="上海市徐汇区漕河泾 88 号"`)
			// What users type is escaped, never markup.
			if !strings.Contains(string(r.Raw), "&lt;b&gt;服务&lt;/b&gt;</textarea>") {
				t.Errorf("main business not escaped:\n%s", r.Raw)
			}

			co.Set("company_name", "")
			co.Set("size", "huge")
			r = b.Post("/account/company", co)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.company_name.required"), T("error.size.required"), `value="上海市徐汇区漕河泾 88 号"`)
			got, err := e.svc.Company(context.Background(), a)
			if err != nil || got.Name != "上海示例云计算有限公司" || got.Size != "1000+" {
				t.Fatalf("stored company %+v, %v", got, err)
			}
		})
	}
}
