package identity_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/ports"
)

// Without JavaScript, the language buttons submit the page's own form: the
// page comes back in the other language with what was typed, nothing is
// stored, the form's action does not run and passwords are not sent back.
func TestLanguageSwitchKeepsTypedFieldsWithoutJS(t *testing.T) {
	e := newEnv(t)
	b := e.client("zh-CN,zh;q=0.9")

	// 注册 step 1.
	r := b.Get("/register")
	typed := url.Values{"country": {"CN"}, "name": {"王小明"}, "job_title": {"it_engineer"},
		"email": {"wang.xm@example.com"}, "mobile": {"139 1234 5678"}}
	r = b.SwitchLanguage(r, i18n.EN, typed)
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, `<html lang="en">`, webtest.T(i18n.EN, "register.heading", nil), webtest.T(i18n.EN, "field.country.hint", nil),
		`value="王小明"`, `value="wang.xm@example.com"`, `value="139 1234 5678"`, `value="it_engineer" selected`, `value="CN" selected`)
	if ck := r.Cookies["lang"]; ck == nil || ck.Value != "en" {
		t.Fatalf("lang cookie: %v", r.Header.Values("Set-Cookie"))
	}
	if n := len(e.mails()); n != 0 || b.Jar["reg"] != "" {
		t.Fatalf("the switch ran step 1: %d emails, draft %q", n, b.Jar["reg"])
	}
	// The page it came back as switches back the same way.
	r = b.SwitchLanguage(r, i18n.ZH, typed)
	webtest.WantText(t, r, `<html lang="zh-CN">`, webtest.T(i18n.ZH, "register.heading", nil), `value="王小明"`)

	// Step 2: the code is kept, the passwords are not sent back, and the
	// note next to the switch says so.
	webtest.WantRedirect(t, b.Post("/register/account", typed), "/register?step=2")
	r = b.Get("/register?step=2")
	webtest.WantText(t, r, webtest.T(i18n.ZH, "lang.switch.note.password", nil))
	r = b.SwitchLanguage(r, i18n.EN, url.Values{"code": {"123456"}, "password": {"Geheim-Passwort-1"}, "password_confirm": {"Geheim-Passwort-1"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.EN, "field.code", nil), `value="123456"`, webtest.T(i18n.EN, "lang.switch.note.password", nil))
	webtest.WantNoText(t, r, "Geheim-Passwort-1", webtest.T(i18n.EN, "error.code.invalid", nil))
	if d, err := e.svc.Draft(context.Background(), b.Jar["reg"]); err != nil || d.Step() != 2 {
		t.Fatalf("draft after the switch: step %d, %v; want 2 (nothing verified)", d.Step(), err)
	}
}

func TestLanguageSwitchKeepsAccountInfoWithoutJS(t *testing.T) {
	e := newEnv(t)
	a := e.seedCustomer(customerEmail)
	b := e.client("en-US,en;q=0.9")
	b.login(customerEmail, password)

	audited := len(e.events())
	r := b.Get("/account")
	webtest.WantText(t, r, webtest.T(i18n.EN, "lang.switch.note.password", nil))
	r = b.SwitchLanguage(r, i18n.ZH, url.Values{"name": {"韩梅梅"}, "job_title": {"procurement"}, "mobile": {"13800000000"}, "time_zone": {"Asia/Tokyo"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, `<html lang="zh-CN">`, "<title>"+webtest.T(i18n.ZH, "account.menu.info", nil),
		`value="韩梅梅"`, `value="procurement" selected`, `value="13800000000"`, `value="Asia/Tokyo" selected`)
	got, err := e.store.AccountByEmail(context.Background(), customerEmail)
	if err != nil || got.Name != a.Name || got.Mobile != a.Mobile {
		t.Fatalf("the switch stored the profile: %+v, %v", got, err)
	}
	if n := len(e.events()); n != audited {
		t.Fatalf("the switch audited %d events", n-audited)
	}
}

// The switch cannot skip the page's own checks: a signed-out browser that
// carries fields to 账户信息 is sent to sign in, as by a GET.
func TestLanguageSwitchCarriesOnlyWhatTheGETShows(t *testing.T) {
	e := newEnv(t)
	b := e.client("zh-CN")
	b.Get("/login")
	r := b.Post("/lang?next=/account", url.Values{"lang": {"en"}, "name": {"x"}})
	if r.Status != http.StatusSeeOther || r.Location() == "/account" {
		t.Fatalf("signed out: %d %q, want a redirect to sign in", r.Status, r.Location())
	}
	// A next off the site goes home.
	r = b.Post("/lang?next=//evil.example", url.Values{"lang": {"en"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, `<html lang="en">`)
	// And the token is checked as for every POST.
	webtest.WantStatus(t, b.postRaw("/lang?next=/register", url.Values{"lang": {"en"}, "name": {"x"}}, nil), http.StatusForbidden)
}

// events returns every audit event recorded so far.
func (e *env) events() []ports.AuditEvent {
	e.t.Helper()
	ev, err := e.audit.Events(context.Background(), time.Time{}, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

// The sign-in and password pages keep the address (and the reset code)
// across a switch without JavaScript, never the password, and the switch
// signs nobody in and sends no code.
func TestLanguageSwitchKeepsSignInFieldsWithoutJS(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	for _, c := range []struct {
		path  string
		typed url.Values
		want  []string
	}{
		{"/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}},
			[]string{`value="` + customerEmail + `"`, webtest.T(i18n.EN, "lang.switch.note.password", nil)}},
		{"/login?method=code", url.Values{"type": {"customer"}, "method": {"code"}, "email": {customerEmail}, "code": {"654321"}},
			[]string{`value="` + customerEmail + `"`, `value="654321"`}},
		{"/password/forgot", url.Values{"email": {customerEmail}}, []string{`value="` + customerEmail + `"`}},
		{"/password/reset", url.Values{"email": {customerEmail}, "code": {"112233"}, "password": {password}, "password_confirm": {password}},
			[]string{`value="` + customerEmail + `"`, `value="112233"`, webtest.T(i18n.EN, "lang.switch.note.password", nil)}},
		{"/staff/login", url.Values{"email": {"agent@vendor.example"}, "password": {password}},
			[]string{`value="agent@vendor.example"`, webtest.T(i18n.EN, "lang.switch.note.password", nil)}},
	} {
		r := b.Get(c.path)
		r = b.SwitchLanguage(r, i18n.EN, c.typed)
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, append([]string{`<html lang="en">`}, c.want...)...)
		webtest.WantNoText(t, r, password)
		r = b.SwitchLanguage(r, i18n.ZH, c.typed)
		webtest.WantText(t, r, `<html lang="zh-CN">`)
	}
	if n := len(e.mails()); n != 0 || b.Jar["session"] != "" {
		t.Fatalf("the switch acted: %d emails, session %q", n, b.Jar["session"])
	}
}
