package xlsx

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"supportal/domain"
	"supportal/domain/warranty"
)

// header puts device_sn first, so the test also sees the columns reordered.
var header = []any{"device_sn", "Customer_Credit_Code", "customer_name", "device_name", "order_no", "service_sku", "service_name", "start_date", "end_date"}

// workbook builds an XLSX file: rows start at row 1 (nil leaves a row blank);
// fill may style cells afterwards.
func workbook(t *testing.T, rows [][]any, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if fill != nil {
		fill(f)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dateStyle(t *testing.T, f *excelize.File, format string) int {
	t.Helper()
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSource(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	rows := [][]any{
		header,
		// text dates, a quoted name, a serial number in lower case
		{"as-1", "91310110666007217T", "上海示例数据科技有限公司", `Box "主机房", 机柜 3`, "PO-1", "SVC", "标准维保服务(5x8)", "2025-01-01", "2026-01-01"},
		// real date cells, styled below as 1/2/25 and as yyyy-mm-dd
		{"AS-2", "91310110666007217T", "A", "B", "", "SVC", "Svc", day("2025-01-02"), day("2026-01-02")},
		nil, // a blank row is skipped, the row numbers stay the sheet's
		// short: no end date (trailing cells missing)
		{"AS-3", "91310110666007217T", "A", "B", "PO", "SVC", "Svc", "2025-01-01"},
		// one cell more than the header
		{"AS-4", "91310110666007217T", "A", "B", "PO", "SVC", "Svc", "2025-01-01", "2026-01-01", "extra"},
		// a date typed as a plain number keeps failing validation
		{"AS-5", "91310110666007217T", "A", "B", "PO", "SVC", "Svc", "2025-01-01", 20260101},
	}
	data := workbook(t, rows, func(f *excelize.File) {
		if err := f.SetCellStyle("Sheet1", "H3", "H3", dateStyle(t, f, "m/d/yy")); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", "I3", "I3", dateStyle(t, f, "yyyy-mm-dd")); err != nil {
			t.Fatal(err)
		}
	})
	src, err := NewSource(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	line, rec, err := src.Next()
	if err != nil || line != 2 {
		t.Fatalf("row 2: %d %q %v", line, rec, err)
	}
	r, problems := warranty.ParseRow(line, rec)
	if len(problems) != 0 || r.SN != "AS-1" || r.DeviceName != `Box "主机房", 机柜 3` || r.OwnerCode != "91310110666007217T" || r.End.Year() != 2026 {
		t.Fatalf("row 2 parsed: %+v %v", r, problems)
	}

	line, rec, err = src.Next()
	if err != nil || line != 3 {
		t.Fatalf("row 3: %d %q %v", line, rec, err)
	}
	if rec[7] != "2025-01-02" || rec[8] != "2026-01-02" {
		t.Errorf("date cells read as %q and %q", rec[7], rec[8])
	}
	if r, problems := warranty.ParseRow(line, rec); len(problems) != 0 || !r.Start.Equal(day("2025-01-02")) || r.OrderNo != "" {
		t.Errorf("row 3 parsed: %+v %v", r, problems)
	}

	line, rec, err = src.Next()
	if err != nil || line != 5 || len(rec) != len(warranty.Columns) || rec[8] != "" {
		t.Fatalf("short row 5: %d %q %v", line, rec, err)
	}
	if _, problems := warranty.ParseRow(line, rec); len(problems) != 1 || problems[0].Column != "end_date" || problems[0].Line != 5 {
		t.Errorf("row 5 problems: %+v", problems)
	}

	var cce *warranty.CellCountError
	if line, _, err = src.Next(); !errors.As(err, &cce) || cce.Line != 6 || cce.Want != 9 || cce.Got != 10 || line != 6 {
		t.Fatalf("long row 6: %d %v", line, err)
	}

	line, rec, err = src.Next()
	if err != nil || line != 7 {
		t.Fatalf("row 7: %d %q %v", line, rec, err)
	}
	if _, problems := warranty.ParseRow(line, rec); len(problems) != 1 || problems[0].Column != "end_date" || problems[0].Key != "import.error.date" {
		t.Errorf("row 7 problems: %+v", problems)
	}

	if _, _, err := src.Next(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestSourceRejects(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"not a workbook", []byte("customer_credit_code,customer_name\n"), "import.error.xlsx"},
		{"a truncated workbook", workbook(t, [][]any{header}, nil)[:200], "import.error.xlsx"},
		{"wrong header", workbook(t, [][]any{{"a", "b"}, {"1", "2"}}, nil), "import.error.header"},
		{"empty sheet", workbook(t, nil, nil), "import.error.empty"},
	}
	for _, tt := range tests {
		_, err := NewSource(bytes.NewReader(tt.data))
		if de := domain.As(err); de.Kind != domain.Invalid || de.Key != tt.key {
			t.Errorf("%s: want Invalid %s, got %v", tt.name, tt.key, err)
		}
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestSourceReadError(t *testing.T) {
	_, err := NewSource(io.MultiReader(strings.NewReader("PK\x03\x04"), failingReader{}))
	if err == nil || domain.KindOf(err) != domain.Internal || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("a failing upload: %v", err)
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		raw  string
		want string
		ok   bool
	}{
		{"45658", "2025-01-01", true},
		{"45658.75", "2025-01-01", true},
		{"44197", "2021-01-01", true},
		{"0", "", false},
		{"-3", "", false},
		{"1e300", "", false},
		{"NaN", "", false},
		{"2025-01-01", "", false},
	}
	for _, tt := range tests {
		if got, ok := serialDate(tt.raw, false); got != tt.want || ok != tt.ok {
			t.Errorf("serialDate(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
	if got, _ := serialDate("44197", true); got != "2025-01-02" {
		t.Errorf("1904 system: %s", got)
	}
}
