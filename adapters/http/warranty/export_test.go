package warranty_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

// header is the export header in lang.
func header(lang string) []string {
	var out []string
	for _, id := range []string{"warranty.col.name", "warranty.col.sn", "warranty.col.order", "warranty.col.sku",
		"warranty.col.service", "warranty.col.start", "warranty.col.end", "warranty.col.coverage"} {
		out = append(out, webtest.T(lang, id, nil))
	}
	return out
}

// csvRows checks the download headers of a CSV export and returns its records.
func csvRows(t *testing.T, r *webtest.Response) [][]string {
	t.Helper()
	webtest.WantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="warranty-20261127.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if !bytes.HasPrefix(r.Raw, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no BOM: %q", r.Raw[:min(len(r.Raw), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(r.Raw[3:])).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, r.Raw)
	}
	return recs
}

// xlsxRows checks the download headers of an XLSX export, opens it and
// returns the rows of its one sheet.
func xlsxRows(t *testing.T, r *webtest.Response, lang string) [][]string {
	t.Helper()
	webtest.WantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="warranty-20261127.xlsx"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if want := webtest.T(lang, "nav.warranty", nil); !slices.Equal(sheets, []string{want}) {
		t.Fatalf("sheets %v, want [%s]", sheets, want)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExport(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			e.customer("a@example.com", codeA)
			e.customer("b@example.com", codeB)
			e.companyA()
			e.companyB()
			c := e.signedIn(lang, "a@example.com")
			cov := func(k string) string { return webtest.T(lang, "coverage."+k, nil) }

			// The current result: one device, four lines, with the badges' text.
			recs := csvRows(t, c.Get("/warranty/export.csv?sn=+ab3000-0001"))
			want := [][]string{header(lang),
				{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-FUTURE", "延保服务", "2027-01-01", "2028-12-31", cov("not_started")},
				{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-ACTIVE", "原厂维保 7x24", "2026-01-01", "2027-12-31", cov("active")},
				{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-EXPIRING", "现场支持", "2025-12-01", "2026-12-20", cov("expiring")},
				{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-EXPIRED", "软件升级", "2025-01-01", "2026-06-30", cov("expired")},
			}
			if !slices.EqualFunc(recs, want, slices.Equal) {
				t.Fatalf("csv =\n%q\nwant\n%q", recs, want)
			}
			rows := xlsxRows(t, c.Get("/warranty/export.xlsx?sn=AB3000-0001"), lang)
			if !slices.EqualFunc(rows, want, slices.Equal) {
				t.Fatalf("xlsx =\n%q\nwant\n%q", rows, want)
			}

			// Every page of the result, in its order, whatever page was shown.
			recs = csvRows(t, c.Get("/warranty/export.csv?name="+url.QueryEscape("存储服务器")+"&sort=end_asc&page=2"))
			if len(recs) != 31 || recs[1][1] != "SRV0001" || recs[30][1] != "SRV0030" {
				t.Fatalf("csv of 30 servers: %d rows, %q … %q", len(recs), recs[1], recs[len(recs)-1])
			}
			rows = xlsxRows(t, c.Get("/warranty/export.xlsx"), lang)
			if len(rows) != 1+4+1+30 || !slices.Equal(rows[0], header(lang)) || rows[1][1] != "AB5000-0002" {
				t.Fatalf("xlsx of everything: %d rows, first %q", len(rows), rows[1])
			}
			// Nothing matched: the header alone.
			recs = csvRows(t, c.Get("/warranty/export.csv?name=nothing"))
			if len(recs) != 1 {
				t.Fatalf("empty export: %q", recs)
			}
			if rows := xlsxRows(t, c.Get("/warranty/export.xlsx?name=nothing"), lang); len(rows) != 1 {
				t.Fatalf("empty xlsx export: %q", rows)
			}
		})
	}
}

// TestExportDateCells checks that the XLSX export's dates are date cells
// (serial numbers shown as yyyy-mm-dd), not text.
func TestExportDateCells(t *testing.T) {
	e := newEnv(t)
	e.customer("a@example.com", codeA)
	e.load(codeA, line{"Node", "D-1", "PO-1", "SVC", "服务", "2026-01-01", "2027-03-31"})
	r := e.signedIn(i18n.EN, "a@example.com").Get("/warranty/export.xlsx")
	webtest.WantStatus(t, r, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	for cell, want := range map[string]string{"F2": "2026-01-01", "G2": "2027-03-31"} {
		raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		serial, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Fatalf("%s = %q, not a date serial number", cell, raw)
		}
		if d, _ := excelize.ExcelDateToTime(serial, false); d.Format("2006-01-02") != want {
			t.Errorf("%s = %s, want %s", cell, d, want)
		}
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("%s: style %+v (%v), want the number format yyyy-mm-dd", cell, st, err)
		}
		if shown, _ := f.GetCellValue(sheet, cell); shown != want {
			t.Errorf("%s shows %q, want %q", cell, shown, want)
		}
	}
}

func TestExportDefusesFormulas(t *testing.T) {
	e := newEnv(t)
	e.customer("a@example.com", codeA)
	e.load(codeA, line{"=HYPERLINK(\"http://evil\")", "EVIL-1", "+1", "SVC", "@cmd", "2026-01-01", "2027-01-01"})
	recs := csvRows(t, e.signedIn(i18n.EN, "a@example.com").Get("/warranty/export.csv"))
	if got := recs[1]; got[0] != `'=HYPERLINK("http://evil")` || got[2] != "'+1" || got[4] != "'@cmd" || got[1] != "EVIL-1" {
		t.Fatalf("row %q", got)
	}
}

// echo matches the attributes that repeat the query.
var echo = regexp.MustCompile(`(href|hx-get|value)="[^"]*"`)

// TestIsolation is the isolation matrix: from each company, every lookup and
// export route with the other company's serial numbers, name fragments, pages
// and made-up owner parameters shows nothing of the other company.
func TestIsolation(t *testing.T) {
	e := newEnv(t)
	e.customer("a@example.com", codeA)
	e.customer("b@example.com", codeB)
	e.companyA()
	e.companyB()
	secrets := map[string][]string{ // what each company's devices show
		codeA: {"AB3000-0001", "AB5000-0002", "SRV00", "PO-2025-00", "A3000-001", "A5000-002", "PO-SRV"},
		codeB: {"BX9000-0901", "ZZTOP-0001", "BFL00", "PO-B-9", "B9000-901", "机密服务器", "PO-BFL"},
	}
	probes := map[string][]url.Values{ // what the other company tries
		codeA: { // A's customer probing B
			{"sn": {"BX9000-0901"}}, {"sn": {" bx9000-0901 "}}, {"sn": {"ZZTOP-0001"}}, {"name": {"机密"}}, {"name": {"B9000"}},
			{"sn": {"BFL0001"}}, {"page": {"2"}}, {"page": {"3"}}, {"sort": {"end_asc"}, "page": {"2"}},
			{"owner": {codeB}, "credit_code": {codeB}, "code": {codeB}, "company": {"2"}, "id": {"1"}},
		},
		codeB: { // B's customer probing A
			{"sn": {"AB3000-0001"}}, {"sn": {"ab3000-0001"}}, {"sn": {"SRV0001"}}, {"name": {"A3000"}}, {"name": {"备份一体机"}},
			{"name": {"anybackup"}}, {"page": {"2"}}, {"page": {"3"}}, {"sort": {"end_asc"}, "page": {"2"}},
			{"owner": {codeA}, "credit_code": {codeA}, "code": {codeA}, "company": {"1"}, "id": {"1"}},
		},
	}
	clients := map[string]*webtest.Client{codeA: e.signedIn(i18n.ZH, "a@example.com"), codeB: e.signedIn(i18n.EN, "b@example.com")}
	// Each sees its own devices with the same inputs.
	webtest.WantText(t, clients[codeA].Get("/warranty?name=anybackup"), "AB3000-0001", "AB5000-0002")
	webtest.WantText(t, clients[codeB].Get("/warranty?name=anybackup"), "BX9000-0901")
	other := map[string]string{codeA: codeB, codeB: codeA}
	for code, c := range clients {
		for _, q := range probes[code] {
			for _, route := range []string{"/warranty", "/warranty/export.csv", "/warranty/export.xlsx"} {
				path := route + "?" + q.Encode()
				for _, hdr := range [][]string{nil, {"HX-Request", "true", "HX-Target", "results"}} {
					if route != "/warranty" && hdr != nil {
						continue
					}
					r := c.Get(path, hdr...)
					webtest.WantStatus(t, r, http.StatusOK)
					text := r.Body
					if strings.HasSuffix(route, ".xlsx") {
						text = ""
						for _, row := range xlsxRows(t, r, c.Lang) {
							text += strings.Join(row, "\t") + "\n"
						}
					}
					// The page repeats the typed input in the form and in the
					// links of the results: look past the form, at the text.
					if i := strings.Index(text, `id="results"`); i >= 0 {
						text = text[i:]
					}
					text = strings.ToUpper(echo.ReplaceAllString(text, ""))
					for _, s := range secrets[other[code]] {
						if strings.Contains(text, strings.ToUpper(s)) {
							t.Errorf("%s as %s shows the other company's %q", path, code, s)
						}
					}
					// Whatever leaked in the query string, no device of the
					// other company is listed.
					for _, sn := range sns(r) {
						for _, s := range secrets[other[code]][:3] {
							if strings.HasPrefix(sn, s) {
								t.Errorf("%s as %s lists %s", path, code, sn)
							}
						}
					}
				}
			}
		}
	}
}
