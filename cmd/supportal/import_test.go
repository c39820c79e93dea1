package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	web "supportal/adapters/http"
	"supportal/adapters/http/api"
	"supportal/adapters/minio/miniotest"
	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/smtp/mailbox"
	"supportal/domain/warranty"
	"supportal/ports"
)

// sampleCSV is the sample import of SPEC §3.3: 91 service lines.
const sampleCSV = "../../domain/warranty/testdata/warranty-sample.csv"

// migratedEnv returns the environment of a fresh, migrated database.
func migratedEnv(t *testing.T) (func(string) string, string) {
	t.Helper()
	url := pgtest.NewDB(t)
	e := env(map[string]string{"SUPPORTAL_DATABASE_URL": url, "SUPPORTAL_SECRET": strings.Repeat("s", 32)})
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, e, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v %s", err, errOut.String())
	}
	return e, url
}

// runCLI runs the command and returns its stdout and stderr.
func runCLI(t *testing.T, e func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, e, &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const importHeader = "customer_credit_code,customer_name,device_name,device_sn,order_no,service_sku,service_name,start_date,end_date\n"

func importRow(sn, end string) string {
	return fmt.Sprintf("91440300MA5F0KQ2XL,深圳示例科技有限公司,AnyBackup 一体机,%s,PO-1,SVC-STD-1Y,标准维保服务(5x8),2025-01-01,%s\n", sn, end)
}

func TestImportCLI(t *testing.T) {
	e, _ := migratedEnv(t)
	out, errOut, err := runCLI(t, e, "import", "warranty", "--file", sampleCSV)
	if err != nil || !strings.Contains(out, "read 91, inserted 91, updated 0, unchanged 0, removed 0, rejected 0") || !strings.Contains(out, "succeeded") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	if strings.Contains(errOut, "importing") {
		t.Errorf("a progress bar on a stderr that is not a terminal: %q", errOut)
	}
	out, _, err = runCLI(t, e, "import", "warranty", "--file", sampleCSV, "--quiet")
	if err != nil || !strings.Contains(out, "read 91, inserted 0, updated 0, unchanged 91") {
		t.Fatalf("same file again: %v\n%s", err, out)
	}

	bad := writeFile(t, "bad.csv", importHeader+importRow("SN-1", "2026-01-01")+importRow("SN-2", "2026-13-01"))
	out, _, err = runCLI(t, e, "import", "warranty", "--file", bad)
	if err == nil || !strings.Contains(err.Error(), "rejected") || !strings.Contains(out, "line 3, column end_date: ") ||
		!strings.Contains(out, "rejected 1") || !strings.Contains(out, "failed") {
		t.Fatalf("a bad row: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, e, "import", "warranty", "--file", bad, "--skip-invalid")
	if err != nil || !strings.Contains(out, "inserted 1") || !strings.Contains(out, "rejected 1") || !strings.Contains(out, "line 3, column end_date") {
		t.Fatalf("skipping the bad row: %v\n%s", err, out)
	}

	fresh := writeFile(t, "fresh.csv", importHeader+importRow("SN-3", "2026-01-01"))
	for i := 0; i < 2; i++ {
		out, _, err = runCLI(t, e, "import", "warranty", "--file", fresh, "--dry-run")
		if err != nil || !strings.Contains(out, "inserted 1") || !strings.Contains(out, "nothing was changed") {
			t.Fatalf("dry run %d: %v\n%s", i, err, out)
		}
	}
	// SN-1, imported with --skip-invalid, belongs to one of the sample's
	// customers but is not in the sample.
	out, _, err = runCLI(t, e, "import", "warranty", "--file", sampleCSV, "--mode", "snapshot", "--dry-run")
	if err != nil || !strings.Contains(out, "unchanged 91, removed 1") {
		t.Fatalf("snapshot dry run of the sample: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, e, "import", "warranty", "--file", sampleCSV)
	if err != nil || !strings.Contains(out, "unchanged 91") {
		t.Fatalf("the dry runs changed something: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"import", "warranty", "--file", fresh, "--mode", "replace"},
		{"import", "warranty", "--file", writeFile(t, "header.csv", "a,b\n1,2\n")},
		{"import", "warranty", "--file", filepath.Join(t.TempDir(), "missing.csv")},
		{"import", "warranty"},
		{"import", "devices", "--file", fresh},
	} {
		if _, _, err := runCLI(t, e, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if _, _, err := runCLI(t, e, "import", "warranty", "--file", fresh, "--mode", "replace"); err == nil || !strings.Contains(err.Error(), "upsert or snapshot") {
		t.Errorf("bad mode: %v", err)
	}
}

// TestImportCLIXLSX imports a workbook saved under a .csv name: the type is
// told by content.
func TestImportCLIXLSX(t *testing.T) {
	e, url := migratedEnv(t)
	f := excelize.NewFile()
	defer f.Close()
	cols := strings.Split(strings.TrimSpace(importHeader), ",")
	f.SetSheetRow("Sheet1", "A1", &cols)
	for i, sn := range []string{"X-1", "X-2"} {
		cells := strings.Split(strings.TrimSpace(importRow(sn, "2026-06-30")), ",")
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &cells)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, "export.csv", buf.String())
	asOps := func(k string) string {
		if k == "USER" {
			return "ops"
		}
		return e(k)
	}
	out, _, err := runCLI(t, asOps, "import", "warranty", "--file", p)
	if err != nil || !strings.Contains(out, "read 2, inserted 2") {
		t.Fatalf("XLSX import: %v\n%s", err, out)
	}
	ev := lastImportEvent(t, url)
	if !strings.Contains(ev.Detail, `source="cli:export.csv"`) || !strings.Contains(ev.Detail, "inserted=2") ||
		!strings.Contains(ev.Detail, `user="ops"`) || ev.UserAgent != "supportal-cli" {
		t.Errorf("audit event of the CLI import = %+v", ev)
	}
}

// lastImportEvent returns the audit log's last warranty_import event in the
// database at url.
func lastImportEvent(t *testing.T, url string) ports.AuditEvent {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	events, err := postgres.NewAudit(db).Events(t.Context(), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Type == warranty.AuditImport {
			return events[i]
		}
	}
	t.Fatalf("no warranty_import event among %+v", events)
	return ports.AuditEvent{}
}

var tokenRe = regexp.MustCompile(`token: (spt_[A-Za-z0-9_-]+)`)
var idRe = regexp.MustCompile(`created service token (\d+)`)

func TestTokenCLI(t *testing.T) {
	e, url := migratedEnv(t)
	out, _, err := runCLI(t, e, "token", "list")
	if err != nil || !strings.Contains(out, "no service tokens") {
		t.Fatalf("empty list: %v %q", err, out)
	}
	out, _, err = runCLI(t, e, "token", "create", "--name", "erp-sync")
	m, id := tokenRe.FindStringSubmatch(out), idRe.FindStringSubmatch(out)
	if err != nil || m == nil || id == nil || !strings.Contains(out, "shown only this once") {
		t.Fatalf("create: %v %q", err, out)
	}
	secret := m[1]
	if _, _, err := runCLI(t, e, "token", "create", "--name", "ERP-sync"); err == nil || !strings.Contains(err.Error(), "already has this name") {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, _, err := runCLI(t, e, "token", "create", "--name", ""); err == nil || !strings.Contains(err.Error(), "give the service token a name") {
		t.Fatalf("empty name: %v", err)
	}

	server := apiOver(t, url)
	importStatus := func() int {
		req, _ := http.NewRequest(http.MethodPost, api.ImportsPath, strings.NewReader(importHeader+importRow("T-1", "2026-01-01")))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "text/csv")
		res, err := server.App.Test(req, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		io.Copy(io.Discard, res.Body)
		return res.StatusCode
	}
	if status := importStatus(); status != http.StatusOK {
		t.Fatalf("import with the new token: %d", status)
	}
	if ev := lastImportEvent(t, url); !strings.Contains(ev.Detail, "token="+id[1]+" ") ||
		!strings.Contains(ev.Detail, `source="api:erp-sync"`) || !strings.Contains(ev.Detail, "status=succeeded") || ev.IP == "" {
		t.Errorf("audit event of the API import = %+v", ev)
	}
	out, _, err = runCLI(t, e, "token", "list")
	if err != nil || !strings.Contains(out, "erp-sync") || !strings.Contains(out, "LAST USED") || strings.Count(out, " UTC") != 2 {
		t.Fatalf("list after use: %v\n%s", err, out)
	}

	out, _, err = runCLI(t, e, "token", "revoke", "--id", id[1])
	if err != nil || !strings.Contains(out, "revoked service token "+id[1]) {
		t.Fatalf("revoke: %v %q", err, out)
	}
	if status := importStatus(); status != http.StatusUnauthorized {
		t.Fatalf("import with the revoked token: %d", status)
	}
	if _, _, err := runCLI(t, e, "token", "revoke", "--id", id[1]); err == nil || !strings.Contains(err.Error(), "No active service token") {
		t.Fatalf("revoke twice: %v", err)
	}
	out, _, _ = runCLI(t, e, "token", "list")
	if strings.Count(out, " UTC") != 3 {
		t.Errorf("list after revoking shows no revocation time:\n%s", out)
	}
	for _, args := range [][]string{{"token"}, {"token", "rotate"}, {"token", "revoke"}, {"token", "revoke", "--id", "x"}} {
		if _, _, err := runCLI(t, e, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

// apiOver builds the application as serve does, over the database at url,
// with a MinIO and a mailbox of the test's own.
func apiOver(t *testing.T, url string) *web.Server {
	t.Helper()
	endpoint, access, secret := miniotest.Server(t)
	box, err := mailbox.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { box.Close() })
	vars := map[string]string{"SUPPORTAL_DATABASE_URL": url, "SUPPORTAL_S3_ENDPOINT": endpoint, "SUPPORTAL_S3_ACCESS_KEY": access,
		"SUPPORTAL_S3_SECRET_KEY": secret, "SUPPORTAL_S3_BUCKET": miniotest.Bucket(t), "SUPPORTAL_SMTP_HOST": box.Host(),
		"SUPPORTAL_SMTP_PORT": strconv.Itoa(box.Port()), "SUPPORTAL_SMTP_TLS": "none", "SUPPORTAL_SECRET": strings.Repeat("s", 32)}
	cfg, err := loadConfig(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), box)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	return a.server
}
