package warranty_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	warrantyweb "supportal/adapters/http/warranty"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/domain"
	ident "supportal/domain/identity"
	wty "supportal/domain/warranty"
)

const password = webtest.Password

// The credit codes of the test companies.
const (
	codeA = "91310110666007217T"
	codeB = "91440300MA5F0KQ2XL"
)

// now is the tests' fixed clock: 27 November 2026, 10:00 in Shanghai.
var now = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// verifications is the fake verification port: the verified credit code of
// each company, Forbidden for every other company.
type verifications struct {
	mu    sync.Mutex
	codes map[int64]string
}

func (v *verifications) VerifiedCreditCode(_ context.Context, companyID int64) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.codes[companyID]; ok {
		return c, nil
	}
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

func (v *verifications) set(companyID int64, code string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.codes[companyID] = code
}

// env is the web edge over the in-memory stores, wired as main wires it.
type env struct {
	t      testing.TB
	app    *web.Server
	ids    *ident.Service
	svc    *wty.Service
	store  *memory.WarrantyStore
	verifs *verifications
}

func newEnv(t testing.TB) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with the lookup answered by lookup (the in-memory
// store when nil).
func newEnvWith(t testing.TB, lookup wty.Lookup) *env {
	t.Helper()
	e := &env{t: t, store: memory.NewWarrantyStore(), verifs: &verifications{codes: map[int64]string{}}}
	if lookup == nil {
		lookup = e.store
	}
	e.ids = ident.NewService(webtest.IdentityDeps(memory.NewIdentityStore(), memory.NewOutbox(), memory.NewAudit(), "test"))
	e.svc = wty.NewService(wty.Deps{Importer: e.store, Runs: e.store, Lookup: lookup, Verifications: e.verifs,
		Tx: memory.NewWarrantyTx(e.store, memory.NewAudit()), Now: func() time.Time { return now }})
	e.app = webtest.NewServer(t, web.Config{}, e.ids, func(s *web.Server) {
		s.Verified = func(ctx context.Context, a ident.Account) bool {
			_, err := e.verifs.VerifiedCreditCode(ctx, a.CompanyID)
			return err == nil
		}
		identityweb.Register(s, e.ids)
		h := warrantyweb.Register(s, e.svc)
		h.Now = func() time.Time { return now }
	})
	return e
}

// customer creates a customer whose company is verified for code ("" for
// an unverified one).
func (e *env) customer(email, code string) ident.Account {
	e.t.Helper()
	a := webtest.SeedCustomer(e.t, e.ids, email, "CN", "上海示例科技有限公司")
	if code != "" {
		e.verifs.set(a.CompanyID, code)
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

func (e *env) client(lang string) *webtest.Client { return webtest.NewClient(e.t, e.app, lang) }

// signedIn returns a browser signed in as email.
func (e *env) signedIn(lang, email string) *webtest.Client {
	e.t.Helper()
	c := e.client(lang)
	c.Get("/login")
	c.Login("/login", email)
	return c
}

// snOrder returns the serial numbers of the page's devices in order.
var snCell = regexp.MustCompile(`<td rowspan="\d+" class="mono"[^>]*>([^<]+)</td>`)

func sns(r *webtest.Response) []string {
	var out []string
	for _, m := range snCell.FindAllStringSubmatch(r.Body, -1) {
		out = append(out, m[1])
	}
	return out
}
