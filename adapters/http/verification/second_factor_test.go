package verification_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
)

var routeParam = regexp.MustCompile(`:[a-zA-Z]+(<[^>]*>)?`)

// TestStaffRoutesNeedSecondFactor walks every registered route under /staff
// (but the sign-in and the second-step pages) with a session that has only
// the password: GETs are sent to the second step and back, every other
// method is refused, and nothing of the page is shown.
func TestStaffRoutesNeedSecondFactor(t *testing.T) {
	e := newEnv(t)
	e.staff("admin@vendor.example", ident.RoleAdmin)
	e.customer("a@example.com", "CN", "甲方公司")
	b := e.client(i18n.EN)
	r := b.Post("/staff/login", url.Values{"email": {"admin@vendor.example"}, "password": {webtest.Password}})
	webtest.WantRedirect(t, r, "/staff/2fa?next=%2Fstaff")
	// The sign-in renewed the CSRF token: load the enrolment page the second
	// step leads to, as a browser does, to hold the new one.
	for next := r; next.Status == http.StatusSeeOther; {
		next = b.Get(next.Location())
	}
	seen := 0
	for _, rt := range e.app.App.GetRoutes(true) {
		if (rt.Path != "/staff" && !strings.HasPrefix(rt.Path, "/staff/")) || rt.Method == http.MethodHead ||
			strings.HasPrefix(rt.Path, "/staff/login") || strings.HasPrefix(rt.Path, "/staff/2fa") {
			continue
		}
		path := routeParam.ReplaceAllString(rt.Path, "1")
		seen++
		switch rt.Method {
		case http.MethodGet:
			webtest.WantRedirect(t, b.Get(path), "/staff/2fa?next="+url.QueryEscape(path))
		default:
			r := b.Post(path, url.Values{"version": {"1"}, "decision": {"approve"}})
			if rt.Method != http.MethodPost {
				req := webtest.FormRequest(rt.Method, path, url.Values{"_csrf": {b.Token}})
				r = b.Send(req)
			}
			webtest.WantStatus(t, r, http.StatusUnauthorized)
			webtest.WantText(t, r, webtest.T(i18n.EN, "error.second_factor.required", nil))
		}
	}
	if seen < 4 {
		t.Fatalf("only %d staff routes found", seen)
	}

	// Once the second factor is given, the same session's successor opens them.
	b.SecondFactor("admin@vendor.example", r)
	webtest.WantStatus(t, b.Get("/staff"), http.StatusOK)
	webtest.WantStatus(t, b.Get("/staff/verifications"), http.StatusOK)
}
