// Package warranty holds the devices and service lines customers look up in
// 服务查询 (SPEC §3): the import of batches from internal systems, coverage,
// and the company-scoped lookup.
package warranty

import (
	"strings"
	"time"
	"unicode"
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

// maxLen bounds each text column, in characters.
var maxLen = map[string]int{"customer_name": 200, "device_name": 200, "device_sn": 64, "order_no": 64,
	"service_sku": 64, "service_name": 200}

const dateLayout = "2006-01-02"

// NormalizeSN trims and upper-cases a serial number.
func NormalizeSN(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ParseRow validates one record whose cells are in Columns order and returns
// the row or every problem found in it.
func ParseRow(line int, rec []string) (Row, []RowError) {
	var errs []RowError
	bad := func(col, key string, data map[string]any) {
		errs = append(errs, RowError{Line: line, Column: col, Key: key, Data: data})
	}
	cell := make(map[string]string, len(Columns))
	for i, c := range Columns {
		v := ""
		if i < len(rec) {
			v = strings.TrimSpace(rec[i])
		}
		cell[c] = v
		if v == "" && c != "order_no" {
			bad(c, "import.error.required", nil)
			continue
		}
		if max, ok := maxLen[c]; ok && utf8.RuneCountInString(v) > max {
			bad(c, "import.error.too_long", map[string]any{"Max": max})
		}
		if !utf8.ValidString(v) {
			bad(c, "import.error.encoding", nil)
		} else if strings.ContainsFunc(v, unicode.IsControl) {
			bad(c, "import.error.control", nil)
		}
	}
	r := Row{Line: line, OwnerName: cell["customer_name"], DeviceName: cell["device_name"], SN: NormalizeSN(cell["device_sn"]),
		OrderNo: cell["order_no"], SKU: cell["service_sku"], ServiceName: cell["service_name"]}
	if v := cell["customer_credit_code"]; v != "" {
		r.OwnerCode = creditcode.Normalize(v)
		if e := creditcode.Validate(r.OwnerCode); e != nil {
			bad("customer_credit_code", e.Key, e.Data)
		}
	}
	var okStart, okEnd bool
	r.Start, okStart = parseDate(cell["start_date"])
	if cell["start_date"] != "" && !okStart {
		bad("start_date", "import.error.date", nil)
	}
	r.End, okEnd = parseDate(cell["end_date"])
	if cell["end_date"] != "" && !okEnd {
		bad("end_date", "import.error.date", nil)
	}
	if okStart && okEnd && r.End.Before(r.Start) {
		bad("end_date", "import.error.end_before_start", nil)
	}
	return r, errs
}

// parseDate accepts YYYY-MM-DD (and YYYY/MM/DD) between 1990 and 2199.
func parseDate(s string) (time.Time, bool) {
	s = strings.ReplaceAll(s, "/", "-")
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 1990 || t.Year() > 2199 {
		return time.Time{}, false
	}
	return t, true
}
