package identity_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	web "supportal/adapters/http"
	"supportal/adapters/http/home"
	identityweb "supportal/adapters/http/identity"
	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	ident "supportal/domain/identity"
)

// The seeded accounts and their password.
const (
	customerEmail = "li.lei@example.com"
	staffEmail    = "agent@vendor.example"
	password      = "Correct-Horse-42!"
)

// clock is the fake time of one test server.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// The translations and templates are parsed once for every test.
var (
	loadOnce sync.Once
	bundle   *i18n.Bundle
	views    *web.Views
	loadErr  error
)

// env is one wired server over the in-memory fakes.
type env struct {
	t     *testing.T
	app   *web.Server
	svc   *ident.Service
	store *memory.IdentityStore
	mail  *memory.Notifier
	clock *clock
}

func newEnv(t *testing.T) *env { return newEnvConfig(t, web.Config{}) }

func newEnvConfig(t *testing.T, cfg web.Config) *env {
	t.Helper()
	loadOnce.Do(func() {
		if bundle, loadErr = i18n.Load(); loadErr == nil {
			views, loadErr = web.LoadViews(bundle)
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	e := &env{t: t, store: memory.NewIdentityStore(), mail: &memory.Notifier{},
		clock: &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	e.svc = ident.NewService(ident.Deps{Accounts: e.store, Companies: e.store, Codes: e.store, Sessions: e.store,
		Attempts: e.store, Drafts: e.store, Audit: e.store, Hasher: memory.Hasher{}, Notifier: e.mail,
		Secret: []byte("test secret"), Now: e.clock.Now,
		OnAsyncError: func(err error) { t.Errorf("async: %v", err) }})
	t.Cleanup(e.svc.Close)
	e.app = web.New(cfg, bundle, views, slog.New(slog.NewTextHandler(io.Discard, nil)), e.svc)
	identityweb.Register(e.app, e.svc)
	home.Register(e.app, nil)
	e.app.NotFound()
	return e
}

// seedCustomer creates a customer of 中国大陆 with a company.
func (e *env) seedCustomer(email string) ident.Account {
	e.t.Helper()
	a, err := e.svc.CreateCustomer(context.Background(),
		ident.AccountInfo{Country: "CN", Name: "李雷", JobTitle: "it_lead", Email: email, Mobile: "13800138000"},
		ident.Company{Name: "上海示例科技有限公司", Industry: "it", Size: "21-100", Address: "上海市浦东新区世纪大道 1 号"}, password)
	if err != nil {
		e.t.Fatalf("seed customer: %v", err)
	}
	return a
}

func (e *env) seedStaff(email string) ident.Account {
	e.t.Helper()
	a, err := e.svc.CreateStaff(context.Background(), email, "Han Meimei", ident.RoleAgent, password)
	if err != nil {
		e.t.Fatalf("seed staff: %v", err)
	}
	return a
}

// mails returns every email sent so far, after the background sends finished.
func (e *env) mails() []memory.Notice {
	e.svc.Close()
	return e.mail.All()
}

// mailsTo returns the emails sent to one address.
func (e *env) mailsTo(to string) []memory.Notice {
	var out []memory.Notice
	for _, m := range e.mails() {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// code returns the code of the latest email to the address.
func (e *env) code(to, template string) string {
	e.t.Helper()
	ms := e.mailsTo(to)
	if len(ms) == 0 || ms[len(ms)-1].Template != template {
		e.t.Fatalf("mails to %s = %+v, want the last to be %s", to, ms, template)
	}
	c, _ := ms[len(ms)-1].Data["Code"].(string)
	if len(c) != 6 {
		e.t.Fatalf("mail %s has no code: %+v", template, ms[len(ms)-1])
	}
	return c
}

// client is one browser: it keeps cookies and the last CSRF token it saw.
type client struct {
	e      *env
	jar    map[string]string
	lang   string // Accept-Language
	token  string // the _csrf of the last page
	header map[string]string
}

func (e *env) client(lang string) *client {
	return &client{e: e, jar: map[string]string{}, lang: lang}
}

// resp is a response as the test reads it.
type resp struct {
	Status  int
	Header  http.Header
	Cookies map[string]*http.Cookie
	Body    string // HTML entities decoded, to compare with translations
	Raw     string // as sent
}

func (r *resp) Location() string { return r.Header.Get("Location") }

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (c *client) do(method, path string, form url.Values, hdr map[string]string) *resp {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for k, v := range c.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.e.app.App.Test(req, -1)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	r := &resp{Status: res.StatusCode, Header: res.Header, Cookies: map[string]*http.Cookie{}, Body: html.UnescapeString(string(raw)), Raw: string(raw)}
	for _, ck := range res.Cookies() {
		r.Cookies[ck.Name] = ck
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.jar, ck.Name)
		} else {
			c.jar[ck.Name] = ck.Value
		}
	}
	if m := csrfField.FindStringSubmatch(string(raw)); m != nil {
		c.token = m[1]
	}
	return r
}

func (c *client) get(path string) *resp { return c.do(http.MethodGet, path, nil, nil) }

// post sends a form with the CSRF token of the last page (fetching /login
// first when the browser has seen no page yet).
func (c *client) post(path string, form url.Values) *resp {
	c.e.t.Helper()
	if c.token == "" {
		c.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.token)
	return c.do(http.MethodPost, path, form, nil)
}

// postRaw sends the form as given, without adding a token.
func (c *client) postRaw(path string, form url.Values, hdr map[string]string) *resp {
	return c.do(http.MethodPost, path, form, hdr)
}

// login signs in through the customer password form and fails the test unless
// it worked.
func (c *client) login(email, pw string) {
	c.e.t.Helper()
	r := c.post("/login", url.Values{"type": {"customer"}, "email": {email}, "password": {pw}})
	if r.Status != http.StatusSeeOther || c.sid() == "" {
		c.e.t.Fatalf("login %s: status %d, cookies %v\n%s", email, r.Status, c.jar, r.Body)
	}
}

// sid returns the browser's session cookie, whatever its name.
func (c *client) sid() string {
	if v := c.jar["sid"]; v != "" {
		return v
	}
	return c.jar["__Host-sid"]
}

// tr translates a message id like the pages do.
func tr(lang, id string, data map[string]any) string { return bundle.T(lang, id, data) }

func wantStatus(t *testing.T, r *resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d\nLocation: %s\n%s", r.Status, status, r.Location(), r.Body)
	}
}

func wantRedirect(t *testing.T, r *resp, to string) {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	if r.Location() != to {
		t.Fatalf("Location = %q, want %q", r.Location(), to)
	}
}

func wantText(t *testing.T, r *resp, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Errorf("page (status %d) lacks %q\n%s", r.Status, s, r.Body)
		}
	}
}

func wantNoText(t *testing.T, r *resp, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(r.Body, s) {
			t.Errorf("page (status %d) shows %q", r.Status, s)
		}
	}
}

// normalize blanks out what legitimately differs between two browsers: the
// CSRF token and the address each typed.
func normalize(s, token, email string) string {
	s = strings.ReplaceAll(s, token, "CSRF")
	s = strings.ReplaceAll(s, url.QueryEscape(email), "EMAIL")
	return strings.ReplaceAll(s, email, "EMAIL")
}
