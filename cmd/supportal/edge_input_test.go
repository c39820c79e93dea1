package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"supportal/adapters/i18n"
)

// The text-input rule on the real application over PostgreSQL and MinIO:
// every registered route, for every kind of caller, is sent NUL bytes and
// invalid UTF-8 in every query parameter and form field that the pages use,
// in file names, in the path and in JSON; no answer may be a 5xx, and each
// is the 422 that names the field in the caller's language.

// inputFields are the names of every field and parameter of the pages (from
// the templates and handlers) and a few generic ones.
var inputFields = []string{
	"email", "password", "password_confirm", "current_password", "code", "next", "type", "lang",
	"name", "job_title", "mobile", "country", "company_name", "industry", "size", "address", "business",
	"doc_type", "credit_code", "licence", "version", "decision", "reason", "note", "action",
	"q", "state", "sn", "sort", "page", "mode", "dry_run", "skip_invalid", "id", "method", "search",
}

// badValues are the values sent in every field.
var badValues = []string{"a\x00b", "\xff\xfe", "\x00"}

// routeRequest is one route of the application with its path parameters
// filled in.
type routeRequest struct{ method, path string }

var routeParam = regexp.MustCompile(`:[A-Za-z]+(<[^>]*>)?\??|\*`)

// appRoutes lists the routes registered on the application's Fiber app.
func appRoutes(t *testing.T, ta *testApp) []routeRequest {
	t.Helper()
	seen := map[routeRequest]bool{}
	var out []routeRequest
	for _, r := range ta.a.server.App.GetRoutes(true) {
		if strings.HasPrefix(r.Path, "/static") || r.Method == http.MethodConnect || r.Method == http.MethodTrace {
			continue
		}
		rr := routeRequest{r.Method, routeParam.ReplaceAllString(r.Path, "1")}
		if !seen[rr] {
			seen[rr] = true
			out = append(out, rr)
		}
	}
	// Sign-out last, so that the callers stay signed in for the rest.
	sort.SliceStable(out, func(i, j int) bool { return out[j].path == "/logout" && out[i].path != "/logout" })
	if len(out) < 30 {
		t.Fatalf("only %d routes registered: %v", len(out), out)
	}
	return out
}

// caller is a cookie-keeping client signed in as one kind of user.
type caller struct {
	name string
	w    *webClient
	// shown is what the header shows of the signed-in user ("" when none).
	shown string
}

func signIn(t *testing.T, ta *testApp, lang, loginPath, kind, email, shown string) caller {
	t.Helper()
	w := newWebClient(t, ta, lang)
	if _, _, err := w.do(t.Context(), http.MethodGet, loginPath, "", nil); err != nil {
		t.Fatal(err)
	}
	if email == "" {
		return caller{name: "anonymous", w: w}
	}
	form := url.Values{"_csrf": {w.token}, "type": {kind}, "email": {email}, "password": {demoPassword}}
	status, body, err := w.do(t.Context(), http.MethodPost, loginPath, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %v\n%s", email, status, err, body)
	}
	if _, _, err := w.do(t.Context(), http.MethodGet, "/account/verification/new", "", nil); err != nil { // a page with the token
		t.Fatal(err)
	}
	return caller{name: email, w: w, shown: shown}
}

// send sends one request with extra headers and returns the status and the
// unescaped body.
func (c caller) send(ctx context.Context, method, target, ctype string, body []byte, hdr map[string]string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.w.base+target, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Accept-Language", acceptLanguage[c.w.lang])
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.w.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(raw)), err
}

// badRequests builds the requests that put v into every field of route r:
// the query, an urlencoded form, a multipart form with a file, JSON (for the
// API) and the path; the CSRF token is valid.
func badRequests(r routeRequest, token, v string) []badRequest {
	q := url.Values{}
	for _, f := range inputFields {
		q.Set(f, v)
	}
	out := []badRequest{{what: "query", target: r.path + "?" + q.Encode(), hdr: map[string]string{"X-CSRF-Token": token}}}
	if r.path == "/healthz" || r.path == "/readyz" { // answered before any input is read
		out[0].status = -1
		return out
	}
	if r.method == http.MethodGet || r.method == http.MethodHead {
		out = append(out,
			badRequest{what: "query, htmx", target: r.path + "?" + q.Encode(), hdr: map[string]string{"HX-Request": "true", "HX-Target": "main"}},
			badRequest{what: "path", target: r.path + "/" + url.PathEscape(v), status: -1},
			badRequest{what: "parameter in path", target: strings.Replace(r.path, "/1", "/"+url.PathEscape(v), 1), status: -1})
		return out
	}
	form := url.Values{"_csrf": {token}}
	for _, f := range inputFields {
		form.Set(f, v)
	}
	out = append(out, badRequest{what: "urlencoded form", target: r.path, ctype: "application/x-www-form-urlencoded", body: []byte(form.Encode())})
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("_csrf", token)
	for _, f := range inputFields {
		if f != "licence" {
			_ = mw.WriteField(f, v)
		}
	}
	fw, _ := mw.CreateFormFile("licence", "licence\xff\xfe.png") // a NUL would make the part unreadable
	_, _ = fw.Write([]byte("\x89PNG\r\n\x1a\n"))
	_ = mw.Close()
	out = append(out, badRequest{what: "multipart form", target: r.path, ctype: mw.FormDataContentType(), body: mp.Bytes(),
		hdr: map[string]string{"X-CSRF-Token": token}})
	if strings.HasPrefix(r.path, "/api/") {
		// The import streams its body and checks each row itself.
		for i := 1; i < len(out); i++ {
			out[i].status = -1
		}
		js := fmt.Sprintf(`{"_csrf":%q,"name":"%s"}`, token, strings.ReplaceAll(v, "\x00", `\u0000`))
		out = append(out, badRequest{what: "json", target: r.path, ctype: "application/json", body: []byte(js), status: -1})
	}
	return out
}

type badRequest struct {
	what, target, ctype string
	body                []byte
	hdr                 map[string]string
	// status is the answer wanted: 0 for 422 naming the field, -1 for any
	// answer below 500 (a path or body that the route does not read).
	status int
}

func TestEveryRouteRefusesBadText(t *testing.T) {
	ta := startApp(t)
	if err := seed(context.Background(), ta.a, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	routes := appRoutes(t, ta)
	callers := []caller{
		signIn(t, ta, i18n.ZH, "/login", "", "", ""),
		signIn(t, ta, i18n.EN, "/login", "customer", "demo@example.com", "王敏"),
		signIn(t, ta, i18n.ZH, "/login", "customer", "new@example.com", "李新"),
		signIn(t, ta, i18n.EN, "/staff/login", "", "reviewer@example.com", "审核员 张"),
		signIn(t, ta, i18n.ZH, "/staff/login", "", "admin@example.com", "管理员 赵"),
	}
	ctx := t.Context()
	refused := 0
	for _, c := range callers {
		want := ta.bundle.T(c.w.lang, "error.input.field", map[string]any{"Field": "NAME"})
		prefix, _, _ := strings.Cut(want, "NAME")
		for _, r := range routes {
			for _, v := range badValues {
				for _, br := range badRequests(r, c.w.token, v) {
					status, body, err := c.send(ctx, r.method, br.target, br.ctype, br.body, br.hdr)
					what := fmt.Sprintf("%s: %s %s, %q in the %s", c.name, r.method, r.path, v, br.what)
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					if status >= 500 {
						t.Errorf("%s: status %d\n%.600s", what, status, body)
						continue
					}
					if br.status == -1 {
						continue
					}
					if status != http.StatusUnprocessableEntity {
						t.Errorf("%s: status %d, want 422", what, status)
						continue
					}
					refused++
					if r.method == http.MethodHead {
						continue
					}
					if !strings.Contains(body, prefix) {
						t.Errorf("%s: the answer does not say %q:\n%.600s", what, want, body)
					}
					if c.shown != "" && br.hdr["HX-Request"] == "" && !strings.HasPrefix(r.path, "/api/") && !strings.Contains(body, c.shown) {
						t.Errorf("%s: the page does not show the signed-in %s", what, c.shown)
					}
				}
			}
		}
		// A malformed cookie is ignored, a malformed User-Agent cleaned (the
		// client refuses to send control characters in headers).
		hdr := map[string]string{"User-Agent": "agent\xff\xfe", "Cookie": "lang=\xff\xfe; flash=\xff; csrf=\xfe"}
		for _, r := range []string{"/", "/account", "/warranty", "/staff/verifications"} {
			status, body, err := c.send(ctx, http.MethodGet, r, "", nil, hdr)
			if err != nil || status >= 500 {
				t.Errorf("%s: GET %s with malformed cookies: %d %v\n%.600s", c.name, r, status, err, body)
			}
		}
	}
	if refused < len(routes)*len(callers) {
		t.Errorf("only %d requests refused with 422", refused)
	}
	// The customer's own data is unchanged.
	demo, err := ta.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil || demo.Name != "王敏" {
		t.Errorf("demo account after the walk: %+v %v", demo, err)
	}
}
