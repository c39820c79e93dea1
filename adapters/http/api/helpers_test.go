package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	web "supportal/adapters/http"
	"supportal/adapters/http/api"
	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/warranty"
)

// fixture is the API over the memory stores, with one active service token.
type fixture struct {
	s        *web.Server
	h        *api.Handler
	ids      *identity.Service
	warranty *memory.WarrantyStore
	importer *watchedImporter
	audit    *memory.Audit
	secret   string
	tokenID  int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := web.LoadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	st := memory.NewIdentityStore()
	deps := webtest.IdentityDeps(st, memory.NewOutbox(), memory.NewAudit(), "test-secret")
	deps.Tokens = st
	ids := identity.NewService(deps)
	ws, audit := memory.NewWarrantyStore(), memory.NewAudit()
	wi := &watchedImporter{Importer: ws}
	svc := warranty.NewService(warranty.Deps{Importer: wi, Runs: ws, Lookup: ws, Tx: memory.NewWarrantyTx(ws, audit),
		Verifications: unverified{}})
	s := web.New(web.Config{BodyLimit: 64 << 10, StreamRequestBody: true}, b, v, slog.New(slog.NewTextHandler(io.Discard, nil)), ids)
	h := api.Register(s, ids, svc)
	s.NotFound()
	secret, tok, err := ids.CreateToken(context.Background(), "erp-sync")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{s: s, h: h, ids: ids, warranty: ws, importer: wi, audit: audit, secret: secret, tokenID: tok.ID}
}

// unverified is a warranty.Verifications for the API, which looks nothing up.
type unverified struct{}

func (unverified) VerifiedCreditCode(context.Context, int64) (string, error) {
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// request builds an import request with the fixture's token.
func (f *fixture) request(query, ctype string, body io.Reader) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, api.ImportsPath+query, body)
	req.Header.Set("Authorization", "Bearer "+f.secret)
	req.Header.Set("Content-Type", ctype)
	return req
}

// do sends req through app.Test and decodes the JSON answer.
func (f *fixture) do(t *testing.T, req *http.Request) (int, result) {
	t.Helper()
	res, err := f.s.App.Test(req, 30_000)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return decode(t, res)
}

func decode(t *testing.T, res *http.Response) (int, result) {
	t.Helper()
	data, _ := io.ReadAll(res.Body)
	var r result
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("status %d, not JSON: %v\n%s", res.StatusCode, err, data)
	}
	return res.StatusCode, r
}

// result is the JSON answer of the API, errors and summaries alike.
type result struct {
	RunID  int64           `json:"run_id"`
	Status string          `json:"status"`
	Counts warranty.Counts `json:"counts"`
	Errors []struct {
		Line    int    `json:"line"`
		Column  string `json:"column"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
	More     bool `json:"more_errors"`
	Warnings []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"warnings"`
	Error string `json:"error"`
	Code  string `json:"code"`
}

const header = "customer_credit_code,customer_name,device_name,device_sn,order_no,service_sku,service_name,start_date,end_date\n"

// row is a valid line of an import file for device n.
func row(n int) string {
	return fmt.Sprintf("91310110666007217T,上海示例数据科技有限公司,AnyBackup 一体机 %d,AS%08d,PO-%d,SVC-STD-1Y,标准维保服务(5x8),2025-01-01,2026-01-01\n", n, n, n)
}

func csvOf(rows ...string) string { return header + strings.Join(rows, "") }

// watchedImporter counts the rows added to its batches and closes reached
// once `at` rows are in, so a test can see the import run while the body is
// still being sent.
type watchedImporter struct {
	warranty.Importer
	added   atomic.Int64
	at      int64
	reached chan struct{}
}

func (w *watchedImporter) BeginImport(ctx context.Context) (warranty.Batch, error) {
	b, err := w.Importer.BeginImport(ctx)
	if err != nil {
		return nil, err
	}
	return &watchedBatch{Batch: b, w: w}, nil
}

type watchedBatch struct {
	warranty.Batch
	w *watchedImporter
}

func (b *watchedBatch) Add(ctx context.Context, r warranty.Row) error {
	if n := b.w.added.Add(1); n == b.w.at && b.w.reached != nil {
		close(b.w.reached)
	}
	return b.Batch.Add(ctx, r)
}

// wait returns false when ch is not closed within d.
func wait(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}
