package verification_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	verificationweb "supportal/adapters/http/verification"
	warrantyweb "supportal/adapters/http/warranty"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/adapters/modules"
	"supportal/adapters/sniff"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
	wty "supportal/domain/warranty"
	"supportal/ports"
)

// env is the web edge over the in-memory stores, wired as main wires it.
type env struct {
	t      *testing.T
	app    *web.Server
	ids    *ident.Service
	vsvc   *verif.Service
	vstore *memory.VerificationStore
	files  *memory.FileStore
	mail   *memory.Notifier // identity's emails
	outbox *memory.Outbox   // verification's notices
	audit  *memory.Audit
	clock  *webtest.Clock
	// staleRead makes the service read every latest submission as still
	// pending, as a read made just before a reviewer decided it.
	staleRead bool
}

// staleSubmissions is the store as the service reads it (see staleRead).
type staleSubmissions struct {
	*memory.VerificationStore
	e *env
}

func (s staleSubmissions) LatestSubmission(ctx context.Context, companyID int64) (verif.Submission, error) {
	sub, err := s.VerificationStore.LatestSubmission(ctx, companyID)
	if err == nil && s.e.staleRead {
		sub.State = verif.StatePending
	}
	return sub, err
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, vstore: memory.NewVerificationStore(), files: memory.NewFileStore(), mail: &memory.Notifier{},
		outbox: memory.NewOutbox(), audit: memory.NewAudit(), clock: &webtest.Clock{}}
	idStore := memory.NewIdentityStore()
	deps := webtest.IdentityDeps(idStore, memory.NewOutbox(), memory.NewAudit(), "test") // apart: the tests count verification's events
	deps.Locks = modules.CompanyLocks(func(ctx context.Context, id int64) (bool, error) { return e.vsvc.CompanyLocked(ctx, id) })
	e.ids = ident.NewService(deps)
	e.vsvc = verif.NewService(verif.Deps{Submissions: staleSubmissions{e.vstore, e}, Queue: e.vstore, Attachments: e.vstore, Customers: modules.Customers{Identity: e.ids},
		Tx:    memory.NewVerificationTx(e.vstore, memory.CompanyNames{Store: idStore}, e.outbox, e.audit),
		Files: e.files, Sniffer: sniff.Sniffer{}, Now: e.clock.Now, HoldKey: []byte("test hold key")})
	e.app = webtest.NewServer(t, web.Config{BodyLimit: 11 << 20}, e.ids, func(s *web.Server) {
		s.Verified = func(ctx context.Context, a ident.Account) bool {
			ok, err := e.vsvc.CompanyLocked(ctx, a.CompanyID)
			return err == nil && ok
		}
		idweb := identityweb.Register(s, e.ids)
		vweb := verificationweb.Register(s, e.vsvc)
		idweb.Status = vweb.Status
		s.GateState = vweb.Gate
		vweb.CompanyName = func(ctx context.Context, a ident.Account) (string, error) {
			co, err := e.ids.Company(ctx, a)
			return co.Name, err
		}
		// 服务查询, gated by this verification service (its explanation page).
		ws := memory.NewWarrantyStore()
		warrantyweb.Register(s, wty.NewService(wty.Deps{Importer: ws, Runs: ws, Lookup: ws, Verifications: e.vsvc,
			Tx: memory.NewWarrantyTx(ws, memory.NewAudit())}))
	})
	return e
}

// notice returns the latest notice the verification service enqueued for
// the address to.
func (e *env) notice(to string) (ports.Notice, bool) {
	ns := e.outbox.Notices()
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].To == to {
			return ns[i], true
		}
	}
	return ports.Notice{}, false
}

// events returns every audit event the verification service recorded.
func (e *env) events() []ports.AuditEvent {
	ev, _ := e.audit.Events(context.Background(), time.Time{}, 1000)
	return ev
}

func (e *env) customer(email, country, company string) ident.Account {
	e.t.Helper()
	return webtest.SeedCustomer(e.t, e.ids, email, country, company)
}

func (e *env) staff(email string, role ident.Role) ident.Account {
	e.t.Helper()
	a, err := e.ids.CreateStaff(context.Background(), email, "审核员 韩", role, webtest.Password)
	if err != nil {
		e.t.Fatalf("seed staff: %v", err)
	}
	e.vstore.SetAccountName(a.ID, a.Name)
	return a
}

// client is one browser with the verification tests' upload form.
type client struct{ *webtest.Client }

func (e *env) client(lang string) *client { return &client{webtest.NewClient(e.t, e.app, lang)} }

// upload posts the 企业证件认证 form as multipart; file may be nil.
func (c *client) upload(fields map[string]string, name string, file []byte, hdr ...string) *webtest.Response {
	c.T.Helper()
	return c.uploadAs(fields, name, "application/octet-stream", file, hdr...)
}

// uploadAs is upload with the Content-Type the browser claims for the file
// in its multipart part header.
func (c *client) uploadAs(fields map[string]string, name, contentType string, file []byte, hdr ...string) *webtest.Response {
	c.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.Token)
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
	return c.Send(req)
}

// claim presses 【领取】 on the submission id, as a reviewer must before
// deciding (opening the page claims nothing).
func (c *client) claim(id string) {
	c.T.Helper()
	webtest.WantStatus(c.T, c.Post("/staff/verifications/"+id+"/claim", nil), http.StatusSeeOther)
}

// fieldsWith is validFields with another credit code.
func fieldsWith(company, code string) map[string]string {
	f := validFields(company)
	f["credit_code"] = code
	return f
}
