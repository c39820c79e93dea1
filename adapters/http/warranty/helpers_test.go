package warranty_test

import (
	"context"
	"encoding/csv"
	"fmt"
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
	warrantyweb "supportal/adapters/http/warranty"
	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	"supportal/domain"
	ident "supportal/domain/identity"
	wty "supportal/domain/warranty"
)

const password = "Correct-Horse-42!"

// The credit codes of the test companies.
const (
	codeA = "91310110666007217T"
	codeB = "91440300MA5F0KQ2XL"
)

// now is the tests' fixed clock: 27 November 2026, 10:00 in Shanghai.
var now = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

var (
	loadOnce sync.Once
	bundle   *i18n.Bundle
	views    *web.Views
	loadErr  error
)

// verifications is the fake verification port: the verified credit code of
// each account, Forbidden for every other account.
type verifications struct {
	mu    sync.Mutex
	codes map[int64]string
}

func (v *verifications) VerifiedCreditCode(_ context.Context, accountID int64) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.codes[accountID]; ok {
		return c, nil
	}
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

func (v *verifications) set(accountID int64, code string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.codes[accountID] = code
}

// env is the web edge over the in-memory stores, wired as main wires it.
type env struct {
	t      *testing.T
	app    *web.Server
	ids    *ident.Service
	svc    *wty.Service
	store  *memory.WarrantyStore
	verifs *verifications
}

func newEnv(t *testing.T) *env {
	t.Helper()
	loadOnce.Do(func() {
		if bundle, loadErr = i18n.Load(); loadErr == nil {
			views, loadErr = web.LoadViews(bundle)
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	e := &env{t: t, store: memory.NewWarrantyStore(), verifs: &verifications{codes: map[int64]string{}}}
	st := memory.NewIdentityStore()
	e.ids = ident.NewService(ident.Deps{Accounts: st, Companies: st, Codes: st, Sessions: st, Attempts: st, Drafts: st, Audit: st,
		Hasher: memory.Hasher{}, Notifier: &memory.Notifier{}, Secret: []byte("test")})
	t.Cleanup(e.ids.Close)
	e.svc = wty.NewService(wty.Deps{Importer: e.store, Runs: e.store, Lookup: e.store, Verifications: e.verifs,
		Now: func() time.Time { return now }})
	e.app = web.New(web.Config{}, bundle, views, slog.New(slog.NewTextHandler(io.Discard, nil)), e.ids)
	e.app.Verified = func(ctx context.Context, a ident.Account) bool {
		_, err := e.verifs.VerifiedCreditCode(ctx, a.ID)
		return err == nil
	}
	identityweb.Register(e.app, e.ids)
	h := warrantyweb.Register(e.app, e.svc)
	h.Now = func() time.Time { return now }
	home.Register(e.app, nil)
	e.app.NotFound()
	return e
}

// customer creates a customer whose company is verified for code ("" for
// an unverified one).
func (e *env) customer(email, code string) ident.Account {
	e.t.Helper()
	a, err := e.ids.CreateCustomer(context.Background(),
		ident.AccountInfo{Country: "CN", Name: "李雷", JobTitle: "it_lead", Email: email, Mobile: "13800138000"},
		ident.Company{Name: "上海示例科技有限公司", Industry: "it", Size: "21-100", Address: "上海市浦东新区世纪大道 1 号"}, password)
	if err != nil {
		e.t.Fatalf("seed customer: %v", err)
	}
	if code != "" {
		e.verifs.set(a.ID, code)
	}
	return a
}

// line is one service line of the test data, in import column order after
// the owner: device name, SN, order, SKU, service, start, end.
type line [7]string

// load imports the lines for one owner through the warranty service, as the
// import CLI does.
func (e *env) load(owner string, lines ...line) {
	e.t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(wty.Columns)
	for _, l := range lines {
		_ = w.Write(append([]string{owner, "公司 " + owner}, l[:]...))
	}
	w.Flush()
	src, err := wty.NewCSVSource(strings.NewReader(b.String()))
	if err != nil {
		e.t.Fatal(err)
	}
	run, err := e.svc.Import(context.Background(), src, wty.ImportOptions{Source: "test"})
	if err != nil {
		e.t.Fatalf("import: %v (%+v)", err, run.Errors)
	}
}

// fleet returns n devices named prefix-NN with one line each, ending on
// consecutive days after end.
func fleet(prefix, sn string, n int, end time.Time) []line {
	var out []line
	for i := 1; i <= n; i++ {
		out = append(out, line{fmt.Sprintf("%s-%02d", prefix, i), fmt.Sprintf("%s%04d", sn, i), fmt.Sprintf("PO-%s-%d", sn, i),
			"SVC-BASIC", "基础维保", "2025-01-01", end.AddDate(0, 0, i).Format("2006-01-02")})
	}
	return out
}

// client is one browser with its cookies and the last CSRF token it saw.
type client struct {
	e     *env
	jar   map[string]string
	lang  string
	token string
}

func (e *env) client(lang string) *client { return &client{e: e, jar: map[string]string{}, lang: lang} }

// signedIn returns a browser signed in as email.
func (e *env) signedIn(lang, email string) *client {
	e.t.Helper()
	c := e.client(lang)
	c.get("/login")
	r := c.post("/login", url.Values{"type": {"customer"}, "email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d\n%s", email, r.Status, r.Body)
	}
	return c
}

type resp struct {
	Status int
	Header http.Header
	Body   string // entities decoded
	Raw    []byte
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (c *client) send(req *http.Request) *resp {
	c.e.t.Helper()
	req.Header.Set("Accept-Language", c.lang)
	for k, v := range c.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.e.app.App.Test(req, -1)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.e.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	for _, ck := range res.Cookies() {
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.jar, ck.Name)
		} else {
			c.jar[ck.Name] = ck.Value
		}
	}
	if m := csrfField.FindSubmatch(raw); m != nil {
		c.token = string(m[1])
	}
	return &resp{Status: res.StatusCode, Header: res.Header, Body: html.UnescapeString(string(raw)), Raw: raw}
}

// get fetches path with optional header name/value pairs.
func (c *client) get(path string, hdr ...string) *resp {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.send(req)
}

func (c *client) post(path string, form url.Values) *resp {
	form.Set("_csrf", c.token)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

func tr(lang, id string, data map[string]any) string { return bundle.T(lang, id, data) }

func wantStatus(t *testing.T, r *resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d (Location %q)\n%s", r.Status, status, r.Header.Get("Location"), r.Body)
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

// snOrder returns the serial numbers of the page's devices in order.
var snCell = regexp.MustCompile(`<td rowspan="\d+" class="mono">([^<]+)</td>`)

func sns(r *resp) []string {
	var out []string
	for _, m := range snCell.FindAllStringSubmatch(r.Body, -1) {
		out = append(out, m[1])
	}
	return out
}
