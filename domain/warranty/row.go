// Package warranty holds the devices and service lines customers look up in
// 服务查询 (SPEC §3): the import of batches from internal systems, coverage,
// and the company-scoped lookup.
package warranty

import (
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain/creditcode"
)

// Columns is the header of an import file, in order.
var Columns = []string{"customer_credit_code", "customer_name", "device_name", "device_sn", "order_no",
	"service_sku", "service_name", "start_date", "end_date"}

// Row is one valid service line of an import.
type Row struct {
	Line        int
	OwnerCode   string
	OwnerName   string
	DeviceName  string
	SN          string
	OrderNo     string
	SKU         string
	ServiceName string
	Start, End  time.Time // dates at midnight UTC
}

// RowError says what is wrong with one cell: the line of the file (the header
// is line 1), the column, and a message id with its data.
type RowError struct {
	Line   int
	Column string
	Key    string
	Data   map[string]any
}

// The positions of Columns.
const (
	colCreditCode = iota
	colCustomerName
	colDeviceName
	colSN
	colOrderNo
	colSKU
	colServiceName
	colStart
	colEnd
)

// maxLen bounds each text column, in characters, by position in Columns
// (0: no bound).
var maxLen = [colEnd + 1]int{colCustomerName: 200, colDeviceName: 200, colSN: 64, colOrderNo: 64, colSKU: 64,
	colServiceName: 200}

const dateLayout = "2006-01-02"

// NormalizeSN trims and upper-cases a serial number.
func NormalizeSN(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ParseRow validates one record whose cells are in Columns order and returns
// the row or every problem found in it. It runs once per line of files of
// millions of lines, so it allocates only what the row keeps.
func ParseRow(line int, rec []string) (Row, []RowError) {
	var errs []RowError
	bad := func(col, key string, data map[string]any) {
		errs = append(errs, RowError{Line: line, Column: col, Key: key, Data: data})
	}
	var cell [colEnd + 1]string
	for i, c := range Columns {
		v := ""
		if i < len(rec) {
			v = strings.TrimSpace(rec[i])
		}
		cell[i] = v
		if v == "" && i != colOrderNo {
			bad(c, "import.error.required", nil)
			continue
		}
		// A string has at least as many bytes as characters.
		if max := maxLen[i]; max > 0 && len(v) > max && utf8.RuneCountInString(v) > max {
			bad(c, "import.error.too_long", map[string]any{"Count": max})
		}
		if key := textProblem(v); key != "" {
			bad(c, key, nil)
		}
	}
	r := Row{Line: line, OwnerName: cell[colCustomerName], DeviceName: cell[colDeviceName], SN: NormalizeSN(cell[colSN]),
		OrderNo: cell[colOrderNo], SKU: cell[colSKU], ServiceName: cell[colServiceName]}
	if v := cell[colCreditCode]; v != "" {
		r.OwnerCode = creditcode.Normalize(v)
		if e := creditcode.Validate(r.OwnerCode); e != nil {
			bad(Columns[colCreditCode], e.Key, e.Data)
		}
	}
	var okStart, okEnd bool
	r.Start, okStart = parseDate(cell[colStart])
	if cell[colStart] != "" && !okStart {
		bad(Columns[colStart], "import.error.date", nil)
	}
	r.End, okEnd = parseDate(cell[colEnd])
	if cell[colEnd] != "" && !okEnd {
		bad(Columns[colEnd], "import.error.date", nil)
	}
	if okStart && okEnd && r.End.Before(r.Start) {
		bad(Columns[colEnd], "import.error.end_before_start", nil)
	}
	return r, errs
}

// textProblem returns import.error.encoding when s is not valid UTF-8,
// else import.error.control when it holds a control character, else "".
// unicode.IsControl holds for U+0000–U+001F, U+007F and U+0080–U+009F; in
// valid UTF-8 the last are the byte 0xC2 followed by 0x80–0x9F, so bytes
// tell them without decoding runes.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "import.error.encoding"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7F || (c == 0xC2 && i+1 < len(s) && s[i+1] <= 0x9F) {
			return "import.error.control"
		}
	}
	return ""
}

// parseDate accepts YYYY-MM-DD (and YYYY/MM/DD) between 1990 and 2199.
// Ten digits and separators are read directly; anything else goes through
// time.Parse, which accepts nothing more of this layout.
func parseDate(s string) (time.Time, bool) {
	if t, ok, sure := parseDateFast(s); sure {
		return t, ok
	}
	s = strings.ReplaceAll(s, "/", "-")
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 1990 || t.Year() > 2199 {
		return time.Time{}, false
	}
	return t, true
}

// parseDateFast parses s when it is four, two and two digits separated by
// '-' or '/' (sure is false otherwise) with the checks of time.Parse: a
// month of 1–12 and a day that exists in that month.
func parseDateFast(s string) (t time.Time, ok, sure bool) {
	if len(s) != len(dateLayout) || (s[4] != '-' && s[4] != '/') || (s[7] != '-' && s[7] != '/') {
		return time.Time{}, false, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false, false
		}
		n = n*10 + int(s[i]-'0')
	}
	year, month, day := n/10000, time.Month(n/100%100), n%100
	if year < 1990 || year > 2199 || month < 1 || month > 12 || day < 1 || day > time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false, true
	}
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC), true, true
}
