package identity_test

import (
	"net/http"
	"net/url"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

func TestLanguageFromBrowser(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ accept, lang string }{
		{"zh-CN,zh;q=0.9", i18n.ZH},
		{"zh-TW", i18n.ZH},
		{"en-US,en;q=0.9", i18n.EN},
		{"de-DE", i18n.EN},
		{"", i18n.ZH},
	} {
		r := e.client(c.accept).Get("/login")
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, `<html lang="`+c.lang+`">`, webtest.T(c.lang, "login.heading", nil), webtest.T(c.lang, "login.submit", nil))
		other := i18n.EN
		if c.lang == i18n.EN {
			other = i18n.ZH
		}
		webtest.WantNoText(t, r, webtest.T(other, "login.heading", nil))
		if got := r.Header.Get("Content-Language"); got != c.lang {
			t.Errorf("Accept-Language %q: Content-Language %q", c.accept, got)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	b := e.client("zh-CN,zh;q=0.9")
	webtest.WantText(t, b.Get("/login"), webtest.T(i18n.ZH, "login.heading", nil), webtest.T(i18n.ZH, "lang.zh", nil), webtest.T(i18n.ZH, "lang.en", nil))

	r := b.Post("/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
	webtest.WantRedirect(t, r, "/login")
	if ck := r.Cookies["lang"]; ck == nil || ck.Value != "en" || ck.Path != "/" {
		t.Fatalf("lang cookie: %v", r.Header.Values("Set-Cookie"))
	}
	// The choice beats the browser's Accept-Language from now on.
	r = b.Get("/login")
	webtest.WantText(t, r, `<html lang="en">`, webtest.T(i18n.EN, "login.heading", nil))
	r = b.Get("/register")
	webtest.WantText(t, r, webtest.T(i18n.EN, "field.country.hint", nil))

	webtest.WantRedirect(t, b.Post("/lang", url.Values{"lang": {"zh-CN"}, "next": {"/register?step=1"}}), "/register?step=1")
	webtest.WantText(t, b.Get("/login"), webtest.T(i18n.ZH, "login.heading", nil))

	// An unknown language changes nothing; the page stays.
	r = b.Post("/lang", url.Values{"lang": {"fr"}, "next": {"/login"}})
	webtest.WantRedirect(t, r, "/login")
	if r.Cookies["lang"] != nil {
		t.Errorf("unsupported language stored: %v", r.Header.Values("Set-Cookie"))
	}

	// next never leads off the site.
	for _, next := range []string{"//evil.example", "https://evil.example", "/\\evil.example", "evil.example", "", "javascript:alert(1)"} {
		webtest.WantRedirect(t, b.Post("/lang", url.Values{"lang": {"en"}, "next": {next}}), "/")
	}
	// Switching needs the CSRF token like every other POST.
	webtest.WantStatus(t, b.postRaw("/lang", url.Values{"lang": {"zh-CN"}, "next": {"/login"}}, nil), http.StatusForbidden)
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	for _, br := range browsers {
		b := e.client(br.accept)
		for _, path := range []string{"/no-such-page", "/register/nope", "/static/nope.css"} {
			r := b.Get(path)
			webtest.WantStatus(t, r, http.StatusNotFound)
			webtest.WantText(t, r, webtest.T(br.lang, "error.not_found", nil), webtest.T(br.lang, "error.title.not_found", nil), webtest.T(br.lang, "error.back_home", nil))
		}
	}
	// Signed in, the page keeps the user's header.
	b := e.client("en")
	b.login(customerEmail, password)
	for _, path := range []string{"/nothing", "/account/nothing/here"} {
		r := b.Get(path)
		webtest.WantStatus(t, r, http.StatusNotFound)
		webtest.WantText(t, r, webtest.T(i18n.EN, "error.not_found", nil), webtest.T(i18n.EN, "nav.logout", nil))
	}
}
