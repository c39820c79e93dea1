package identity_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

// wantSignedOut checks that the browser is treated as anonymous: the account
// centre sends it to sign in.
func wantSignedOut(t *testing.T, b *client) *webtest.Response {
	t.Helper()
	r := b.Get("/account")
	webtest.WantRedirect(t, r, "/login?next=%2Faccount")
	return r
}

// wantCleared checks that the response removes the session cookie.
func wantCleared(t *testing.T, r *webtest.Response) {
	t.Helper()
	ck := r.Cookies["sid"]
	if ck == nil {
		t.Fatalf("the session cookie was not cleared: %v", r.Header.Values("Set-Cookie"))
	}
	if ck.Value != "" || (ck.MaxAge >= 0 && (ck.Expires.IsZero() || ck.Expires.After(time.Now()))) {
		t.Errorf("session cookie not deleted: %q", ck.Raw)
	}
}

func TestTamperedSessionToken(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	b.login(customerEmail, password)
	tok := []byte(b.sid())
	if tok[0] == 'A' {
		tok[0] = 'B'
	} else {
		tok[0] = 'A'
	}
	b.Jar["sid"] = string(tok)
	r := wantSignedOut(t, b)
	wantCleared(t, r)
	if _, ok := b.Jar["sid"]; ok {
		t.Fatal("the browser still holds the tampered cookie")
	}
	r = b.Get("/")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantNoText(t, r, webtest.T(i18n.ZH, "nav.logout", nil), "李雷")
}

func TestIdleTimeout(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	b.login(customerEmail, password)
	// Activity keeps the session alive past 30 minutes in total.
	for i := 0; i < 3; i++ {
		e.clock.Advance(29 * time.Minute)
		webtest.WantStatus(t, b.Get("/account"), http.StatusOK)
	}
	e.clock.Advance(31 * time.Minute)
	wantCleared(t, wantSignedOut(t, b))
}

func TestAbsoluteTimeout(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")
	b.login(customerEmail, password)
	start := e.clock.Now()
	for e.clock.Now().Sub(start) < 12*time.Hour-20*time.Minute {
		e.clock.Advance(20 * time.Minute)
		webtest.WantStatus(t, b.Get("/account"), http.StatusOK)
	}
	e.clock.Advance(20 * time.Minute) // 12 h after sign-in, never idle
	wantCleared(t, wantSignedOut(t, b))
}

func TestSignOut(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("en")
	b.login(customerEmail, password)
	b.Get("/account")
	old := b.sid()
	r := b.Post("/logout", nil)
	webtest.WantRedirect(t, r, "/login")
	wantCleared(t, r)
	r = b.Get("/login")
	webtest.WantText(t, r, webtest.T(i18n.EN, "flash.logged_out", nil))
	wantSignedOut(t, b)

	// The server ended the session: the old cookie value is worthless.
	b.Jar["sid"] = old
	wantSignedOut(t, b)
	thief := e.client("en")
	thief.Jar["sid"] = old
	wantSignedOut(t, thief)
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	laptop, phone := e.client("zh-CN"), e.client("zh-CN")
	laptop.login(customerEmail, password)
	phone.login(customerEmail, password)
	laptop.Get("/account")

	const newPassword = "Another-Secret-77?"
	r := laptop.Post("/account/password", url.Values{"current_password": {password}, "password": {newPassword}, "password_confirm": {newPassword}})
	webtest.WantRedirect(t, r, "/account")
	r = laptop.Get("/account")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.ZH, "flash.password_changed", nil))
	wantSignedOut(t, phone)

	ms := e.mailsTo(customerEmail)
	if len(ms) != 1 || ms[0].Template != "password_changed" {
		t.Errorf("mails: %+v", ms)
	}
	other := e.client("zh-CN")
	webtest.WantStatus(t, other.Post("/login", url.Values{"email": {customerEmail}, "password": {password}}), http.StatusUnauthorized)
	other.login(customerEmail, newPassword)
}
