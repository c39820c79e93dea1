package verification_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
)

// secretsOfA are what company A submitted; nobody else may see them.
var secretsOfA = []string{"甲方机密科技有限公司", "91310110666007217T", "甲方营业执照.png"}

// isolationEnv has customer A with a pending submission (and a rejected one
// before it), customer B of another company, a reviewer and an agent.
func isolationEnv(t *testing.T, lang string) (e *env, acctA ident.Account, a, b *client, ids []string) {
	e = newEnv(t)
	acctA = e.customer("a@example.com", "CN", "甲方机密科技有限公司")
	e.customer("b@example.com", "CN", "乙方公司")
	e.staff("rev@vendor.example", ident.RoleReviewer)
	e.staff("agent@vendor.example", ident.RoleAgent)
	a, b = e.client(lang), e.client(lang)
	a.Login("/login", "a@example.com")
	b.Login("/login", "b@example.com")

	webtest.WantStatus(t, a.upload(validFields("甲方机密科技有限公司"), "甲方营业执照.png", webtest.PNG(300, 300)), http.StatusSeeOther)
	first, _ := e.latest(acctA)
	rev := e.client(lang)
	rev.Login("/staff/login", "rev@vendor.example")
	rev.claim(strconv.FormatInt(first.ID, 10))
	webtest.WantStatus(t, rev.Post("/staff/verifications/"+strconv.FormatInt(first.ID, 10)+"/decision",
		url.Values{"version": {"1"}, "decision": {"reject"}, "reason": {"blurry"}}), http.StatusSeeOther)
	webtest.WantStatus(t, a.upload(validFields("甲方机密科技有限公司"), "甲方营业执照.png", webtest.PNG(400, 300)), http.StatusSeeOther)
	second, _ := e.latest(acctA)
	return e, acctA, a, b, []string{strconv.FormatInt(first.ID, 10), strconv.FormatInt(second.ID, 10)}
}

func wantNoSecrets(t *testing.T, what string, r *webtest.Response) {
	t.Helper()
	for _, s := range secretsOfA {
		if strings.Contains(r.Body, s) || strings.Contains(r.Header.Get("Content-Disposition"), url.PathEscape(s)) {
			t.Errorf("%s (status %d) shows A's %q", what, r.Status, s)
		}
	}
}

// TestIsolationCustomersSeeOnlyTheirOwn tries every id of A's submissions, and ids
// that do not exist, on every customer route as customer B.
func TestIsolationCustomersSeeOnlyTheirOwn(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			_, _, a, b, ids := isolationEnv(t, lang)
			// A reaches both licences.
			for _, id := range ids {
				webtest.WantStatus(t, a.Get("/account/verification/licence/"+id), http.StatusOK)
			}
			probes := append(ids, "0", "-1", "999", "9223372036854775807", "99999999999999999999", "1.0", "1e3", "abc", "%2e%2e")
			for _, id := range probes {
				for _, path := range []string{
					"/account/verification/licence/" + id,
					"/account/verification/licence/" + id + "/",
					"/account/verification/" + id,
					"/account/verification/" + id + "/licence",
					"/account/verification/new?id=" + id,
					"/account/verification?id=" + id,
					"/account/verification/licence?id=" + id,
				} {
					r := b.Get(path)
					wantNoSecrets(t, "B: GET "+path, r)
					if r.Status != http.StatusNotFound && !strings.Contains(path, "?id=") {
						t.Errorf("B: GET %s = %d, want 404", path, r.Status)
					}
					// The same answer whether the id exists or not.
					if r.Status == http.StatusNotFound && !strings.Contains(r.Body, webtest.T(lang, "error.not_found", nil)) &&
						!strings.Contains(r.Body, webtest.T(lang, "error.verification.not_found", nil)) {
						t.Errorf("B: GET %s: 404 without the not-found message", path)
					}
				}
			}
			// B's own pages show B's company only, whatever the query says.
			for _, path := range []string{"/account/verification", "/account/verification/new", "/account/company", "/account"} {
				r := b.Get(path + "?id=" + ids[1])
				webtest.WantStatus(t, r, http.StatusOK)
				wantNoSecrets(t, "B: GET "+path, r)
			}
			webtest.WantText(t, b.Get("/account/verification/new"), `value="乙方公司"`)

			// Posting the form never touches A's submission.
			r := b.upload(map[string]string{"company_name": "乙方公司", "doc_type": "business_licence", "credit_code": "91440300MA5F0KQ2XL", "id": ids[1]}, "b.png", webtest.PNG(300, 300))
			webtest.WantStatus(t, r, http.StatusSeeOther)
			webtest.WantText(t, a.Get("/account/verification"), "甲方机密科技有限公司", "91310110666007217T", `src="/account/verification/licence/`+ids[1]+`"`)
			wantNoSecrets(t, "B: own details", b.Get("/account/verification"))
		})
	}
}

// TestIsolationCustomersKeptOutOfStaff tries every reviewer route, with A's ids, as
// customer B: 404 (staff pages do not exist for customers), nothing shown,
// nothing claimed or decided.
func TestIsolationCustomersKeptOutOfStaff(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e, acctA, _, b, ids := isolationEnv(t, lang)
			gets := []string{"/staff", "/staff/", "/staff/verifications", "/staff/verifications?q=甲方", "/staff/verifications?state=pending"}
			posts := []string{"/staff/verifications/next"}
			for _, id := range ids {
				gets = append(gets, "/staff/verifications/"+id, "/staff/verifications/"+id+"/licence")
				posts = append(posts, "/staff/verifications/"+id+"/decision")
			}
			for _, path := range gets {
				r := b.Get(path)
				if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
					t.Errorf("B: GET %s = %d, want 404 or 403", path, r.Status)
				}
				wantNoSecrets(t, "B: GET "+path, r)
			}
			for _, path := range posts {
				r := b.Post(path, url.Values{"version": {"1"}, "decision": {"approve"}})
				if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
					t.Errorf("B: POST %s = %d, want 404 or 403", path, r.Status)
				}
				wantNoSecrets(t, "B: POST "+path, r)
			}
			sub, _ := e.latest(acctA)
			if sub.State != "pending" || sub.ClaimedBy != 0 || sub.Version != 1 {
				t.Errorf("A's submission changed by B: %+v", sub)
			}

			// An agent is staff but not a reviewer; a reviewer is not a customer.
			agent, rev := e.client(lang), e.client(lang)
			agent.Login("/staff/login", "agent@vendor.example")
			rev.Login("/staff/login", "rev@vendor.example")
			for _, path := range gets[2:] {
				r := agent.Get(path)
				webtest.WantStatus(t, r, http.StatusForbidden)
				wantNoSecrets(t, "agent: GET "+path, r)
			}
			for _, path := range posts {
				webtest.WantStatus(t, agent.Post(path, url.Values{"version": {"1"}, "decision": {"approve"}}), http.StatusForbidden)
			}
			for _, path := range []string{"/account/verification", "/account/verification/new", "/account/verification/licence/" + ids[1]} {
				r := rev.Get(path)
				webtest.WantStatus(t, r, http.StatusForbidden)
				wantNoSecrets(t, "reviewer: GET "+path, r)
			}
			webtest.WantStatus(t, rev.Get("/staff/verifications/"+ids[1]+"/licence"), http.StatusOK)
		})
	}
}

// TestIsolationAnonymousSentToSignIn checks that nobody signed out sees anything:
// pages redirect to the right sign-in page, posts are refused.
func TestIsolationAnonymousSentToSignIn(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e, _, _, _, ids := isolationEnv(t, lang)
			anon := e.client(lang)
			for path, login := range map[string]string{
				"/account/verification":                       "/login",
				"/account/verification/new":                   "/login",
				"/account/verification/licence/" + ids[1]:     "/login",
				"/staff/verifications":                        "/staff/login",
				"/staff/verifications/" + ids[1]:              "/staff/login",
				"/staff/verifications/" + ids[1] + "/licence": "/staff/login",
			} {
				r := anon.Get(path)
				webtest.WantStatus(t, r, http.StatusSeeOther)
				if want := login + "?next=" + url.QueryEscape(path); r.Header.Get("Location") != want {
					t.Errorf("GET %s → %q, want %q", path, r.Header.Get("Location"), want)
				}
				wantNoSecrets(t, "anonymous: GET "+path, r)
			}
			keys := len(e.files.Keys())
			r := anon.upload(validFields("匿名公司"), "x.png", webtest.PNG(300, 300))
			if r.Status < 400 {
				t.Errorf("anonymous upload = %d", r.Status)
			}
			for _, path := range []string{"/staff/verifications/next", "/staff/verifications/" + ids[1] + "/decision"} {
				r := anon.Post(path, url.Values{"version": {"1"}, "decision": {"approve"}})
				if r.Status < 400 {
					t.Errorf("anonymous POST %s = %d", path, r.Status)
				}
				wantNoSecrets(t, "anonymous: POST "+path, r)
			}
			if len(e.files.Keys()) != keys {
				t.Errorf("anonymous upload stored a file")
			}
		})
	}
}
