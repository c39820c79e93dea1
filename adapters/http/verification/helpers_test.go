package verification_test

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	web "supportal/adapters/http"
	"supportal/adapters/http/home"
	identityweb "supportal/adapters/http/identity"
	verificationweb "supportal/adapters/http/verification"
	warrantyweb "supportal/adapters/http/warranty"
	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/domain"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
	wty "supportal/domain/warranty"
)

const password = "Correct-Horse-42!"

var (
	loadOnce sync.Once
	bundle   *i18n.Bundle
	views    *web.Views
	loadErr  error
)

// env is the web edge over the in-memory stores, wired as main wires it.
type env struct {
	t      *testing.T
	app    *web.Server
	ids    *ident.Service
	vsvc   *verif.Service
	vstore *memory.VerificationStore
	files  *memory.FileStore
	mail   *memory.Notifier
	clock  *clock
}

// customers is the test's Customers adapter over identity, as in main.
type customers struct{ svc *ident.Service }

func (c customers) SetVerifiedName(ctx context.Context, companyID int64, name string) error {
	return c.svc.SetVerifiedName(ctx, companyID, name)
}

func (c customers) Customer(ctx context.Context, id int64) (verif.Customer, error) {
	a, err := c.svc.Account(ctx, id)
	if err != nil {
		return verif.Customer{}, err
	}
	if a.IsStaff() {
		return verif.Customer{}, domain.E(domain.NotFound, "error.account.not_found")
	}
	co, err := c.svc.Company(ctx, a)
	if err != nil {
		return verif.Customer{}, err
	}
	return verif.Customer{AccountID: a.ID, CompanyID: a.CompanyID, CompanyName: co.Name, Country: a.Country, Email: a.Email, Name: a.Name, Lang: a.Lang}, nil
}

type locks struct{ svc **verif.Service }

func (l locks) CompanyLocked(ctx context.Context, id int64) (bool, error) {
	return (*l.svc).CompanyLocked(ctx, id)
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
	e := &env{t: t, vstore: memory.NewVerificationStore(), files: memory.NewFileStore(), mail: &memory.Notifier{}, clock: &clock{}}
	st := memory.NewIdentityStore()
	e.ids = ident.NewService(ident.Deps{Accounts: st, Companies: st, Codes: st, Sessions: st, Attempts: st, Drafts: st, Audit: st,
		Hasher: memory.Hasher{}, Notifier: e.mail, Secret: []byte("test"), Locks: locks{&e.vsvc}})
	e.vsvc = verif.NewService(verif.Deps{Submissions: e.vstore, Queue: e.vstore, Audit: e.vstore, Customers: customers{e.ids},
		Files: e.files, Sniffer: sniff.Sniffer{}, Notifier: e.mail, Now: e.clock.Now,
		OnAsyncError: func(err error) { t.Errorf("async: %v", err) }})
	t.Cleanup(e.vsvc.Close)
	e.app = web.New(web.Config{BodyLimit: 11 << 20}, bundle, views, slog.New(slog.NewTextHandler(io.Discard, nil)), e.ids)
	e.app.Verified = func(ctx context.Context, a ident.Account) bool {
		ok, err := e.vsvc.CompanyLocked(ctx, a.CompanyID)
		return err == nil && ok
	}
	idweb := identityweb.Register(e.app, e.ids)
	vweb := verificationweb.Register(e.app, e.vsvc)
	idweb.Status = vweb.Status
	vweb.CompanyName = func(ctx context.Context, a ident.Account) (string, error) {
		co, err := e.ids.Company(ctx, a)
		return co.Name, err
	}
	// 服务查询, gated by this verification service (its explanation page).
	ws := memory.NewWarrantyStore()
	warrantyweb.Register(e.app, wty.NewService(wty.Deps{Importer: ws, Runs: ws, Lookup: ws, Verifications: e.vsvc}))
	home.Register(e.app, nil)
	e.app.NotFound()
	return e
}

func (e *env) customer(email, country, company string) ident.Account {
	e.t.Helper()
	mobile := "13800138000"
	if country != "CN" {
		mobile = "+85291234567"
	}
	a, err := e.ids.CreateCustomer(context.Background(),
		ident.AccountInfo{Country: country, Name: "李雷", JobTitle: "it_lead", Email: email, Mobile: mobile},
		ident.Company{Name: company, Industry: "it", Size: "21-100", Address: "上海市浦东新区世纪大道 1 号"}, password)
	if err != nil {
		e.t.Fatalf("seed customer: %v", err)
	}
	return a
}

func (e *env) staff(email string, role ident.Role) ident.Account {
	e.t.Helper()
	a, err := e.ids.CreateStaff(context.Background(), email, "审核员 韩", role, password)
	if err != nil {
		e.t.Fatalf("seed staff: %v", err)
	}
	e.vstore.SetAccountName(a.ID, a.Name)
	return a
}

// client is one browser with its cookies and the last CSRF token it saw.
type client struct {
	e     *env
	jar   map[string]string
	lang  string
	token string
}

func (e *env) client(lang string) *client { return &client{e: e, jar: map[string]string{}, lang: lang} }

type resp struct {
	Status int
	Header http.Header
	Body   string // entities decoded
	Raw    []byte
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

func (c *client) send(req *http.Request) *resp {
	c.e.t.Helper()
	r, err := c.do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return r
}

// do is send without failing the test, for goroutines.
func (c *client) do(req *http.Request) (*resp, error) {
	req.Header.Set("Accept-Language", c.lang)
	for k, v := range c.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.e.app.App.Test(req, -1)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
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
	return &resp{Status: res.StatusCode, Header: res.Header, Body: html.UnescapeString(string(raw)), Raw: raw}, nil
}

func (c *client) get(path string, hdr ...string) *resp {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.send(req)
}

func (c *client) post(path string, form url.Values) *resp {
	if c.token == "" {
		c.get("/login")
	}
	form.Set("_csrf", c.token)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

// upload posts the 企业证件认证 form as multipart; file may be nil.
func (c *client) upload(fields map[string]string, name string, file []byte, hdr ...string) *resp {
	c.e.t.Helper()
	return c.uploadAs(fields, name, "application/octet-stream", file, hdr...)
}

// uploadAs is upload with the Content-Type the browser claims for the file
// in its multipart part header.
func (c *client) uploadAs(fields map[string]string, name, contentType string, file []byte, hdr ...string) *resp {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.token)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Disposition", `form-data; name="licence"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)+`"`)
	ph.Set("Content-Type", contentType)
	fw, _ := w.CreatePart(ph)
	_, _ = fw.Write(file)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/account/verification", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.send(req)
}

func (c *client) login(path, email string) {
	c.e.t.Helper()
	r := c.post(path, url.Values{"type": {"customer"}, "email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: %d\n%s", email, r.Status, r.Body)
	}
}

func pngOf(w, h int) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)))
	return buf.Bytes()
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
