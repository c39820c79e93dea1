package identity_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	web "supportal/adapters/http"
	"supportal/adapters/i18n"
)

func TestThrottlePerAccount(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			e.seedCustomer(customerEmail)
			b := e.client(br.accept)
			login := func(pw string) *resp {
				return b.post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {pw}})
			}
			for i := 0; i < 5; i++ {
				r := login(fmt.Sprintf("Wrong-password-%d", i))
				wantStatus(t, r, http.StatusUnauthorized)
				wantText(t, r, tr(br.lang, "error.login.failed", nil))
				e.clock.Advance(time.Second)
			}
			// The sixth attempt is refused even with the right password.
			r := login(password)
			wantStatus(t, r, http.StatusTooManyRequests)
			wantText(t, r, tr(br.lang, "error.throttled", map[string]any{"Minutes": 15}))
			if b.sid() != "" {
				t.Fatal("signed in while throttled")
			}
			// Code sign-in goes through the same limit.
			r = b.post("/login/code", url.Values{"type": {"customer"}, "email": {customerEmail}, "code": {"123456"}})
			wantStatus(t, r, http.StatusTooManyRequests)

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
		r := b.post("/login", url.Values{"type": {"customer"}, "email": {fmt.Sprintf("user%d@example.com", i)}, "password": {"Wrong-password-1"}})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	// Every request of app.Test comes from one address; a fresh account
	// with the right password is refused now.
	e.clock.Advance(time.Second)
	r := b.post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}})
	wantStatus(t, r, http.StatusTooManyRequests)
	wantText(t, r, tr(i18n.EN, "error.throttled", map[string]any{"Minutes": 15}))
	e.clock.Advance(15 * time.Minute)
	b.login(customerEmail, password)
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	b.login(customerEmail, password)
	b.get("/account")
	change := url.Values{"name": {"Mallory"}, "job_title": {"finance"}, "mobile": {""}}
	refused := tr(i18n.ZH, "error.csrf", nil)

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
		wantStatus(t, r, http.StatusForbidden)
		wantText(t, r, refused)
	}
	// A browser without the CSRF cookie cannot post either, even with a token
	// taken from another browser.
	stolen := b.token
	other := e.client("zh-CN")
	other.jar["sid"] = b.sid()
	r := other.postRaw("/account/profile", withToken(change, stolen), nil)
	wantStatus(t, r, http.StatusForbidden)
	// Signing out needs the token too.
	wantStatus(t, b.postRaw("/logout", url.Values{}, nil), http.StatusForbidden)

	r = b.get("/account")
	wantStatus(t, r, http.StatusOK)
	wantNoText(t, r, "Mallory")
	wantText(t, r, `value="李雷"`)

	// htmx sends the token in a header and gets HX-Redirect back.
	r = b.postRaw("/account/profile", change, map[string]string{"X-CSRF-Token": b.token, "HX-Request": "true"})
	wantStatus(t, r, http.StatusNoContent)
	if got := r.Header.Get("HX-Redirect"); got != "/account" {
		t.Fatalf("HX-Redirect = %q", got)
	}
	wantText(t, b.get("/account"), `value="Mallory"`, tr(i18n.ZH, "flash.profile_saved", nil))
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
			b.get("/login")
			r := b.post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}})
			wantRedirect(t, r, "/")
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
			wantStatus(t, b.get("/account"), http.StatusOK)
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	pages := map[string]*resp{
		"login":     b.get("/login"),
		"not found": b.get("/no/such/page"),
		"csrf":      b.postRaw("/account/profile", url.Values{}, nil),
		"redirect":  b.get("/account"),
	}
	b.login(customerEmail, password)
	pages["account"] = b.get("/account")
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
