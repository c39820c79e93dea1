package identity_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

// browsers lists an Accept-Language of each supported language.
var browsers = []struct{ accept, lang string }{
	{"zh-CN,zh;q=0.9,en;q=0.8", i18n.ZH},
	{"en-US,en;q=0.9", i18n.EN},
}

func TestRegisterWizard(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			b := e.client(br.accept)
			T := func(id string) string { return webtest.T(br.lang, id, nil) }

			r := b.Get("/register")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("register.heading"), T("register.step1"), T("field.country.hint"), T("country.CN"))

			// Step 1 with a mobile that is not a mainland number: the
			// translated error, 422, and everything typed is still there.
			info := url.Values{"country": {"CN"}, "name": {"王小明"}, "job_title": {"it_engineer"},
				"email": {"Wang.XM@Example.com"}, "mobile": {"12345"}}
			r = b.Post("/register/account", info)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.mobile.mainland"), T("field.country.hint"), `value="王小明"`,
				`value="Wang.XM@Example.com"`, `value="12345"`, `value="it_engineer" selected`, `value="CN" selected`)
			if n := len(e.mails()); n != 0 {
				t.Fatalf("an invalid step 1 sent %d emails", n)
			}

			const email = "wang.xm@example.com"
			info.Set("mobile", "139 1234 5678")
			webtest.WantRedirect(t, b.Post("/register/account", info), "/register?step=2")
			code := e.code(email, "code_register")

			r = b.Get("/register?step=2")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, webtest.T(br.lang, "register.code_sent", map[string]any{"Email": email}), T("field.code"))

			// Back to step 1 keeps the input.
			webtest.WantRedirect(t, b.Post("/register/verify", url.Values{"action": {"back"}}), "/register?step=1")
			r = b.Get("/register?step=1")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, `value="王小明"`, `value="`+email+`"`, `value="13912345678"`, `value="it_engineer" selected`)

			// Next again without changes sends no second code.
			webtest.WantRedirect(t, b.Post("/register/account", info), "/register?step=2")
			if n := len(e.mailsTo(email)); n != 1 {
				t.Fatalf("%d emails after going back and forth, want 1", n)
			}

			// A wrong code is refused with the translated message.
			wrong := "111111"
			if code == wrong {
				wrong = "222222"
			}
			pw := url.Values{"code": {wrong}, "password": {password}, "password_confirm": {password}}
			r = b.Post("/register/verify", pw)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.code.invalid"))

			pw.Set("code", code)
			webtest.WantRedirect(t, b.Post("/register/verify", pw), "/register?step=3")

			// Step 3, back to step 2 and forward again keeps the company.
			co := url.Values{"company_name": {"北京示例信息技术有限公司"}, "industry": {"manufacturing"}, "size": {"101-500"},
				"address": {"北京市海淀区中关村大街 1 号"}, "business": {"服务器与存储"}}
			back := url.Values{"action": {"back"}}
			for k, v := range co {
				back[k] = v
			}
			webtest.WantRedirect(t, b.Post("/register/company", back), "/register?step=2")
			r = b.Get("/register?step=2")
			webtest.WantText(t, r, T("register.already_verified"))
			r = b.Get("/register?step=3")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("field.company_name"), `value="北京示例信息技术有限公司"`, `value="manufacturing" selected`,
				`value="101-500" selected`, `value="北京市海淀区中关村大街 1 号"`, ">服务器与存储</textarea>")

			// A missing address: 422, the rest kept.
			co.Set("address", "")
			r = b.Post("/register/company", co)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, T("error.address.required"), `value="北京示例信息技术有限公司"`)
			if b.sid() != "" {
				t.Fatal("signed in before the wizard finished")
			}

			co.Set("address", "北京市海淀区中关村大街 1 号")
			r = b.Post("/register/company", co)
			webtest.WantRedirect(t, r, "/")
			if b.sid() == "" {
				t.Fatal("finishing the wizard set no session cookie")
			}
			if _, ok := b.Jar["reg"]; ok {
				t.Error("the wizard cookie survived the end of the wizard")
			}

			r = b.Get("/")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("flash.registered"), T("banner.unverified"), T("banner.unverified.link"),
				webtest.T(br.lang, "home.welcome", map[string]any{"Name": "王小明"}))
			r = b.Get("/account")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, email, T("country.CN"), `value="13912345678"`)
		})
	}
}

// TestRegisterDoesNotRevealKnownEmail: step 1 answers an address that has an
// account exactly like a new one; only the mailbox learns the difference.
func TestRegisterDoesNotRevealKnownEmail(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	const unknown = "new.customer@example.com"

	step1 := func(email string) (first, second string, status int, loc string) {
		b := e.client("zh-CN")
		r := b.Post("/register/account", url.Values{"country": {"CN"}, "name": {"张三"}, "job_title": {"ceo"}, "email": {email}})
		status, loc = r.Status, r.Location()
		first = normalize(r.Body, b.Token, email)
		r2 := b.Get("/register?step=2")
		return first, normalize(r2.Body, b.Token, email), status, loc
	}
	k1, k2, kStatus, kLoc := step1(customerEmail)
	u1, u2, uStatus, uLoc := step1(unknown)
	if kStatus != uStatus || kLoc != uLoc || k1 != u1 {
		t.Fatalf("known: %d %q, unknown: %d %q", kStatus, kLoc, uStatus, uLoc)
	}
	if kStatus != http.StatusSeeOther || kLoc != "/register?step=2" {
		t.Fatalf("step 1 = %d %q, want 303 to step 2", kStatus, kLoc)
	}
	if !strings.Contains(k2, webtest.T(i18n.ZH, "register.code_sent", map[string]any{"Email": "EMAIL"})) {
		t.Fatalf("step 2 does not say the code was sent:\n%s", k2)
	}
	if k2 != u2 {
		t.Fatalf("step 2 differs:\nknown:\n%s\nunknown:\n%s", k2, u2)
	}

	known := e.mailsTo(customerEmail)
	if len(known) != 1 || known[0].Template != "already_registered" || known[0].Data["Code"] != nil {
		t.Errorf("mails to the registered address = %+v, want one already_registered without a code", known)
	}
	e.code(unknown, "code_register")
}
