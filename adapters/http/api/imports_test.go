package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"supportal/adapters/http/api"
	"supportal/domain/warranty"
)

func TestUnauthenticated(t *testing.T) {
	f := newFixture(t)
	revoked, tok, err := f.ids.CreateToken(context.Background(), "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ids.RevokeToken(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	for name, auth := range map[string]string{
		"missing":   "",
		"malformed": "Bearer not-a-token",
		"no scheme": f.secret,
		"basic":     "Basic " + f.secret,
		"unknown":   "Bearer spt_" + strings.Repeat("A", 43),
		"revoked":   "Bearer " + revoked,
	} {
		req := f.request("", "text/csv", strings.NewReader(csvOf(row(1))))
		req.Header.Del("Authorization")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := f.s.App.Test(req, 5000)
		if err != nil {
			t.Fatal(err)
		}
		status, r := decode(t, res)
		if status != http.StatusUnauthorized || r.Code != "error.token.invalid" || r.Error == "" || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s token: %d %+v", name, status, r)
		}
	}
	if f.importer.added.Load() != 0 {
		t.Error("a refused request imported rows")
	}
}

func TestImportCSV(t *testing.T) {
	f := newFixture(t)
	status, r := f.do(t, f.request("", "text/csv; charset=utf-8", strings.NewReader("\ufeff"+csvOf(row(1), row(2), row(3)))))
	if status != http.StatusOK || r.RunID == 0 || r.Status != "succeeded" || r.Counts.Read != 3 || r.Counts.Inserted != 3 || len(r.Errors) != 0 || r.Error != "" {
		t.Fatalf("import: %d %+v", status, r)
	}
	status, r = f.do(t, f.request("?mode=upsert", "text/csv", strings.NewReader(csvOf(row(1), row(2), row(3)))))
	if status != http.StatusOK || r.Counts.Unchanged != 3 || r.Counts.Inserted != 0 {
		t.Fatalf("same file again: %d %+v", status, r)
	}
	status, r = f.do(t, f.request("?mode=snapshot&dry_run=true", "text/csv", strings.NewReader(csvOf(row(1)))))
	if status != http.StatusOK || r.Status != "dry_run" || r.Counts.Removed != 2 {
		t.Fatalf("dry-run snapshot: %d %+v", status, r)
	}
	status, r = f.do(t, f.request("?mode=upsert", "text/csv", strings.NewReader(csvOf(row(1), row(2), row(3)))))
	if status != http.StatusOK || r.Counts.Unchanged != 3 {
		t.Fatalf("the dry run changed something: %d %+v", status, r)
	}

	events, err := f.audit.Events(t.Context(), time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	token := fmt.Sprintf("token=%d ", f.tokenID)
	if len(events) != 4 || events[0].Type != warranty.AuditImport || !strings.Contains(events[0].Detail, token) ||
		!strings.Contains(events[0].Detail, `source="api:erp-sync"`) || !strings.Contains(events[0].Detail, "inserted=3") ||
		events[0].IP == "" || !strings.Contains(events[2].Detail, "status=dry_run") {
		t.Errorf("audit = %+v", events)
	}
}

func TestImportRejected(t *testing.T) {
	f := newFixture(t)
	bad := strings.Replace(row(2), "2026-01-01", "2026-02-30", 1)
	status, r := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(row(1), bad, "91310110666007217T,A,B\n"))))
	if status != http.StatusUnprocessableEntity || r.Status != "failed" || r.Code != "import.error.rejected" || r.Counts.Rejected != 2 || r.Counts.Inserted != 0 {
		t.Fatalf("bad rows: %d %+v", status, r)
	}
	if len(r.Errors) != 2 || r.Errors[0].Line != 3 || r.Errors[0].Column != "end_date" || r.Errors[0].Code != "import.error.date" ||
		r.Errors[0].Message == "" || r.Errors[0].Message == "import.error.date" || r.Errors[1].Line != 4 || r.Errors[1].Column != "" {
		t.Fatalf("row errors: %+v", r.Errors)
	}
	if strings.ContainsFunc(r.Errors[0].Message, func(c rune) bool { return c > 0x2E80 }) {
		t.Errorf("without Accept-Language the message should be English: %q", r.Errors[0].Message)
	}
	req := f.request("", "text/csv", strings.NewReader(csvOf(row(1), bad)))
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	if _, r := f.do(t, req); len(r.Errors) != 1 || !strings.ContainsFunc(r.Errors[0].Message, func(c rune) bool { return c > 0x2E80 }) {
		t.Errorf("Accept-Language zh: %+v", r.Errors)
	}

	status, r = f.do(t, f.request("?skip_invalid=true", "text/csv", strings.NewReader(csvOf(row(1), bad))))
	if status != http.StatusOK || r.Counts.Inserted != 1 || r.Counts.Rejected != 1 || len(r.Errors) != 1 {
		t.Fatalf("skip invalid: %d %+v", status, r)
	}
}

func TestImportErrorsBounded(t *testing.T) {
	f := newFixture(t)
	var rows []string
	for i := 0; i < 150; i++ {
		rows = append(rows, "91310110666007217T,A,B\n")
	}
	status, r := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(rows...))))
	if status != http.StatusUnprocessableEntity || len(r.Errors) != api.MaxErrors || !r.More || r.Counts.Rejected != 150 {
		t.Fatalf("150 bad rows: %d, %d errors, more %v, %+v", status, len(r.Errors), r.More, r.Counts)
	}
}

func TestImportRequestErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, query, ctype, body string
		status                   int
		code                     string
	}{
		{"bad mode", "?mode=replace", "text/csv", csvOf(row(1)), 422, "import.error.mode"},
		{"bad flag", "?dry_run=maybe", "text/csv", csvOf(row(1)), 422, "error.api.flag"},
		{"media type", "", "application/json", `{"rows":[]}`, 415, "error.api.media_type"},
		{"wrong header", "", "text/csv", "a,b\n1,2\n", 422, "import.error.header"},
		{"empty", "", "text/csv", "", 422, "import.error.empty"},
		{"header only", "", "text/csv", header, 422, "import.error.empty"},
		{"not a workbook", "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", csvOf(row(1)), 422, "import.error.xlsx"},
	}
	for _, tt := range tests {
		status, r := f.do(t, f.request(tt.query, tt.ctype, strings.NewReader(tt.body)))
		if status != tt.status || r.Code != tt.code || r.Error == "" || r.Error == tt.code {
			t.Errorf("%s: %d %+v, want %d %s", tt.name, status, r, tt.status, tt.code)
		}
	}
	f.h.MaxImportBytes = 1000
	status, r := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(row(1), row(2), row(3), row(4), row(5), row(6), row(7)))))
	if status != http.StatusRequestEntityTooLarge || r.Code != "error.too_large" {
		t.Errorf("over the import limit: %d %+v", status, r)
	}
}

func TestImportConflict(t *testing.T) {
	f := newFixture(t)
	b, err := f.warranty.BeginImport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	status, r := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(row(1)))))
	if status != http.StatusConflict || r.Code != "import.error.running" || r.RunID == 0 || r.Status != "failed" {
		t.Fatalf("while a batch is open: %d %+v", status, r)
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}
	if status, _ := f.do(t, f.request("", "text/csv", strings.NewReader(csvOf(row(1))))); status != http.StatusOK {
		t.Fatalf("after the batch ended: %d", status)
	}
}

func TestImportXLSX(t *testing.T) {
	f := newFixture(t)
	x := excelize.NewFile()
	defer x.Close()
	cols := strings.Split(strings.TrimSpace(header), ",")
	x.SetSheetRow("Sheet1", "A1", &cols)
	for i := 1; i <= 3; i++ {
		cells := strings.Split(strings.TrimSpace(row(i)), ",")
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		vals[8] = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // a real date cell
		x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &vals)
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	for _, ctype := range []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream"} {
		status, r := f.do(t, f.request("", ctype, bytes.NewReader(buf.Bytes())))
		if status != http.StatusOK || r.Counts.Read != 3 || r.Counts.Inserted+r.Counts.Unchanged != 3 {
			t.Fatalf("XLSX as %s: %d %+v", ctype, status, r)
		}
	}
}

// TestImportLargerThanBodyLimit sends through app.Test a body ten times the
// server's body limit, with a Content-Length.
func TestImportLargerThanBodyLimit(t *testing.T) {
	f := newFixture(t)
	var sb strings.Builder
	sb.WriteString(header)
	for i := 0; sb.Len() < 640<<10; i++ {
		sb.WriteString(row(i))
	}
	status, r := f.do(t, f.request("", "text/csv", strings.NewReader(sb.String())))
	if status != http.StatusOK || r.Counts.Inserted < 4000 {
		t.Fatalf("640 KB import: %d %+v", status, r)
	}
}

// TestImportStreams sends 20,000 rows, generated on the fly, through a real
// connection, chunked. The second half is only sent once the server has
// imported 5,000 rows of the first: a server that read the whole body before
// importing would never get there.
func TestImportStreams(t *testing.T) {
	f := newFixture(t)
	f.importer.at, f.importer.reached = 5000, make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.s.App.Listener(ln)
	t.Cleanup(func() { f.s.App.Shutdown() })

	pr, pw := io.Pipe()
	go func() {
		write := func(from, to int) error {
			for i := from; i < to; i++ {
				if _, err := io.WriteString(pw, row(i)); err != nil {
					return err
				}
			}
			return nil
		}
		if _, err := io.WriteString(pw, header); err != nil {
			return
		}
		if err := write(0, 10000); err != nil {
			return
		}
		if !wait(f.importer.reached, 20*time.Second) {
			pw.CloseWithError(errors.New("the server did not import while the body was being sent"))
			return
		}
		pw.CloseWithError(write(10000, 20000))
	}()
	req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+api.ImportsPath, pr)
	req.Header.Set("Authorization", "Bearer "+f.secret)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	status, r := decode(t, res)
	if status != http.StatusOK || r.Counts.Read != 20000 || r.Counts.Inserted != 20000 {
		t.Fatalf("20,000 streamed rows: %d %+v", status, r)
	}
}
