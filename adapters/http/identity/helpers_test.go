package identity_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	ident "supportal/domain/identity"
	"supportal/ports"
)

// The seeded accounts and their password.
const (
	customerEmail = "li.lei@example.com"
	staffEmail    = "agent@vendor.example"
	password      = webtest.Password
)

// env is one wired server over the in-memory fakes.
type env struct {
	t     *testing.T
	app   *web.Server
	svc   *ident.Service
	store *memory.IdentityStore
	box   *memory.Outbox
	audit *memory.Audit
	clock *webtest.Clock
}

func newEnv(t *testing.T) *env { return newEnvConfig(t, web.Config{}) }

func newEnvConfig(t *testing.T, cfg web.Config) *env {
	t.Helper()
	e := &env{t: t, store: memory.NewIdentityStore(), box: memory.NewOutbox(), audit: memory.NewAudit(),
		clock: webtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	deps := webtest.IdentityDeps(e.store, e.box, e.audit, "test secret")
	deps.Now = e.clock.Now
	e.svc = ident.NewService(deps)
	e.app = webtest.NewServer(t, cfg, e.svc, func(s *web.Server) { identityweb.Register(s, e.svc) })
	return e
}

// seedCustomer creates a customer of 中国大陆 with a company.
func (e *env) seedCustomer(email string) ident.Account {
	e.t.Helper()
	return webtest.SeedCustomer(e.t, e.svc, email, "CN", "上海示例科技有限公司")
}

func (e *env) seedStaff(email string) ident.Account {
	e.t.Helper()
	a, err := e.svc.CreateStaff(context.Background(), email, "Han Meimei", ident.RoleAgent, password)
	if err != nil {
		e.t.Fatalf("seed staff: %v", err)
	}
	return a
}

// mails returns every email enqueued so far.
func (e *env) mails() []ports.Notice { return e.box.Notices() }

// mailsTo returns the emails enqueued to one address.
func (e *env) mailsTo(to string) []ports.Notice {
	var out []ports.Notice
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

// client is one browser with the identity tests' own ways to sign in and
// to post.
type client struct{ *webtest.Client }

func (e *env) client(lang string) *client {
	c := webtest.NewClient(e.t, e.app, lang)
	c.Now = e.clock.Now
	return &client{c}
}

// postRaw sends the form as given, without adding a token.
func (c *client) postRaw(path string, form url.Values, hdr map[string]string) *webtest.Response {
	c.T.Helper()
	req := webtest.FormRequest(http.MethodPost, path, form)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return c.Send(req)
}

// login signs in through the customer password form and fails the test unless
// it worked.
func (c *client) login(email, pw string) {
	c.T.Helper()
	r := c.Post("/login", url.Values{"type": {"customer"}, "email": {email}, "password": {pw}})
	if r.Status != http.StatusSeeOther || c.sid() == "" {
		c.T.Fatalf("login %s: status %d, cookies %v\n%s", email, r.Status, c.Jar, r.Body)
	}
	c.Get(r.Location()) // as a browser does: the page carries the new CSRF token
}

// sid returns the browser's session cookie, whatever its name.
func (c *client) sid() string {
	if v := c.Jar["sid"]; v != "" {
		return v
	}
	return c.Jar["__Host-sid"]
}

// normalize blanks out what legitimately differs between two browsers: the
// CSRF token and the address each typed.
func normalize(s, token, email string) string {
	s = strings.ReplaceAll(s, token, "CSRF")
	// The address may be escaped twice: in the page's own address, which
	// the language switch's formaction carries.
	s = strings.ReplaceAll(s, url.QueryEscape(url.QueryEscape(email)), "EMAIL")
	s = strings.ReplaceAll(s, url.QueryEscape(email), "EMAIL")
	return strings.ReplaceAll(s, email, "EMAIL")
}
