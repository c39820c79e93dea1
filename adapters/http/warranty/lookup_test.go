package warranty_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
)

// companyA loads company A's devices: one with a line of each coverage on the
// fixed clock, one more AnyBackup, and 30 storage servers (32 devices).
func (e *env) companyA() {
	e.t.Helper()
	lines := []line{
		{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-ACTIVE", "原厂维保 7x24", "2026-01-01", "2027-12-31"},
		{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-EXPIRING", "现场支持", "2025-12-01", "2026-12-20"},
		{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-EXPIRED", "软件升级", "2025-01-01", "2026-06-30"},
		{"AnyBackup 一体机 A3000-001", "AB3000-0001", "PO-2025-001", "SVC-FUTURE", "延保服务", "2027-01-01", "2028-12-31"},
		{"anybackup 备份一体机 A5000-002", "AB5000-0002", "PO-2025-002", "SVC-ACTIVE", "原厂维保 5x8", "2026-01-01", "2029-01-01"},
	}
	lines = append(lines, fleet("存储服务器 S", "SRV", 30, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))...)
	e.load(codeA, lines...)
}

// companyB loads company B's devices: an AnyBackup, a "机密" server and 25
// more (27 devices).
func (e *env) companyB() {
	e.t.Helper()
	lines := []line{
		{"AnyBackup 一体机 B9000-901", "BX9000-0901", "PO-B-901", "SVC-ACTIVE", "原厂维保 7x24", "2026-01-01", "2027-06-30"},
		{"机密服务器 Z", "ZZTOP-0001", "PO-B-902", "SVC-ACTIVE", "原厂维保 7x24", "2026-01-01", "2027-06-30"},
	}
	lines = append(lines, fleet("存储服务器 S", "BFL", 25, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))...)
	e.load(codeB, lines...)
}

func TestLookupSearches(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			e.customer("a@example.com", codeA)
			e.customer("b@example.com", codeB)
			e.companyA()
			e.companyB()
			c := e.signedIn(lang, "a@example.com")
			T := func(id string, kv ...any) string {
				data := map[string]any{}
				for i := 0; i+1 < len(kv); i += 2 {
					data[kv[i].(string)] = kv[i+1]
				}
				return webtest.T(lang, id, data)
			}

			// The page without JavaScript: a GET form with labelled inputs,
			// 查询 and 重置, all of the company's devices, 20 per page.
			r := c.Get("/warranty")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, "<html", `<form method="get" action="/warranty"`, `hx-get="/warranty" hx-target="#results" hx-push-url="true"`,
				`<label for="f-name">`+T("warranty.col.name"), `<label for="f-sn">`+T("warranty.col.sn"),
				T("warranty.search.submit"), `href="/warranty"`, T("warranty.search.reset"),
				T("warranty.range", "From", 1, "To", 20, "Count", 32), T("warranty.updated"), T("warranty.col.order"), T("warranty.col.sku"),
				T("warranty.col.service"), T("warranty.col.start"), T("warranty.col.end"))
			if got := sns(r); len(got) != 20 || got[0] != "AB5000-0002" || got[1] != "AB3000-0001" || got[2] != "SRV0030" {
				t.Fatalf("page 1 = %v, want 20 devices latest end first", got)
			}
			webtest.WantText(t, r, `<a href="/warranty?page=2" hx-get="/warranty?page=2" hx-target="#results" hx-push-url="true" rel="next">`,
				`<nav class="pager" aria-label="`+T("warranty.pages")+`">`, T("warranty.range", "From", 1, "To", 20, "Count", 32),
				`<a href="/warranty" aria-current="page" aria-label="`+T("pager.page", "Page", 1)+`">1</a>`,
				`<span class="disabled" aria-disabled="true">`+T("pager.prev")+`</span>`)
			webtest.WantNoText(t, r, `rel="prev"`, "BX9000", "ZZTOP", T("pager.range", "From", 1, "To", 20, "Count", 32), `id="results-capped"`)
			if n := strings.Count(r.Body, T("warranty.range", "From", 1, "To", 20, "Count", 32)); n != 3 {
				t.Errorf("the range of devices shows %d times, want the summary above, the pager below and the status line", n)
			}
			webtest.WantText(t, r, `<p id="results-status" class="visually-hidden" role="status">`+T("warranty.range", "From", 1, "To", 20, "Count", 32)+`</p>`)

			r = c.Get("/warranty?page=2")
			if got := sns(r); len(got) != 12 || got[0] != "SRV0012" || got[11] != "SRV0001" {
				t.Fatalf("page 2 = %v, want the last 12", got)
			}
			webtest.WantText(t, r, `<a href="/warranty" hx-get="/warranty" hx-target="#results" hx-push-url="true" rel="prev">`,
				T("warranty.range", "From", 21, "To", 32, "Count", 32), `aria-current="page" aria-label="`+T("pager.page", "Page", 2)+`">2</a>`,
				`<span class="disabled" aria-disabled="true">`+T("pager.next")+`</span>`)
			webtest.WantNoText(t, r, `rel="next"`)

			// Past the last page: nothing, and the way back to the last page.
			r = c.Get("/warranty?page=9")
			webtest.WantText(t, r, T("warranty.empty.nomatch"), `<a href="/warranty?page=2" hx-get="/warranty?page=2" hx-target="#results" hx-push-url="true" rel="prev">`)
			webtest.WantNoText(t, r, `rel="next"`, "pager-pages", "pager-range")

			// Earliest end first; the sort is kept by the pages.
			r = c.Get("/warranty?sort=end_asc")
			if got := sns(r); len(got) != 20 || got[0] != "SRV0001" {
				t.Fatalf("ascending = %v", got)
			}
			webtest.WantText(t, r, `href="/warranty?page=2&sort=end_asc"`, `aria-sort="ascending"`, `id="f-sort" name="sort" value="end_asc"`)
			r = c.Get("/warranty?sort=end_asc&page=2")
			if got := sns(r); len(got) != 12 || got[10] != "AB3000-0001" || got[11] != "AB5000-0002" {
				t.Fatalf("ascending page 2 = %v", got)
			}

			// A name fragment, whatever its case, in Chinese too.
			r = c.Get("/warranty?name=" + url.QueryEscape(" ANYBACKUP "))
			if got := sns(r); !slices.Equal(got, []string{"AB5000-0002", "AB3000-0001"}) {
				t.Fatalf("name anybackup = %v", got)
			}
			webtest.WantText(t, r, T("warranty.range", "From", 1, "To", 2, "Count", 2), `value="ANYBACKUP"`, `href="/warranty/export.csv?name=ANYBACKUP"`,
				`href="/warranty/export.xlsx?name=ANYBACKUP"`)
			webtest.WantNoText(t, r, "BX9000", `rel="next"`)
			r = c.Get("/warranty?name=" + url.QueryEscape("备份一体机"))
			if got := sns(r); !slices.Equal(got, []string{"AB5000-0002"}) {
				t.Fatalf("name 备份一体机 = %v", got)
			}
			r = c.Get("/warranty?name=" + url.QueryEscape("存储服务器") + "&sort=end_asc")
			if got := sns(r); len(got) != 20 || got[0] != "SRV0001" {
				t.Fatalf("name 存储服务器 = %v", got)
			}
			webtest.WantText(t, r, T("warranty.range", "From", 1, "To", 20, "Count", 30), `href="/warranty?name=`+url.QueryEscape("存储服务器")+`&page=2&sort=end_asc"`)

			// The serial number: exact after trimming and upper-casing.
			r = c.Get("/warranty?sn=" + url.QueryEscape("  ab3000-0001 "))
			if got := sns(r); !slices.Equal(got, []string{"AB3000-0001"}) {
				t.Fatalf("sn = %v", got)
			}
			webtest.WantText(t, r, `value="AB3000-0001"`, T("warranty.range", "From", 1, "To", 1, "Count", 1), `rowspan="4"`, "PO-2025-001",
				`data-label="`+T("warranty.col.sn")+`"`, `data-label="`+T("warranty.col.end")+`"`)
			if got := sns(c.Get("/warranty?sn=AB3000")); len(got) != 0 {
				t.Fatalf("a partial serial number found %v", got)
			}

			// Nothing matched; a company without devices.
			r = c.Get("/warranty?name=" + url.QueryEscape("不存在的设备"))
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, T("warranty.empty.nomatch"), T("warranty.empty.nomatch_text"), `value="不存在的设备"`)
			webtest.WantNoText(t, r, T("warranty.empty.none"), "export.csv", "<table")
			e.customer("c@example.com", "91110000600037341A")
			r = e.signedIn(lang, "c@example.com").Get("/warranty")
			webtest.WantText(t, r, T("warranty.empty.none"), T("warranty.empty.none_text"))
			webtest.WantNoText(t, r, T("warranty.empty.nomatch"), "AB3000", "BX9000")
		})
	}
}

func TestLookupBadgesAndLastUpdated(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			e.customer("a@example.com", codeA)
			c := e.signedIn(lang, "a@example.com")
			r := c.Get("/warranty")
			webtest.WantText(t, r, webtest.T(lang, "warranty.updated", nil), webtest.T(lang, "warranty.updated.none", nil), webtest.T(lang, "warranty.empty.none", nil))

			e.companyA()
			r = c.Get("/warranty?sn=AB3000-0001")
			want := map[string]string{i18n.ZH: "2026年11月27日 10:00（UTC+8，Asia/Shanghai）", i18n.EN: "27 Nov 2026, 10:00 (UTC+8, Asia/Shanghai)"}[lang]
			webtest.WantText(t, r, `<time datetime="2026-11-27T10:00:00+08:00">`+want+`</time>`)
			webtest.WantNoText(t, r, webtest.T(lang, "warranty.updated.none", nil))
			// One device, four lines (latest end first), one badge of each
			// kind with its text.
			body := r.Body
			order := []string{"SVC-FUTURE", "SVC-ACTIVE", "SVC-EXPIRING", "SVC-EXPIRED"}
			badges := []string{"not_started", "active", "expiring", "expired"}
			last := -1
			for i, sku := range order {
				at := strings.Index(body, ">"+sku+"<")
				if at < last {
					t.Fatalf("%s is out of order", sku)
				}
				last = at
				badge := `<span class="badge badge-cov badge-cov-` + badges[i] + `">` + webtest.T(lang, "coverage."+badges[i], nil) + `</span>`
				if at < 0 || !strings.Contains(body[at:], badge) {
					t.Fatalf("%s lacks its badge %s\n%s", sku, badge, body)
				}
				if next := strings.Index(body[at:], "</tr>"); strings.Index(body[at:], badge) > next {
					t.Fatalf("%s: badge %s is not on its row", sku, badges[i])
				}
			}
			// Ascending: the lines too, earliest end first.
			r = c.Get("/warranty?sn=AB3000-0001&sort=end_asc")
			if a, b := strings.Index(r.Body, ">SVC-EXPIRED<"), strings.Index(r.Body, ">SVC-FUTURE<"); a < 0 || b < a {
				t.Errorf("ascending lines are not earliest end first")
			}
		})
	}
}

func TestLookupFragments(t *testing.T) {
	e := newEnv(t)
	e.customer("a@example.com", codeA)
	e.companyA()
	c := e.signedIn(i18n.ZH, "a@example.com")

	// 查询 with htmx: the results alone, with the sort field out of band.
	r := c.Get("/warranty?name=anybackup&sort=end_asc", "HX-Request", "true", "HX-Target", "results")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantNoText(t, r, "<html", "<form", `id="results"`)
	webtest.WantText(t, r, `<input type="hidden" id="f-sort" name="sort" value="end_asc" hx-swap-oob="true">`, "AB3000-0001", `hx-target="#results"`,
		`<p id="results-status" hx-swap-oob="innerHTML">`+webtest.T(i18n.ZH, "warranty.range", map[string]any{"From": 1, "To": 2, "Count": 2})+`</p>`)
	if got := sns(r); !slices.Equal(got, []string{"AB3000-0001", "AB5000-0002"}) {
		t.Fatalf("fragment = %v", got)
	}
	// 重置 with htmx: the empty form and all results.
	r = c.Get("/warranty", "HX-Request", "true", "HX-Target", "warranty")
	if !strings.HasPrefix(strings.TrimSpace(r.Body), `<div id="warranty">`) {
		t.Fatalf("reset fragment:\n%s", r.Body)
	}
	webtest.WantText(t, r, `<form method="get"`, `id="results"`, webtest.T(i18n.ZH, "warranty.range", map[string]any{"From": 1, "To": 20, "Count": 32}))
	webtest.WantNoText(t, r, "<html", "hx-swap-oob")
	// A history restore gets the whole page.
	r = c.Get("/warranty?name=anybackup", "HX-Request", "true", "HX-Target", "results", "HX-History-Restore-Request", "true")
	webtest.WantText(t, r, "<html", `<form method="get"`)
	// A full page carries the sort field in the form, not out of band.
	r = c.Get("/warranty?sort=end_asc")
	webtest.WantText(t, r, `<input type="hidden" id="f-sort" name="sort" value="end_asc">`)
	webtest.WantNoText(t, r, "hx-swap-oob")
}

func TestLookupGate(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			e.customer("a@example.com", codeA)
			e.companyA()
			e.customer("new@example.com", "")
			c := e.signedIn(lang, "new@example.com")

			r := c.Get("/warranty?sn=AB3000-0001")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, "<html", webtest.T(lang, "warranty.gate.heading", nil), webtest.T(lang, "warranty.gate.text", nil),
				`href="/account/company"`, webtest.T(lang, "warranty.gate.link", nil), webtest.T(lang, "banner.unverified", nil))
			// (The serial number typed is only in the language switcher's "next".)
			webtest.WantNoText(t, r, "AnyBackup", "PO-2025", "<form method=\"get\"", "export.csv")
			r = c.Get("/warranty", "HX-Request", "true", "HX-Target", "results")
			webtest.WantText(t, r, webtest.T(lang, "warranty.gate.heading", nil))
			webtest.WantNoText(t, r, "<html", "AB3000")
			for _, p := range []string{"/warranty/export.csv", "/warranty/export.xlsx?sn=AB3000-0001"} {
				r := c.Get(p)
				webtest.WantStatus(t, r, http.StatusForbidden)
				webtest.WantText(t, r, webtest.T(lang, "error.verification.required", nil))
				webtest.WantNoText(t, r, "AnyBackup", "PO-2025")
				if cd := r.Header.Get("Content-Disposition"); cd != "" {
					t.Errorf("%s: Content-Disposition %q on an error", p, cd)
				}
			}
		})
	}
}

func TestLookupNeedsCustomer(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/warranty", "/warranty?sn=AB3000-0001", "/warranty/export.csv", "/warranty/export.xlsx"} {
		r := e.client(i18n.ZH).Get(p)
		webtest.WantStatus(t, r, http.StatusSeeOther)
		if want := "/login?next=" + url.QueryEscape(p); r.Header.Get("Location") != want {
			t.Errorf("%s: Location %q, want %q", p, r.Header.Get("Location"), want)
		}
	}
	if _, err := e.ids.CreateStaff(t.Context(), "agent@vendor.example", "工程师", "agent", password); err != nil {
		t.Fatal(err)
	}
	staff := e.client(i18n.ZH)
	staff.Get("/staff/login")
	webtest.WantStatus(t, staff.Post("/staff/login", url.Values{"email": {"agent@vendor.example"}, "password": {password}}), http.StatusSeeOther)
	webtest.WantStatus(t, staff.Get("/warranty"), http.StatusForbidden)
	webtest.WantStatus(t, staff.Get("/warranty/export.csv"), http.StatusForbidden)
}

// TestLookupPagerCapped pages through 230 devices, more than the count
// shows: the range says "more than 200", past the cap "more than" the
// range's end while rows follow and the exact count on the last page (never
// "201–220 of 200+"); next leads on while rows follow, and every link keeps
// the name and the sort, in both languages.
func TestLookupPagerCapped(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			e.customer("a@example.com", codeA)
			e.load(codeA, fleet("存储服务器 S", "SRV", 230, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))...)
			c := e.signedIn(lang, "a@example.com")
			T := func(id string, kv ...any) string {
				data := map[string]any{}
				for i := 0; i+1 < len(kv); i += 2 {
					data[kv[i].(string)] = kv[i+1]
				}
				return webtest.T(lang, id, data)
			}
			link := func(page int) string {
				q := "/warranty?name=" + url.QueryEscape("存储服务器")
				if page > 1 {
					q += "&page=" + strconv.Itoa(page)
				}
				return q + "&sort=end_asc"
			}
			base := "/warranty?name=" + url.QueryEscape("存储服务器") + "&sort=end_asc"

			r := c.Get(base)
			webtest.WantText(t, r, `id="results-summary" tabindex="-1" data-swap-focus>`+T("warranty.range_capped", "From", 1, "To", 20, "Count", 200)+"</p>",
				`<p class="hint" id="results-capped">`+T("warranty.capped_hint", "Count", 200)+"</p>",
				`href="`+link(2)+`" hx-get="`+link(2)+`" hx-target="#results" hx-push-url="true" rel="next"`,
				`<a href="`+link(1)+`" aria-current="page"`)
			webtest.WantNoText(t, r, `rel="prev"`, `page=3"`)

			// Page 11 holds rows 201–220: the count stopped, the rows go on.
			r = c.Get(base + "&page=11")
			webtest.WantText(t, r, `data-swap-focus>`+T("warranty.range_capped", "From", 201, "To", 220, "Count", 220)+"</p>",
				`<p class="pager-range">`+T("warranty.range_capped", "From", 201, "To", 220, "Count", 220)+"</p>",
				`href="`+link(10)+`" hx-get="`+link(10)+`" hx-target="#results" hx-push-url="true" rel="prev"`,
				`href="`+link(12)+`" hx-get="`+link(12)+`" hx-target="#results" hx-push-url="true" rel="next"`,
				`<a href="`+link(1)+`" hx-get=`, `<span class="gap" aria-hidden="true">…</span>`, `aria-label="`+T("pager.page", "Page", 9)+`">9</a>`)
			webtest.WantText(t, r, map[string]string{i18n.ZH: "第 201–220 台，共超过 220 台", i18n.EN: "Devices 201–220 of more than 220"}[lang])

			// The last page: no next, disabled legibly; htmx gets the fragment.
			r = c.Get(base+"&page=12", "HX-Request", "true", "HX-Target", "results")
			webtest.WantNoText(t, r, "<html", `rel="next"`)
			webtest.WantText(t, r, `data-swap-focus>`+T("warranty.range", "From", 221, "To", 230, "Count", 230)+"</p>",
				`<p class="pager-range">`+T("warranty.range", "From", 221, "To", 230, "Count", 230)+"</p>",
				`<span class="disabled" aria-disabled="true">`+T("pager.next")+`</span>`, `href="`+link(11)+`"`)
			if got := sns(r); len(got) != 10 {
				t.Errorf("last page shows %d devices, want 10", len(got))
			}
		})
	}
}
