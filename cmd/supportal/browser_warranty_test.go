package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"supportal/adapters/i18n"
	"supportal/domain/warranty"
)

// The 服务查询 journeys of SPEC §3.1–3.2 on the real application with the
// dev seed (the verified demo company and its demo devices, imported through
// the warranty service into PostgreSQL): search by a name fragment and by a
// serial number, reset, page, sort and export, with and without JavaScript,
// and the explanation an unverified company gets.

// warrantyApp starts the application with the dev seed and returns what the
// journeys expect: the first page of the demo customer's A5000 devices, the
// number of their service lines, and one serial number.
func warrantyApp(t *testing.T) (app *testApp, a5000 warranty.Result, lines int, sn string) {
	t.Helper()
	app = startApp(t)
	ctx := context.Background()
	if err := seed(ctx, app.a, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if a5000, err = app.a.warranty.Search(ctx, demo.ID, warranty.SearchInput{Name: "a5000"}); err != nil {
		t.Fatal(err)
	}
	if a5000.Page.Total < 5 || a5000.Page.Capped {
		t.Fatalf("the seed has %d A5000 devices", a5000.Page.Total)
	}
	if err := app.a.warranty.Export(ctx, demo.ID, warranty.SearchInput{Name: "a5000"}, func(d warranty.Device) error {
		lines += len(d.Lines)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return app, a5000, lines, a5000.Devices[2].SN
}

func TestBrowserWarrantyJourney(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app, a5000, lines, sn := warrantyApp(t)
			b := newBrowser(t, app, lang, true)
			b.signInWithPassword("demo@example.com", demoPassword)

			// Every device of the company, 20 per page, latest end first.
			b.open("/warranty")
			b.expectScripts()
			b.expectText("main h1", "nav.warranty")
			b.expectText(".sidenav a[aria-current=page]", "nav.warranty")
			b.expectText(".total", "warranty.range_capped", "From", 1, "To", 20, "Count", warranty.CountCap)
			b.expectContains(".updated", "warranty.updated")
			b.expectDevices(20)
			b.expectContains("th[aria-sort=descending]", "warranty.col.end")

			// 查询 by a name fragment in lower case: htmx swaps the results in
			// place and puts the query in the address bar.
			b.markPage()
			b.fill("name", "a5000")
			b.click("form[role=search] button[type=submit]")
			b.waitFor("the A5000 results", `location.search.includes("name=a5000") && document.querySelector(".total") && document.querySelector(".total").textContent.trim() === `+jsString(b.tr("warranty.range", "From", a5000.Page.From, "To", a5000.Page.To, "Count", a5000.Page.Total)))
			b.expectSamePage()
			b.expectDevices(min(a5000.Page.Total, 20))
			for _, name := range b.texts("#results tbody.device th[scope=rowgroup]") {
				if !strings.Contains(name, "A5000") {
					t.Fatalf("%q does not match a5000", name)
				}
			}
			// The address is a bookmark: loading it shows the same.
			loc := b.location()
			b.open(strings.TrimPrefix(loc, app.url))
			b.expectValue("name", "a5000")
			b.expectText(".total", "warranty.range", "From", a5000.Page.From, "To", a5000.Page.To, "Count", a5000.Page.Total)
			b.markPage()

			// 查询 by serial number: lower case with spaces finds it exactly.
			b.do("clear name", chromedp.Clear(chromedp.ID("f-name")))
			b.fill("sn", "  "+strings.ToLower(sn)+" ")
			b.click("form[role=search] button[type=submit]")
			b.waitFor("the one device", `document.querySelector(".total") && document.querySelector(".total").textContent.trim() === `+jsString(b.tr("warranty.range", "From", 1, "To", 1, "Count", 1)))
			if got := b.texts("#results tbody.device td.mono[rowspan]"); !slices.Equal(got, []string{sn}) {
				t.Fatalf("serial numbers %q, want %s", got, sn)
			}
			if n := len(b.texts("#results .badge-cov")); n < 1 {
				t.Fatal("no coverage badge")
			}

			// 重置 clears the inputs and shows everything again.
			b.expectText("a.button[href='/warranty']", "warranty.search.reset")
			b.click("a.button[href='/warranty']")
			b.waitFor("the reset", `location.pathname === "/warranty" && location.search === "" && document.getElementById("f-sn").value === "" && document.querySelector(".total").textContent.trim() === `+jsString(b.tr("warranty.range_capped", "From", 1, "To", 20, "Count", warranty.CountCap)))
			b.expectValue("name", "")
			b.expectSamePage()

			// Pages: next and back, the query kept.
			b.click("a[rel=next]")
			b.waitFor("page 2", `location.search.includes("page=2")`)
			b.expectContains(".pager", "warranty.range_capped", "From", 21, "To", 40, "Count", warranty.CountCap)
			b.expectDevices(20)
			b.click("a[rel=prev]")
			b.waitFor("page 1", `!location.search.includes("page=") && !document.querySelector("a[rel=prev]")`)

			// Earliest end first; the next 查询 keeps that order.
			b.click(".sortnav a[href*='sort=end_asc']")
			b.waitFor("ascending", `!!document.querySelector("th[aria-sort=ascending]")`)
			b.expectValue("sort", "end_asc")
			b.fill("name", "a5000")
			b.click("form[role=search] button[type=submit]")
			b.waitFor("ascending A5000", `location.search.includes("name=a5000") && location.search.includes("sort=end_asc") && document.querySelectorAll("#results tbody.device").length === `+strconv.Itoa(min(a5000.Page.Total, 20)))
			b.expectContains("th[aria-sort=ascending]", "warranty.col.end")
			b.expectSamePage()

			// Export the current result in both formats, as this browser.
			b.expectText(".export a[href^='/warranty/export.csv']", "warranty.export.csv")
			recs := b.exportCSV(b.attr(".export a[href^='/warranty/export.csv']", "href"))
			if len(recs) != 1+lines {
				t.Fatalf("csv has %d rows, want %d", len(recs), 1+lines)
			}
			for _, r := range recs[1:] {
				if !strings.Contains(r[0], "A5000") {
					t.Fatalf("csv row %q is not an A5000", r)
				}
			}
			rows := b.exportXLSX(b.attr(".export a[href^='/warranty/export.xlsx']", "href"))
			if len(rows) != 1+lines || !slices.Equal(rows[0], recs[0]) {
				t.Fatalf("xlsx has %d rows (header %q), want %d", len(rows), rows[0], 1+lines)
			}

			// An unverified company is told why, with the way to 企业信息.
			b.signOut()
			b.signInWithPassword("new@example.com", demoPassword)
			b.open("/warranty")
			b.expectText("#warranty-gate h2", "warranty.gate.heading")
			b.expectText("#warranty-gate a[href='/account/company']", "warranty.gate.link")
			b.do("no lookup form", chromedp.WaitNotPresent(chromedp.CSS("form[role=search]")))
		})
	}
}

func TestBrowserWarrantyNoJavaScript(t *testing.T) {
	chromiumPath(t)
	app, a5000, _, sn := warrantyApp(t)
	b := newBrowser(t, app, i18n.ZH, false)
	b.signInWithPassword("demo@example.com", demoPassword)
	b.open("/warranty")
	b.expectScripts()
	b.fill("name", "a5000")
	b.submit("form[role=search] button[type=submit]", http.StatusOK)
	if loc := b.location(); !strings.Contains(loc, "/warranty?name=a5000") {
		t.Fatalf("the form went to %s", loc)
	}
	b.expectText(".total", "warranty.range", "From", a5000.Page.From, "To", a5000.Page.To, "Count", a5000.Page.Total)
	b.expectValue("name", "a5000")
	b.submit("a.button[href='/warranty']", http.StatusOK)
	b.expectValue("name", "")
	b.expectText(".total", "warranty.range_capped", "From", 1, "To", 20, "Count", warranty.CountCap)
	b.submit("a[rel=next]", http.StatusOK)
	b.expectContains(".pager", "warranty.range_capped", "From", 21, "To", 40, "Count", warranty.CountCap)
	b.fill("sn", strings.ToLower(sn))
	b.submit("form[role=search] button[type=submit]", http.StatusOK)
	b.expectText(".total", "warranty.range", "From", 1, "To", 1, "Count", 1)
	recs := b.exportCSV(b.attr(".export a[href^='/warranty/export.csv']", "href"))
	if len(recs) < 2 || recs[1][1] != sn {
		t.Fatalf("csv %q", recs)
	}
}

// expectDevices checks how many devices the results list.
func (b *browser) expectDevices(want int) {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#results tbody.device").length`))
	if err != nil {
		b.t.Fatalf("count devices: %v", err)
	}
	if n != want {
		b.t.Fatalf("%d devices listed, want %d", n, want)
	}
}

// markPage leaves a mark on the page that a page load would remove.
func (b *browser) markPage() {
	b.t.Helper()
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.stillHere = true`))
}

// expectSamePage checks that no page load happened since markPage.
func (b *browser) expectSamePage() {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.stillHere === true`))
	if err != nil || !ok {
		b.t.Fatalf("the page was loaded again instead of updated in place (%v)", err)
	}
}

// waitFor waits until the JavaScript condition holds.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	b.do("wait for "+what, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

// texts returns the text of every element sel matches.
func (b *browser) texts(sel string) []string {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+jsString(sel)+`), e => e.textContent.trim())`))
	if err != nil {
		b.t.Fatalf("texts of %s: %v", sel, err)
	}
	return out
}

func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).getAttribute(`+jsString(name)+`)`))
	if err != nil {
		b.t.Fatalf("%s of %s: %v", name, sel, err)
	}
	return v
}

func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return loc
}

func jsString(s string) string { return strconv.Quote(s) }

// download fetches path with the browser's cookies and language, as its
// download would, and checks the attachment headers.
func (b *browser) download(path, ext, ctype string) []byte {
	b.t.Helper()
	cookies, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.app.url}})
	if err != nil {
		b.t.Fatalf("cookies: %v", err)
	}
	req, err := http.NewRequestWithContext(b.ctx, http.MethodGet, b.app.url+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	req.Header.Set("Accept-Language", acceptLanguage[b.lang])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
	}
	if got := res.Header.Get("Content-Type"); got != ctype {
		b.t.Errorf("GET %s: Content-Type %q, want %q", path, got, ctype)
	}
	if cd := res.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="warranty-\d{8}\.` + ext + `"$`).MatchString(cd) {
		b.t.Errorf("GET %s: Content-Disposition %q", path, cd)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		b.t.Errorf("GET %s: Cache-Control %q", path, cc)
	}
	return body
}

// exportHeader is the exports' header in the browser's language.
func (b *browser) exportHeader() []string {
	var out []string
	for _, id := range []string{"warranty.col.name", "warranty.col.sn", "warranty.col.order", "warranty.col.sku",
		"warranty.col.service", "warranty.col.start", "warranty.col.end", "warranty.col.coverage"} {
		out = append(out, b.tr(id))
	}
	return out
}

func (b *browser) exportCSV(path string) [][]string {
	b.t.Helper()
	body := b.download(path, "csv", "text/csv; charset=utf-8")
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		b.t.Fatalf("csv without BOM")
	}
	recs, err := csv.NewReader(bufio.NewReader(bytes.NewReader(body[3:]))).ReadAll()
	if err != nil {
		b.t.Fatalf("csv: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], b.exportHeader()) {
		b.t.Fatalf("csv header %q, want %q", recs[0], b.exportHeader())
	}
	return recs
}

func (b *browser) exportXLSX(path string) [][]string {
	b.t.Helper()
	body := b.download(path, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		b.t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(b.tr("nav.warranty"))
	if err != nil {
		b.t.Fatalf("xlsx sheet: %v", err)
	}
	return rows
}
