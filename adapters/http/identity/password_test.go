package identity_test

import (
	"net/http"
	"net/url"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

func TestPasswordReset(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	signedIn := e.client("en")
	signedIn.login(customerEmail, password)

	b := e.client("en")
	r := b.Get("/password/forgot")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.EN, "forgot.intro", nil))
	r = b.Post("/password/forgot", url.Values{"email": {" Li.Lei@Example.com "}})
	webtest.WantRedirect(t, r, "/password/reset?email=li.lei%40example.com")
	r = b.Get(r.Location())
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.EN, "forgot.sent", nil), `value="`+customerEmail+`"`)
	code := e.code(customerEmail, "code_reset")

	const newPassword = "Fresh-Start-2026!"
	wrong := "000000"
	if code == wrong {
		wrong = "999999"
	}
	form := url.Values{"email": {customerEmail}, "code": {wrong}, "password": {newPassword}, "password_confirm": {newPassword}}
	r = b.Post("/password/reset", form)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.code.invalid", nil))
	// An unknown address gets the same answer as a wrong code.
	form.Set("email", "nobody@example.com")
	r = b.Post("/password/reset", form)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.code.invalid", nil))

	form.Set("email", customerEmail)
	form.Set("code", code)
	r = b.Post("/password/reset", form)
	webtest.WantRedirect(t, r, "/login?email=li.lei%40example.com")
	r = b.Get(r.Location())
	webtest.WantText(t, r, webtest.T(i18n.EN, "flash.password_reset", nil), `value="`+customerEmail+`"`)

	// Every session of the account ended; the new password works, the old not.
	wantSignedOut(t, signedIn)
	webtest.WantStatus(t, b.Post("/login", url.Values{"email": {customerEmail}, "password": {password}}), http.StatusUnauthorized)
	b.login(customerEmail, newPassword)
	// The code cannot be used twice.
	r = e.client("en").Post("/password/reset", form)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
}
