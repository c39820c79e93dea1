package warranty

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

var good = []string{"91310110666007217T", "上海示例数据科技有限公司", "AnyBackup 一体机", " as2021r346p3yd ", "PO-1", "SVC-STD-1Y", "标准维保服务(5x8)", "2025-01-01", "2026-01-01"}

func with(i int, v string) []string {
	r := append([]string(nil), good...)
	r[i] = v
	return r
}

func TestParseRow(t *testing.T) {
	r, errs := ParseRow(2, good)
	if len(errs) != 0 || r.SN != "AS2021R346P3YD" || r.OwnerCode != "91310110666007217T" || r.Start.Year() != 2025 {
		t.Fatalf("good row: %+v %v", r, errs)
	}
	tests := []struct {
		rec      []string
		col, key string
	}{
		{with(0, "91310110666007217U"), "customer_credit_code", "error.credit_code.check"},
		{with(0, ""), "customer_credit_code", "import.error.required"},
		{with(3, ""), "device_sn", "import.error.required"},
		{with(3, strings.Repeat("A", 65)), "device_sn", "import.error.too_long"},
		{with(7, "2025-02-30"), "start_date", "import.error.date"},
		{with(7, "01/02/2025"), "start_date", "import.error.date"},
		{with(8, "2024-12-31"), "end_date", "import.error.end_before_start"},
		{with(6, "bad\xffutf8"), "service_name", "import.error.encoding"},
		{with(2, "Box\x00"), "device_name", "import.error.control"},
		{with(2, "two\nlines"), "device_name", "import.error.control"},
	}
	for _, tt := range tests {
		_, errs := ParseRow(7, tt.rec)
		if len(errs) == 0 || errs[0].Column != tt.col || errs[0].Key != tt.key || errs[0].Line != 7 {
			t.Errorf("%v: want %s/%s on line 7, got %+v", tt.rec, tt.col, tt.key, errs)
		}
	}
	if _, errs := ParseRow(3, with(4, "")); len(errs) != 0 {
		t.Errorf("order number is optional: %v", errs)
	}
	if r, errs := ParseRow(3, with(7, "2025/01/01")); len(errs) != 0 || r.Start.Month() != 1 {
		t.Errorf("slashes in dates: %v", errs)
	}
}

func TestCSVSource(t *testing.T) {
	in := "\ufeffdevice_sn,customer_credit_code,customer_name,device_name,order_no,service_sku,service_name,start_date,end_date\n" +
		"SN1,91310110666007217T,A,\"Box \"\"主机房\"\", 机柜 3\",PO,SKU,Svc,2025-01-01,2026-01-01\n" +
		"SN2,91310110666007217T,A,B\n" +
		"SN3,91310110666007217T,A,C,PO,SKU,Svc,2025-01-01,2026-01-01\n"
	src, err := NewCSVSource(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	line, rec, err := src.Next()
	if err != nil || line != 2 || rec[3] != "SN1" || rec[2] != `Box "主机房", 机柜 3` {
		t.Fatalf("first record: %d %q %v", line, rec, err)
	}
	var cce *CellCountError
	if _, _, err := src.Next(); !errors.As(err, &cce) || cce.Line != 3 || cce.Got != 4 {
		t.Fatalf("short record: %v", err)
	}
	if line, rec, err := src.Next(); err != nil || line != 4 || rec[3] != "SN3" {
		t.Fatalf("third record: %d %q %v", line, rec, err)
	}
	if _, _, err := src.Next(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
	if _, err := NewCSVSource(strings.NewReader("a,b,c\n1,2,3\n")); err == nil || !strings.Contains(err.Error(), "import.error.header") {
		t.Fatalf("wrong header accepted: %v", err)
	}
	if _, err := NewCSVSource(strings.NewReader("")); err == nil {
		t.Fatal("empty file accepted")
	}
}

// FuzzParseCSV feeds arbitrary bytes through the CSV source and the row
// parser: nothing panics, and an accepted row has a valid owner code, a
// normalised serial number and end ≥ start.
func FuzzParseCSV(f *testing.F) {
	header := strings.Join(Columns, ",") + "\n"
	f.Add(header + strings.Join(good, ",") + "\n")
	f.Add(header + "\"unterminated\n")
	f.Add("\ufeff" + header + ",,,,,,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		src, err := NewCSVSource(strings.NewReader(in))
		if err != nil {
			return
		}
		for i := 0; i < 100; i++ {
			line, rec, err := src.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				continue
			}
			r, errs := ParseRow(line, rec)
			if len(errs) == 0 && (r.SN != NormalizeSN(r.SN) || r.SN == "" || r.End.Before(r.Start) || len(r.OwnerCode) != 18) {
				t.Fatalf("accepted a bad row: %+v", r)
			}
		}
	})
}

// FuzzSearchInput checks that normalising any search input gives bounded,
// trimmed values and a known sort.
func FuzzSearchInput(f *testing.F) {
	f.Add("AnyBackup", " as2021 ", "end_asc", 3)
	f.Add(strings.Repeat("名", 300), strings.Repeat("x", 100), "'; DROP TABLE", -5)
	f.Fuzz(func(t *testing.T, name, sn, sort string, page int) {
		in := SearchInput{Name: name, SN: sn, Sort: sort, Page: page}.Normalize()
		if len([]rune(in.Name)) > maxNameFrag || len([]rune(in.SN)) > 64 || in.Page < 1 || in.Page > 1000 {
			t.Fatalf("unbounded: %+v", in)
		}
		if in.Sort != SortEndAsc && in.Sort != SortEndDesc {
			t.Fatalf("unknown sort %q", in.Sort)
		}
		if in.SN != strings.ToUpper(in.SN) {
			t.Fatalf("serial not upper-cased: %q", in.SN)
		}
	})
}

// refParseDate and refTextProblem are the plain versions of parseDate and
// textProblem, which take shortcuts for speed.
func refParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, strings.ReplaceAll(s, "/", "-"))
	if err != nil || t.Year() < 1990 || t.Year() > 2199 {
		return time.Time{}, false
	}
	return t, true
}

func refTextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "import.error.encoding"
	case strings.ContainsFunc(s, unicode.IsControl):
		return "import.error.control"
	}
	return ""
}

// checkShortcuts fails when parseDate or textProblem disagree with their
// plain versions on s.
func checkShortcuts(t *testing.T, s string) {
	t.Helper()
	got, ok := parseDate(s)
	want, wantOK := refParseDate(s)
	if ok != wantOK || !got.Equal(want) || got.Location() != want.Location() {
		t.Errorf("parseDate(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
	}
	if got, want := textProblem(s), refTextProblem(s); got != want {
		t.Errorf("textProblem(%q) = %q, want %q", s, got, want)
	}
}

func TestRowShortcuts(t *testing.T) {
	for _, s := range []string{"2025-01-01", "2025/01/01", "2025-01/31", "2024-02-29", "2023-02-29", "2100-02-29",
		"2000-02-29", "1990-01-01", "1989-12-31", "2199-12-31", "2200-01-01", "2025-00-10", "2025-13-01",
		"2025-04-31", "2025-04-30", "2025-01-00", "2025-1-01", "+025-01-01", "2025-01-0a", "2025 01 01",
		"２０２５-01-01", "2025-01-01 ", "", "abc", "Box\x00", "a\x7fb", "a\u0085b", "a\u00a0b", "\ufffd",
		"bad\xffutf8\x01", "\x01bad\xff", "\xed\xa0\x80", "设备 名称", "tab\there"} {
		checkShortcuts(t, s)
	}
	for d := time.Date(1989, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2201; d = d.AddDate(0, 0, 1) {
		checkShortcuts(t, d.Format(dateLayout))
	}
}

// FuzzRowShortcuts compares parseDate and textProblem with their plain
// versions.
func FuzzRowShortcuts(f *testing.F) {
	f.Add("2025-01-01")
	f.Add("2024/02/29")
	f.Add("设备\x00")
	f.Fuzz(checkShortcuts)
}
