package identity_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	ident "supportal/domain/identity"
)

// newCachedEnv is newEnv with the session cache of a production server, so
// that a session ended on the server must also be forgotten by the cache.
func newCachedEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, store: memory.NewIdentityStore(), box: memory.NewOutbox(), audit: memory.NewAudit(),
		clock: webtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	deps := webtest.IdentityDeps(e.store, e.box, e.audit, "test secret")
	deps.Now = e.clock.Now
	deps.CacheFor = 5 * time.Second
	e.svc = ident.NewService(deps)
	e.app = webtest.NewServer(t, web.Config{}, e.svc, func(s *web.Server) { identityweb.Register(s, e.svc) })
	return e
}

const otherEmail = "han.mei@example.com"

// registerToStep3 takes the browser through the first two steps of the
// registration wizard.
func registerToStep3(e *env, b *client) {
	e.t.Helper()
	const email = "wang.xm@example.com"
	info := url.Values{"country": {"CN"}, "name": {"王小明"}, "job_title": {"it_engineer"}, "email": {email}}
	webtest.WantRedirect(e.t, b.Post("/register/account", info), "/register?step=2")
	pw := url.Values{"code": {e.code(email, "code_register")}, "password": {password}, "password_confirm": {password}}
	webtest.WantRedirect(e.t, b.Post("/register/verify", pw), "/register?step=3")
}

// TestSignInEndsHeldSession signs a browser in, keeps its session cookie,
// and signs the same browser in again in every way there is: the kept token
// is signed out at once (no cache holds it), and the CSRF token of the first
// session is refused.
func TestSignInEndsHeldSession(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(e *env, b *client) // before the first sign-in
		again   func(e *env, b *client) *webtest.Response
	}{
		{"the same customer", nil, func(_ *env, b *client) *webtest.Response {
			return b.Post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}})
		}},
		{"another customer", nil, func(_ *env, b *client) *webtest.Response {
			return b.Post("/login", url.Values{"type": {"customer"}, "email": {otherEmail}, "password": {password}})
		}},
		{"staff", nil, func(_ *env, b *client) *webtest.Response {
			return b.Post("/staff/login", url.Values{"email": {staffEmail}, "password": {password}})
		}},
		{"an emailed code", nil, func(e *env, b *client) *webtest.Response {
			webtest.WantStatus(e.t, b.Post("/login/code/send", url.Values{"type": {"customer"}, "method": {"code"}, "email": {otherEmail}}), http.StatusOK)
			code := e.code(otherEmail, "code_login")
			return b.Post("/login/code", url.Values{"type": {"customer"}, "email": {otherEmail}, "code": {code}})
		}},
		{"the end of registration", registerToStep3, func(_ *env, b *client) *webtest.Response {
			return b.Post("/register/company", url.Values{"company_name": {"北京示例信息技术有限公司"}, "industry": {"manufacturing"},
				"size": {"101-500"}, "address": {"北京市海淀区中关村大街 1 号"}})
		}},
	}
	for _, lang := range i18n.Langs {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				e := newCachedEnv(t)
				e.seedCustomer(customerEmail)
				e.seedCustomer(otherEmail)
				e.seedStaff(staffEmail)
				b := e.client(lang)
				if tt.prepare != nil {
					tt.prepare(e, b)
				}
				b.login(customerEmail, password)
				old, oldCSRF := b.sid(), b.Token
				kept := e.client(lang)
				kept.Jar["sid"] = old
				webtest.WantStatus(t, kept.Get("/account"), http.StatusOK) // the cache now holds the session

				r := tt.again(e, b)
				if r.Status != http.StatusSeeOther {
					t.Fatalf("second sign-in: %d\n%s", r.Status, r.Body)
				}
				if b.sid() == "" || b.sid() == old {
					t.Fatalf("second sign-in kept the session token")
				}
				if r.Cookies["csrf"] == nil || r.Cookies["csrf"].Value == "" {
					t.Errorf("second sign-in set no new CSRF cookie: %v", r.Header.Values("Set-Cookie"))
				}

				// The kept token is signed out at once, without the clock moving.
				wantCleared(t, wantSignedOut(t, kept))

				// The next page carries a new CSRF token; the old one is refused.
				next := b.Get(r.Location())
				for hops := 0; next.Status == http.StatusSeeOther && hops < 3; hops++ {
					next = b.Get(next.Location()) // a staff member's second step leads to the enrolment
				}
				webtest.WantStatus(t, next, http.StatusOK)
				if b.Token == "" || b.Token == oldCSRF {
					t.Fatalf("CSRF token after sign-in %q, before %q", b.Token, oldCSRF)
				}
				switchLang := url.Values{"lang": {lang}, "next": {"/"}}
				r = b.postRaw("/lang", withToken(switchLang, oldCSRF), nil)
				webtest.WantStatus(t, r, http.StatusForbidden)
				webtest.WantText(t, r, webtest.T(lang, "error.csrf", nil))
				r = b.postRaw("/lang", withToken(switchLang, b.Token), map[string]string{"HX-Request": "true", "X-CSRF-Token": b.Token})
				if r.Status >= 400 {
					t.Fatalf("the new token is refused: %d", r.Status)
				}
			})
		}
	}
}

// TestSignOutRenewsCSRF checks that signing out ends the session and gives
// the browser a new CSRF token, refusing the old one.
func TestSignOutRenewsCSRF(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newCachedEnv(t)
			e.seedCustomer(customerEmail)
			b := e.client(lang)
			b.login(customerEmail, password)
			old, oldCSRF := b.sid(), b.Token
			r := b.Post("/logout", nil)
			webtest.WantRedirect(t, r, "/login")
			if r.Cookies["csrf"] == nil || r.Cookies["csrf"].Value == "" {
				t.Errorf("signing out set no new CSRF cookie: %v", r.Header.Values("Set-Cookie"))
			}
			kept := e.client(lang)
			kept.Jar["sid"] = old
			wantSignedOut(t, kept)

			webtest.WantStatus(t, b.Get("/login"), http.StatusOK)
			if b.Token == "" || b.Token == oldCSRF {
				t.Fatalf("CSRF token after sign-out %q, before %q", b.Token, oldCSRF)
			}
			r = b.postRaw("/login", withToken(url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}}, oldCSRF), nil)
			webtest.WantStatus(t, r, http.StatusForbidden)
			webtest.WantText(t, r, webtest.T(lang, "error.csrf", nil))
			b.login(customerEmail, password)
		})
	}
}
