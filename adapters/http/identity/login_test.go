package identity_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

func TestLoginPasswordRotatesSession(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("zh-CN")

	// A token planted by an attacker before sign-in is not adopted.
	const planted = "attacker-chosen-session-token-0000000000000"
	b.Jar["sid"] = planted
	r := b.Get("/login")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.ZH, "login.heading", nil), webtest.T(i18n.ZH, "login.type.customer", nil), webtest.T(i18n.ZH, "login.type.partner", nil))

	r = b.Post("/login", url.Values{"type": {"customer"}, "email": {"  LI.Lei@Example.COM "}, "password": {password}, "next": {"/account"}})
	webtest.WantRedirect(t, r, "/account")
	first := b.sid()
	if first == "" || first == planted {
		t.Fatalf("session after sign-in = %q", first)
	}
	r = b.Get("/account")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, customerEmail, webtest.T(i18n.ZH, "nav.logout", nil))

	// Signing in again, while signed in, gives yet another token.
	r = b.Post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}})
	webtest.WantRedirect(t, r, "/")
	if second := b.sid(); second == "" || second == first || second == planted {
		t.Fatalf("second sign-in kept the token: %q", second)
	}

	// An external next is not followed.
	b.Get("/") // the page after sign-in carries the new CSRF token
	r = b.Post("/login", url.Values{"type": {"customer"}, "email": {customerEmail}, "password": {password}, "next": {"//evil.example/x"}})
	webtest.WantRedirect(t, r, "/")
}

// TestLoginFailuresLookAlike: a wrong password and an unknown email give
// one message and one status.
func TestLoginFailuresLookAlike(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			e.seedCustomer(customerEmail)
			b := e.client(br.accept)
			try := func(typ, email, pw string) (int, string) {
				r := b.Post("/login", url.Values{"type": {typ}, "email": {email}, "password": {pw}})
				if b.sid() != "" {
					t.Fatalf("%s %s signed in", typ, email)
				}
				webtest.WantText(t, r, webtest.T(br.lang, "error.login.failed", nil))
				return r.Status, normalize(r.Body, b.Token, email)
			}
			wrongStatus, wrongBody := try("customer", customerEmail, "Wrong-password-123")
			unknownStatus, unknownBody := try("customer", "nobody@example.com", password)
			if wrongStatus != http.StatusUnauthorized || unknownStatus != wrongStatus {
				t.Fatalf("statuses: wrong password %d, unknown email %d", wrongStatus, unknownStatus)
			}
			if wrongBody != unknownBody {
				t.Errorf("unknown email page differs from wrong password page:\n%s", lineDiff(wrongBody, unknownBody))
			}
			// On the partner tab, a wrong password is the same failure.
			if status, _ := try("partner", customerEmail, "Wrong-password-123"); status != http.StatusUnauthorized {
				t.Fatalf("partner tab, wrong password: %d", status)
			}
		})
	}
}

// TestPartnerTab: the partner tab says whom it is for and offers no
// registration; a customer who signs in there with the right password is
// told to use 企业客户.
func TestPartnerTab(t *testing.T) {
	for _, br := range browsers {
		t.Run(br.lang, func(t *testing.T) {
			e := newEnv(t)
			e.seedCustomer(customerEmail)
			b := e.client(br.accept)
			r := b.Get("/login?type=partner")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, webtest.T(br.lang, "login.partner.intro", nil))
			if strings.Contains(r.Body, `href="/register"`) {
				t.Error("the partner tab offers registration")
			}
			r = b.Get("/login?type=customer")
			if !strings.Contains(r.Body, `href="/register"`) || strings.Contains(r.Body, "partner-intro") {
				t.Error("the customer tab lacks the registration link or shows the partner text")
			}
			r = b.Post("/login", url.Values{"type": {"partner"}, "email": {customerEmail}, "password": {password}})
			webtest.WantStatus(t, r, http.StatusUnauthorized)
			webtest.WantText(t, r, webtest.T(br.lang, "error.login.use_customer", nil))
			if b.sid() != "" {
				t.Fatal("signed in on the partner tab")
			}
		})
	}
}

// lineDiff lists the lines where a and b differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

func TestLoginWithCode(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	b := e.client("en")

	r := b.Post("/login/code/send", url.Values{"type": {"customer"}, "method": {"code"}, "email": {customerEmail}})
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.EN, "login.code_sent", nil), webtest.T(i18n.EN, "login.resend_in", map[string]any{"Count": 60}))
	code := e.code(customerEmail, "code_login")

	// A second request within the minute is refused with the cool-down.
	r = b.Post("/login/code/send", url.Values{"method": {"code"}, "email": {customerEmail}})
	webtest.WantStatus(t, r, http.StatusTooManyRequests)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.code.cooldown", map[string]any{"Count": 60}))

	wrong := "123456"
	if code == wrong {
		wrong = "654321"
	}
	r = b.Post("/login/code", url.Values{"type": {"customer"}, "email": {customerEmail}, "code": {wrong}})
	webtest.WantStatus(t, r, http.StatusUnauthorized)
	webtest.WantText(t, r, webtest.T(i18n.EN, "error.login.failed", nil))

	r = b.Post("/login/code", url.Values{"type": {"customer"}, "email": {customerEmail}, "code": {code}, "next": {"/account"}})
	webtest.WantRedirect(t, r, "/account")
	webtest.WantStatus(t, b.Get("/account"), http.StatusOK)

	// A used code does not sign in again.
	other := e.client("en")
	r = other.Post("/login/code", url.Values{"type": {"customer"}, "email": {customerEmail}, "code": {code}})
	webtest.WantStatus(t, r, http.StatusUnauthorized)
}

func TestStaffAndCustomerDoors(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	e.seedStaff(staffEmail)
	failed := webtest.T(i18n.ZH, "error.login.failed", nil)

	staff := e.client("zh-CN")
	r := staff.Post("/login", url.Values{"type": {"customer"}, "email": {staffEmail}, "password": {password}})
	webtest.WantStatus(t, r, http.StatusUnauthorized)
	webtest.WantText(t, r, failed)
	r = staff.Post("/staff/login", url.Values{"email": {staffEmail}, "password": {password}})
	webtest.WantRedirect(t, r, "/staff/2fa?next=%2Fstaff")
	staff.SecondFactor(staffEmail, r)
	r = staff.Get("/staff")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.ZH, "staff.home.title", nil), webtest.T(i18n.ZH, "role.agent", nil))
	// Staff have no account centre.
	webtest.WantStatus(t, staff.Get("/account"), http.StatusForbidden)

	cust := e.client("zh-CN")
	r = cust.Post("/staff/login", url.Values{"email": {customerEmail}, "password": {password}})
	webtest.WantStatus(t, r, http.StatusUnauthorized)
	webtest.WantText(t, r, failed)
	if cust.sid() != "" {
		t.Fatal("a customer signed in through the staff door")
	}
	cust.login(customerEmail, password)
	r = cust.Get("/staff")
	if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		t.Fatalf("customer on /staff: %d", r.Status)
	}
	webtest.WantNoText(t, r, webtest.T(i18n.ZH, "staff.home.title", nil)+"</h1>")

	// Anonymous visitors are sent to sign in and come back afterwards.
	anon := e.client("zh-CN")
	r = anon.Get("/account/company")
	webtest.WantRedirect(t, r, "/login?next=%2Faccount%2Fcompany")
	r = anon.Get("/account")
	webtest.WantRedirect(t, r, "/login?next=%2Faccount")
	r = anon.Get(r.Location())
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T(i18n.ZH, "flash.login_required", nil), `name="next" value="/account"`)
	webtest.WantRedirect(t, anon.Get("/staff"), "/staff/login?next=%2Fstaff")
}

// TestCodeAndForgotDoNotRevealKnownEmail: "get code" and "forgot password"
// answer known and unknown addresses alike; only the owner gets an email.
func TestCodeAndForgotDoNotRevealKnownEmail(t *testing.T) {
	e := newEnv(t)
	e.seedCustomer(customerEmail)
	const unknown = "nobody@example.com"

	type answer struct {
		status         int
		loc, hx, body  string
		followed       string
		followedStatus int
	}
	ask := func(path, email string, hdr map[string]string) answer {
		b := e.client("zh-CN")
		b.Get("/login")
		f := url.Values{"_csrf": {b.Token}, "method": {"code"}, "email": {email}}
		r := b.postRaw(path, f, hdr)
		a := answer{status: r.Status, loc: normalize(r.Location(), b.Token, email), hx: r.Header.Get("HX-Redirect"),
			body: normalize(r.Body, b.Token, email)}
		if r.Status == http.StatusSeeOther {
			r2 := b.Get(r.Location())
			a.followed, a.followedStatus = normalize(r2.Body, b.Token, email), r2.Status
		}
		return a
	}
	for _, c := range []struct {
		path string
		hdr  map[string]string
		want int
	}{
		{"/login/code/send", nil, http.StatusOK},
		{"/login/code/send", map[string]string{"HX-Request": "true", "HX-Target": "coderow"}, http.StatusOK},
		{"/password/forgot", nil, http.StatusSeeOther},
	} {
		known, other := ask(c.path, customerEmail, c.hdr), ask(c.path, unknown, c.hdr)
		if known != other {
			t.Errorf("%s %v: known and unknown addresses differ:\n%+v\n%+v", c.path, c.hdr, known, other)
		}
		if known.status != c.want {
			t.Errorf("%s: status %d, want %d\n%s", c.path, known.status, c.want, known.body)
		}
		e.clock.Advance(61e9) // past the code cool-down
	}
	if r := ask("/password/forgot", unknown, nil); r.loc != "/password/reset?email=EMAIL" || !strings.Contains(r.followed, webtest.T(i18n.ZH, "forgot.sent", nil)) {
		t.Errorf("forgot: %+v", r)
	}

	if n := len(e.mailsTo(unknown)); n != 0 {
		t.Errorf("an unknown address got %d emails", n)
	}
	var templates []string
	for _, m := range e.mailsTo(customerEmail) {
		templates = append(templates, m.Template)
	}
	if strings.Join(templates, ",") != "code_login,code_login,code_reset" {
		t.Errorf("emails to the account: %v", templates)
	}
}
