package identity_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	web "supportal/adapters/http"
	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

func TestThrottlePerAccount(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			e.seedCustomer(customerEmail)
			b := e.client(br.accept)
			login := func(pw string) *webtest.Response {
				return b.Post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {pw}})
			}
			for i := 0; i < 5; i++ {
				r := login(fmt.Sprintf("Wrong-password-%d", i))
				webtest.WantStatus(t, r, http.StatusUnauthorized)
				webtest.WantText(t, r, webtest.T(br.lang, "error.login.failed", nil))
				e.clock.Advance(time.Second)
			}
			// The sixth attempt is refused even with the right password.
			r := login(password)
			webtest.WantStatus(t, r, http.StatusTooManyRequests)
			webtest.WantText(t, r, webtest.T(br.lang, "error.throttled", map[string]any{"Count": 15}))
			if b.sid() != "" {
				t.Fatal("signed in while throttled")
			}
			// Code sign-in goes through the same limit.
			r = b.Post("/login/code", url.Values{"type": {"customer"}, "email": {customerEmail}, "code": {"123456"}})
			webtest.WantStatus(t, r, http.StatusTooManyRequests)

			// 15 minutes later (as the message said) the account may sign in.
			e.clock.Advance(15 * time.Minute)
			b.login(customerEmail, password)
		})
	}
}

func TestThrottlePerIP(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("en")
	for i := 0; i < 20; i++ {
		r := b.Post("/login", url.Values{"type": {"customer"}, "email": {fmt.Sprintf("user%d@example.com", i)}, "password": {"Wrong-password-1"}})
		webtest.WantStatus(t, r, http.StatusUnauthorized)
	}
	// Every request of app.Test comes from one address; a fresh account
	// with the right password is refused now.
	e.clock.Advance(time.Second)
	r := b.Post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}})
	webtest.WantStatus(t, r, http.StatusTooManyRequests)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.throttled", map[string]any{"Count": 15}))
	e.clock.Advance(15 * time.Minute)
	b.login(customerEmail, password)
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	b.login(customerEmail, password)
	b.Get("/account")
	change := url.Values{"name": {"Mallory"}, "job_title": {"finance"}, "mobile": {""}}
	refused := webtest.T(i18n.ZH, "error.csrf", nil)

	for _, c := range []struct {
		name string
		form url.Values
		hdr  map[string]string
	}{
		{"no token", change, nil},
		{"wrong token", withToken(change, strings.Repeat("A", 43)), nil},
		{"wrong header", change, map[string]string{"X-CSRF-Token": "nope", "HX-Request": "true"}},
	} {
		r := b.postRaw("/account/profile", c.form, c.hdr)
		webtest.WantStatus(t, r, http.StatusForbidden)
		webtest.WantText(t, r, refused)
	}
	// A browser without the CSRF cookie cannot post either, even with a token
	// taken from another browser.
	stolen := b.Token
	other := e.client("zh-CN")
	other.Jar["sid"] = b.sid()
	r := other.postRaw("/account/profile", withToken(change, stolen), nil)
	webtest.WantStatus(t, r, http.StatusForbidden)
	// Signing out needs the token too.
	webtest.WantStatus(t, b.postRaw("/logout", url.Values{}, nil), http.StatusForbidden)

	r = b.Get("/account")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantNoText(t, r, "Mallory")
	webtest.WantText(t, r, `value="李雷"`)

	// htmx sends the token in a header and gets HX-Redirect back.
	r = b.postRaw("/account/profile", change, map[string]string{"X-CSRF-Token": b.Token, "HX-Request": "true"})
	webtest.WantStatus(t, r, http.StatusNoContent)
	if got := r.Header.Get("HX-Redirect"); got != "/account" {
		t.Fatalf("HX-Redirect = %q", got)
	}
	webtest.WantText(t, b.Get("/account"), `value="Mallory"`, webtest.T(i18n.ZH, "flash.profile_saved", nil))
}

func withToken(v url.Values, token string) url.Values {
	out := url.Values{"_csrf": {token}}
	for k, vs := range v {
		out[k] = vs
	}
	return out
}

func TestCookieAttributes(t *testing.T) {
	for _, c := range []struct {
		secure bool
		name   string
	}{{false, "sid"}, {true, "__Host-sid"}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnvConfig(t, web.Config{Secure: c.secure})
			e.seedCustomer(customerEmail)
			b := e.client("zh-CN")
			b.Get("/login")
			r := b.Post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}})
			webtest.WantRedirect(t, r, "/")
			ck := r.Cookies[c.name]
			if ck == nil || ck.Value == "" {
				t.Fatalf("no %s cookie in %v", c.name, r.Header.Values("Set-Cookie"))
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.Secure != c.secure {
				t.Errorf("cookie %q: HttpOnly=%v SameSite=%v Path=%q Domain=%q Secure=%v", r.Header.Get("Set-Cookie"),
					ck.HttpOnly, ck.SameSite, ck.Path, ck.Domain, ck.Secure)
			}
			if c.secure && r.Cookies["sid"] != nil {
				t.Error("a Secure server also set a plain sid cookie")
			}
			webtest.WantStatus(t, b.Get("/account"), http.StatusOK)
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	pages := map[string]*webtest.Response{
		"login":     b.Get("/login"),
		"not found": b.Get("/no/such/page"),
		"csrf":      b.postRaw("/account/profile", url.Values{}, nil),
		"redirect":  b.Get("/account"),
	}
	b.login(customerEmail, password)
	pages["account"] = b.Get("/account")
	for name, r := range pages {
		csp := r.Header.Get("Content-Security-Policy")
		var script string
		for _, d := range strings.Split(csp, ";") {
			if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src ") {
				script = d
			}
		}
		if script == "" || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") {
			t.Errorf("%s: script-src %q in CSP %q", name, script, csp)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "object-src 'none'") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", name, got)
		}
		if got := r.Header.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", name, got)
		}
		if got := r.Header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
			t.Errorf("%s: Referrer-Policy %q", name, got)
		}
		if strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, " onclick=") {
			t.Errorf("%s: inline script in the page", name)
		}
	}
}
