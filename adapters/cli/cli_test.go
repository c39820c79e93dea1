package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportal/adapters/cli"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/warranty"
)

// world is the commands over services on the memory stores.
type world struct {
	cmd    cli.Commands
	out    *bytes.Buffer
	errOut *bytes.Buffer
	audit  *memory.Audit
	opened int
	closed int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := memory.NewIdentityStore()
	deps := webtest.IdentityDeps(st, memory.NewOutbox(), memory.NewAudit(), "test")
	deps.Tokens = st
	ids := identity.NewService(deps)
	ws, audit := memory.NewWarrantyStore(), memory.NewAudit()
	wsvc := warranty.NewService(warranty.Deps{Importer: ws, Runs: ws, Lookup: ws, Verifications: unverified{},
		Tx: memory.NewWarrantyTx(ws, audit)})
	w := &world{out: &bytes.Buffer{}, errOut: &bytes.Buffer{}, audit: audit}
	w.cmd = cli.Commands{Stdout: w.out, Stderr: w.errOut, Operator: "ops",
		Open: func(context.Context) (cli.Services, func() error, error) {
			w.opened++
			return cli.Services{Identity: ids, Warranty: wsvc}, func() error { w.closed++; return nil }, nil
		}}
	return w
}

type unverified struct{}

func (unverified) VerifiedCreditCode(context.Context, int64) (string, error) {
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

const header = "customer_credit_code,customer_name,device_name,device_sn,order_no,service_sku,service_name,start_date,end_date\n"

func row(sn, end string) string {
	return "91440300MA5F0KQ2XL,深圳示例科技有限公司,AnyBackup 一体机," + sn + ",PO-1,SVC-STD-1Y,标准维保服务(5x8),2025-01-01," + end + "\n"
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportRejectedOutput checks the exact output of a rejected batch: the
// summary, the row errors, an empty line, then the error; and that the run
// is audited once, naming who ran it.
func TestImportRejectedOutput(t *testing.T) {
	w := newWorld(t)
	const dateErr = "The date must be a valid date between 1990 and 2199 written as YYYY-MM-DD."
	err := w.cmd.Import(t.Context(), []string{"warranty", "--file", writeFile(t, header+row("SN-1", "2026-01-01")+row("SN-2", "2026-13-01"))})
	want := "import run 1 (upsert): failed\n" +
		"read 2, inserted 0, updated 0, unchanged 0, removed 0, rejected 1\n" +
		"line 3, column end_date: " + dateErr + "\n" +
		"\n"
	if w.out.String() != want || w.errOut.String() != "" {
		t.Errorf("stdout of one bad row =\n%q\nwant\n%q (stderr %q)", w.out.String(), want, w.errOut.String())
	}
	const oneErr = "1 row is invalid, so the whole batch was rejected and nothing was changed. Correct the row, or import with the option to skip invalid rows."
	if err == nil || err.Error() != oneErr {
		t.Errorf("error of one bad row = %v, want %q", err, oneErr)
	}
	events, _ := w.audit.Events(t.Context(), time.Time{}, 10)
	if len(events) != 1 || events[0].Type != warranty.AuditImport || events[0].UserAgent != "supportal-cli" ||
		!strings.Contains(events[0].Detail, `user="ops"`) || !strings.Contains(events[0].Detail, `source="cli:data.csv"`) ||
		!strings.Contains(events[0].Detail, "status=failed") {
		t.Errorf("audit = %+v", events)
	}
	if w.opened != 1 || w.closed != 1 {
		t.Errorf("services opened %d times, closed %d", w.opened, w.closed)
	}

	w.out.Reset()
	err = w.cmd.Import(t.Context(), []string{"warranty", "--file", writeFile(t, header+row("SN-1", "2026-01-01")+row("SN-2", "2026-13-01")), "--skip-invalid"})
	want = "import run 2 (upsert): succeeded\n" +
		"read 2, inserted 1, updated 0, unchanged 0, removed 0, rejected 1\n" +
		"1 row was skipped as invalid:\n" +
		"line 3, column end_date: " + dateErr + "\n"
	if err != nil || w.out.String() != want {
		t.Errorf("skipping one bad row: %v\n%q\nwant\n%q", err, w.out.String(), want)
	}
}

// TestUsageBeforeServices checks that wrong arguments are refused before
// the services are opened (no database is reached).
func TestUsageBeforeServices(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		run  func() error
		want string
	}{
		{"import without a file", func() error { return w.cmd.Import(ctx, []string{"warranty"}) }, "usage"},
		{"import of something else", func() error { return w.cmd.Import(ctx, []string{"devices", "--file", "x"}) }, "usage"},
		{"import of a missing file", func() error {
			return w.cmd.Import(ctx, []string{"warranty", "--file", filepath.Join(t.TempDir(), "missing.csv")})
		}, "no such file"},
		{"unknown token command", func() error { return w.cmd.Token(ctx, []string{"rotate"}) }, "usage"},
		{"revoke without an id", func() error { return w.cmd.Token(ctx, []string{"revoke"}) }, "usage"},
		{"unknown role", func() error {
			return w.cmd.User(ctx, []string{"create", "--email", "x@example.com", "--role", "janitor"})
		}, "reviewer, agent or admin"},
		{"reset-2fa without an email", func() error { return w.cmd.User(ctx, []string{"reset-2fa"}) }, "usage"},
	} {
		if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if w.opened != 0 {
		t.Errorf("services opened %d times for refused arguments", w.opened)
	}
}

// TestOpenFails checks that a command reports why its services could not be
// opened.
func TestOpenFails(t *testing.T) {
	w := newWorld(t)
	down := errors.New("database: connection refused")
	w.cmd.Open = func(context.Context) (cli.Services, func() error, error) { return cli.Services{}, nil, down }
	if err := w.cmd.Token(t.Context(), []string{"list"}); !errors.Is(err, down) {
		t.Errorf("token list with the database down: %v", err)
	}
}

// TestTokens creates, lists and revokes a service token.
func TestTokens(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	if err := w.cmd.Token(ctx, []string{"list"}); err != nil || w.out.String() != "no service tokens\n" {
		t.Fatalf("empty list: %v %q", err, w.out.String())
	}
	w.out.Reset()
	if err := w.cmd.Token(ctx, []string{"create", "--name", "erp-sync"}); err != nil ||
		!strings.HasPrefix(w.out.String(), "created service token 1 (erp-sync)\ntoken: spt_") {
		t.Fatalf("create: %v %q", err, w.out.String())
	}
	w.out.Reset()
	if err := w.cmd.Token(ctx, []string{"list"}); err != nil || !strings.Contains(w.out.String(), "erp-sync") ||
		!strings.Contains(w.out.String(), " UTC  -") {
		t.Fatalf("list: %v %q", err, w.out.String())
	}
	w.out.Reset()
	if err := w.cmd.Token(ctx, []string{"revoke", "--id", "1"}); err != nil || w.out.String() != "revoked service token 1\n" {
		t.Fatalf("revoke: %v %q", err, w.out.String())
	}
	if err := w.cmd.Token(ctx, []string{"revoke", "--id", "1"}); err == nil || !strings.Contains(err.Error(), "No active service token") {
		t.Fatalf("revoke twice: %v", err)
	}
}
