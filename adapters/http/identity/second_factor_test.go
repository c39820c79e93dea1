package identity_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/adapters/totp"
)

var (
	secretOnPage   = regexp.MustCompile(`id="totp-secret">([A-Z2-7]{4}(?: [A-Z2-7]{1,4})*)<`)
	recoveryOnPage = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// staffPassword signs the staff member in with the password only.
func (c *client) staffPassword(email string) *webtest.Response {
	c.T.Helper()
	r := c.Post("/staff/login", url.Values{"email": {email}, "password": {password}})
	webtest.WantRedirect(c.T, r, "/staff/2fa?next=%2Fstaff")
	// The sign-in renewed the CSRF token; the second step's page (or the
	// enrolment it leads to) carries the new one, as a browser loads it.
	for next := r; next.Status == http.StatusSeeOther; {
		next = c.Get(next.Location())
	}
	return r
}

func (e *env) totpCode(secret string, d time.Duration) string {
	e.t.Helper()
	c, err := totp.CodeAt(secret, e.clock.Now().Add(d))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestStaffEnrolmentAndSecondStep(t *testing.T) {
	e := newEnv(t)
	e.seedStaff(staffEmail)
	zh := func(id string, data map[string]any) string { return webtest.T(i18n.ZH, id, data) }

	b := e.client("zh-CN")
	b.staffPassword(staffEmail)
	passwordOnly := b.sid()
	// The password alone opens no staff page.
	webtest.WantRedirect(t, b.Get("/staff"), "/staff/2fa?next=%2Fstaff")
	webtest.WantRedirect(t, b.Get("/staff/2fa?next=%2Fstaff"), "/staff/2fa/setup?next=%2Fstaff")

	r := b.Get("/staff/2fa/setup?next=%2Fstaff")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, zh("staff.2fa.setup.title", nil), zh("staff.2fa.setup.manual", nil),
		`src="data:image/png;base64,`, "otpauth://totp/Supportal:"+url.PathEscape(staffEmail)+"?")
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("enrolment page Cache-Control = %q, want no-store", cc)
	}
	m := secretOnPage.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no grouped secret on the enrolment page:\n%s", r.Body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if !strings.Contains(r.Body, "secret="+secret) {
		t.Error("the otpauth address does not carry the secret shown")
	}

	// A wrong code is refused next to the field, and the QR code stays.
	wrong := "000000"
	if wrong == e.totpCode(secret, 0) || wrong == e.totpCode(secret, -30*time.Second) || wrong == e.totpCode(secret, 30*time.Second) {
		wrong = "999999"
	}
	r = b.Post("/staff/2fa/setup", url.Values{"code": {wrong}, "next": {"/staff"}})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, zh("error.second_factor.invalid", nil), m[1])
	webtest.WantRedirect(t, b.Get("/staff"), "/staff/2fa?next=%2Fstaff")

	r = b.Post("/staff/2fa/setup", url.Values{"code": {e.totpCode(secret, 0)}, "next": {"/staff"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, zh("staff.2fa.codes.title", nil), zh("staff.2fa.codes.intro", nil), `href="/staff"`)
	webtest.WantNoText(t, r, m[1])
	codes := recoveryOnPage.FindAllStringSubmatch(r.Body, -1)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	if b.sid() == passwordOnly {
		t.Error("the session was not rotated after the second factor")
	}
	r = b.Get("/staff")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, zh("staff.home.title", nil))
	// The secret is not shown again.
	webtest.WantRedirect(t, b.Get("/staff/2fa/setup"), "/staff")
	// The password-only session is gone.
	old := e.client("zh-CN")
	old.Jar["sid"] = passwordOnly
	webtest.WantRedirect(t, old.Get("/staff"), "/staff/login?next=%2Fstaff")

	// The next sign-in asks for the code; the enrolment's code is used up.
	e.clock.Advance(10 * time.Second)
	c := e.client("en")
	c.staffPassword(staffEmail)
	webtest.WantRedirect(t, c.Get("/staff/2fa/setup"), "/staff/2fa?next=%2Fstaff")
	r = c.Get("/staff/2fa?next=%2Fstaff")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.EN, "staff.2fa.intro", nil))
	r = c.Post("/staff/2fa", url.Values{"code": {e.totpCode(secret, -10*time.Second)}, "next": {"/staff"}})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.second_factor.invalid", nil))
	e.clock.Advance(30 * time.Second)
	webtest.WantRedirect(t, c.Post("/staff/2fa", url.Values{"code": {e.totpCode(secret, 0)}, "next": {"/staff"}}), "/staff")
	webtest.WantStatus(t, c.Get("/staff"), http.StatusOK)

	// A recovery code signs in once and says how many are left.
	d := e.client("en")
	d.staffPassword(staffEmail)
	r = d.Post("/staff/2fa", url.Values{"code": {strings.ToUpper(codes[0][1])}, "next": {"/staff"}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.EN, "staff.2fa.recovery_used", nil),
		webtest.T(i18n.EN, "staff.2fa.recovery_left", map[string]any{"Count": 9}), `href="/staff"`)
	webtest.WantStatus(t, d.Get("/staff"), http.StatusOK)
	again := e.client("en")
	again.staffPassword(staffEmail)
	r = again.Post("/staff/2fa", url.Values{"code": {codes[0][1]}, "next": {"/staff"}})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.second_factor.invalid", nil))
	webtest.WantRedirect(t, again.Get("/staff"), "/staff/2fa?next=%2Fstaff")
}

func TestSecondStepThrottled(t *testing.T) {
	e := newEnv(t)
	e.seedStaff(staffEmail)
	b := e.client("zh-CN")
	b.Login("/staff/login", staffEmail)
	e.clock.Advance(time.Minute)

	c := e.client("zh-CN")
	c.staffPassword(staffEmail)
	for range 5 {
		r := c.Post("/staff/2fa", url.Values{"code": {"12345"}})
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	}
	r := c.Post("/staff/2fa", url.Values{"code": {"123456"}})
	webtest.WantStatus(t, r, http.StatusTooManyRequests)
	webtest.WantText(t, r, webtest.T(i18n.ZH, "error.throttled", map[string]any{"Count": 15}))
	webtest.WantRedirect(t, c.Get("/staff"), "/staff/2fa?next=%2Fstaff")
}

func TestSecondStepPagesNeedStaff(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	anon := e.client("en")
	for _, p := range []string{"/staff/2fa", "/staff/2fa/setup"} {
		webtest.WantRedirect(t, anon.Get(p), "/staff/login?next=%2Fstaff")
		webtest.WantRedirect(t, anon.Post(p, url.Values{"code": {"123456"}}), "/staff/login?next=%2Fstaff")
	}
	cust := e.client("en")
	cust.login(customerEmail, password)
	for _, p := range []string{"/staff/2fa", "/staff/2fa/setup"} {
		webtest.WantRedirect(t, cust.Get(p+"?next=%2Fstaff%2Fverifications"), "/staff/login?next=%2Fstaff%2Fverifications")
	}
	// Customers sign in without a second factor.
	webtest.WantStatus(t, cust.Get("/account"), http.StatusOK)
}
