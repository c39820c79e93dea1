// Package webtest holds the helpers that the tests of the web modules share:
// a server wired over the in-memory fakes, a browser-like client that keeps
// cookies and the CSRF token, text assertions on pages, a fake clock and the
// lookup of translated texts. Only tests import it.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	web "supportal/adapters/http"
	"supportal/adapters/http/home"
	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	"supportal/adapters/totp"
	ident "supportal/domain/identity"
)

// Password is the password of every seeded account.
const Password = "Correct-Horse-42!"

// The translations and templates are parsed once for every test.
var (
	loadOnce sync.Once
	bundle   *i18n.Bundle
	views    *web.Views
	loadErr  error
)

// load parses the translations and the templates on the first call and
// returns them, or the error that parsing them gave.
func load() (*i18n.Bundle, *web.Views, error) {
	loadOnce.Do(func() {
		if bundle, loadErr = i18n.Load(); loadErr == nil {
			views, loadErr = web.LoadViews(bundle)
		}
	})
	return bundle, views, loadErr
}

// T translates a message id in lang like the pages do.
func T(lang, id string, data map[string]any) string {
	b, _, err := load()
	if err != nil {
		panic(err)
	}
	return b.T(lang, id, data)
}

// NewServer builds the web server with the shared translations and views and
// a logger that discards everything, authenticating sessions with auth. It
// calls register to install the routes under test and then, as main does,
// adds the home pages and the handler for unknown paths.
func NewServer(t testing.TB, cfg web.Config, auth web.Authenticator, register func(s *web.Server)) *web.Server {
	t.Helper()
	b, v, err := load()
	if err != nil {
		t.Fatal(err)
	}
	s := web.New(cfg, b, v, slog.New(slog.NewTextHandler(io.Discard, nil)), auth)
	register(s)
	home.Register(s, nil)
	s.NotFound()
	return s
}

// IdentityDeps returns the identity service's dependencies over one in-memory
// store, its units of work enqueueing notices in box and recording events in
// audit, with the fake hasher and the staff second factor, keying the code
// hashes with secret; the caller adds what its tests need besides.
func IdentityDeps(st *memory.IdentityStore, box *memory.Outbox, audit *memory.Audit, secret string) ident.Deps {
	return ident.Deps{Tx: memory.NewIdentityTx(st, box, audit), Accounts: st, Companies: st, Codes: st, Sessions: st,
		Attempts: st, Drafts: st, Hasher: memory.Hasher{}, Secret: []byte(secret), SecondFactors: st, OTP: totp.OTP{}}
}

// SeedCustomer creates a customer in country with the company named company
// and the password Password, and fails the test when that does not work.
// Customers of 中国大陆 get a mainland mobile number, the others one of
// Hong Kong.
func SeedCustomer(t testing.TB, svc *ident.Service, email, country, company string) ident.Account {
	t.Helper()
	mobile := "13800138000"
	if country != "CN" {
		mobile = "+85291234567"
	}
	a, err := svc.CreateCustomer(context.Background(),
		ident.AccountInfo{Country: country, Name: "李雷", JobTitle: "it_lead", Email: email, Mobile: mobile},
		ident.Company{Name: company, Industry: "it", Size: "21-100", Address: "上海市浦东新区世纪大道 1 号"}, Password)
	if err != nil {
		t.Fatalf("seed customer: %v", err)
	}
	return a
}
