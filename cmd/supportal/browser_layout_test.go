package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
	"supportal/domain/identity"
)

// The layout of 服务查询 at a phone's width (390 px: one card per device, the
// coverage badge beside the name, one header row, the side menu collapsed, no
// horizontal scrolling) and at a desktop's (1440 px: serial numbers, SKUs and
// dates on one line, the table without a scrollbar, header and content
// aligned, the form's controls on one line and of one height). Every run
// writes screenshots of both and of the 企业证件认证 dialog with a validation
// error into screenshotDir for a reviewer to look at. 我的工单 and the agents'
// queue are held to the same: their tables fit 1440 px with numbers, serial
// numbers, dates and headers on one line, and both pages fit 390 px.

type box struct{ Left, Top, Right, Bottom, Width, Height float64 }

func (b box) overlapsRow(o box) bool { return b.Top < o.Bottom && o.Top < b.Bottom }

// screenshotDir is $SUPPORTAL_SCREENSHOTS, or supportal-screenshots in the
// temporary folder.
func screenshotDir() string {
	if d := os.Getenv("SUPPORTAL_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "supportal-screenshots")
}

// viewport makes the tab a device of that size (mobile below 720 px).
func (b *browser) viewport(w, h int64) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: w, Height: h, DeviceScaleFactor: 1, Mobile: w < 720,
	}); err != nil {
		b.t.Fatalf("viewport %dx%d: %v", w, h, err)
	}
}

// saveScreenshot writes the whole page as name.png into screenshotDir and
// logs its path.
func (b *browser) saveScreenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// eval runs a script returning JSON and decodes it into v.
func (b *browser) eval(what, script string, v any) {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](script))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		b.t.Fatalf("%s: %v in %s", what, err, out)
	}
}

const boxJS = `const box = e => { const r = e.getBoundingClientRect(); return {Left: r.left, Top: r.top + scrollY, Right: r.right, Bottom: r.bottom + scrollY, Width: r.width, Height: r.height}; };`

func near(a, b float64) bool { return math.Abs(a-b) <= 1 }

func TestBrowserLayout(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app, _, _, _ := warrantyApp(t)
			b := newBrowserFor(t, app, lang, true, 2*journeyTimeout)
			b.signInWithPassword("demo@example.com", demoPassword)

			// 390 px: a card per device.
			b.viewport(390, 844)
			b.open("/warranty")
			b.expectDevices(20)
			var narrow struct {
				ScrollWidth float64
				Header      box
				Sidenav     box
				Cards       []struct{ Card, Name, Badge box }
			}
			b.eval("the 390 px layout", boxJS+`JSON.stringify({
				ScrollWidth: document.documentElement.scrollWidth,
				Header: box(document.querySelector("header.topbar")),
				Sidenav: box(document.querySelector(".sidenav")),
				Cards: Array.from(document.querySelectorAll("#results tbody.device")).filter(d => d.querySelector(".badge-cov")).map(d => ({
					Card: box(d), Name: box(d.querySelector("th.dname")), Badge: box(d.querySelector("tr:first-child .badge-cov"))}))
			})`, &narrow)
			if narrow.ScrollWidth > 390 {
				t.Errorf("the page is %v px wide at 390 px: it scrolls sideways", narrow.ScrollWidth)
			}
			if narrow.Header.Height > 64 {
				t.Errorf("the header is %v px high at 390 px: not one row", narrow.Header.Height)
			}
			if narrow.Sidenav.Height > 80 { // at most two rows of links
				t.Errorf("the side menu is %v px high at 390 px: not collapsed", narrow.Sidenav.Height)
			}
			if len(narrow.Cards) < 10 {
				t.Fatalf("%d devices with coverage at 390 px", len(narrow.Cards))
			}
			for i, c := range narrow.Cards {
				if c.Card.Width < 390-2*24 || c.Card.Right > 390 {
					t.Errorf("card %d spans %v–%v px, not the viewport's width", i, c.Card.Left, c.Card.Right)
				}
				if i > 0 && c.Card.Top < narrow.Cards[i-1].Card.Bottom {
					t.Errorf("card %d (top %v) does not stack below card %d (bottom %v)", i, c.Card.Top, i-1, narrow.Cards[i-1].Card.Bottom)
				}
				if !c.Badge.overlapsRow(c.Name) || c.Badge.Left < c.Name.Left+c.Name.Width/2 {
					t.Errorf("card %d: the coverage badge %+v is not beside the name %+v", i, c.Badge, c.Name)
				}
			}
			b.saveScreenshot("warranty-390-" + lang)

			// 1440 px: the table at the width it needs.
			b.viewport(1440, 900)
			b.open("/warranty")
			var wide struct {
				Logo, TopRight, Content, Main box
				Wrap                          struct{ Scroll, Client float64 }
				Wrapped                       []string
				Controls                      []box
			}
			b.eval("the 1440 px layout", boxJS+`const w = document.querySelector(".table-wrap");
			JSON.stringify({
				Logo: box(document.querySelector(".logo")),
				TopRight: box(document.querySelector(".topbar-right")),
				Content: box(document.querySelector(".page > :first-child")),
				Main: box(document.querySelector("main")),
				Wrap: {Scroll: w.scrollWidth, Client: w.clientWidth},
				Wrapped: Array.from(document.querySelectorAll("#results td.mono, #results td.nowrap")).filter(td => {
					const r = document.createRange(); r.selectNodeContents(td);
					return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1;
				}).map(td => td.textContent.trim()),
				Controls: Array.from(document.querySelectorAll("form[role=search] input:not([type=hidden]), form[role=search] .button")).map(box)
			})`, &wide)
			if len(wide.Wrapped) > 0 {
				t.Errorf("at 1440 px these cells wrap: %q", wide.Wrapped)
			}
			if wide.Wrap.Scroll > wide.Wrap.Client {
				t.Errorf("the results scroll sideways at 1440 px (%v > %v)", wide.Wrap.Scroll, wide.Wrap.Client)
			}
			if !near(wide.Logo.Left, wide.Content.Left) {
				t.Errorf("header starts at %v px, the content at %v px", wide.Logo.Left, wide.Content.Left)
			}
			if !near(wide.TopRight.Right, wide.Main.Right) {
				t.Errorf("header ends at %v px, the content at %v px", wide.TopRight.Right, wide.Main.Right)
			}
			if len(wide.Controls) < 4 {
				t.Fatalf("%d controls in the search form", len(wide.Controls))
			}
			for _, c := range wide.Controls[1:] {
				if !near(c.Height, wide.Controls[0].Height) || !near(c.Top, wide.Controls[0].Top) {
					t.Errorf("search form controls differ in height or row: %+v", wide.Controls)
					break
				}
			}
			b.saveScreenshot("warranty-1440-" + lang)

			// The 企业证件认证 dialog with a validation error.
			c := newCustomer(lang)
			if _, err := app.a.identity.CreateCustomer(context.Background(),
				identity.AccountInfo{Country: "CN", Name: c.name, JobTitle: "it_lead", Email: c.email, Mobile: c.mobile},
				identity.Company{Name: c.company, Industry: "it", Size: "21-100", Address: c.address, Business: c.business}, c.password); err != nil {
				t.Fatal(err)
			}
			b.signOut()
			b.signInWithPassword(c.email, c.password)
			b.openCompanyPage()
			b.verificationDialog("verification.action.submit", c.company)
			b.click("dialog #verification-form button[type=submit]")
			b.do("the dialog's errors", chromedp.WaitVisible(chromedp.CSS("dialog #verification-form [aria-invalid=true]")))
			b.saveScreenshot("verification-dialog-error-" + lang)

			// The other pages of the side menu fit a phone too.
			b.viewport(390, 844)
			for _, path := range []string{"/account", "/account/company"} {
				b.open(path)
				b.expectFitsPhone(path)
			}

			// 我的工单 and the agents' queue: at 1440 px the tables at the
			// width they need, numbers, serial numbers and dates on one line;
			// at 390 px no sideways scrolling and the header on one row.
			b.signOut()
			b.signInWithPassword("demo@example.com", demoPassword)
			b.viewport(1440, 900)
			b.open("/tickets")
			b.expectTableFits("/tickets", "table.ttable", "td.mono, td.nowrap, thead th")
			b.viewport(390, 844)
			b.open("/tickets")
			b.expectFitsPhone("/tickets")
			s := newBrowser(t, app, lang, true)
			s.staffSignIn("agent@example.com", demoPassword)
			s.viewport(1440, 900)
			s.open("/staff/tickets?view=open")
			s.expectTableFits("/staff/tickets", "table.qtable", "td.mono, td.nowrap, td.who, thead th, time")
			s.viewport(390, 844)
			s.open("/staff/tickets?view=open")
			s.expectFitsPhone("/staff/tickets")
			s.expectMenuFits()
			s.saveScreenshot("staff-queue-390-" + lang)
			s.open("/staff/reports")
			s.expectFitsPhone("/staff/reports")
			s.saveScreenshot("staff-reports-390-" + lang)
		})
	}
}

// expectFitsPhone checks that the page does not scroll sideways at 390 px
// and that its header is one row: two on the pages without a side menu
// (the staff's), whose header menu takes a row of its own.
func (b *browser) expectFitsPhone(path string) {
	b.t.Helper()
	var page struct {
		ScrollWidth float64
		Header      box
		Side        bool
	}
	b.eval(path+" at 390 px", boxJS+`JSON.stringify({ScrollWidth: document.documentElement.scrollWidth,
		Header: box(document.querySelector("header.topbar")), Side: !!document.querySelector(".sidenav")})`, &page)
	high := 64.0
	if !page.Side {
		high = 104
	}
	if page.ScrollWidth > 390 || page.Header.Height > high {
		b.t.Errorf("%s at 390 px: %v px wide, header %v px high (at most %v)", path, page.ScrollWidth, page.Header.Height, high)
	}
}

// expectTableFits checks that the table has rows, does not scroll sideways
// and that none of the cells matching cells wraps.
func (b *browser) expectTableFits(path, table, cells string) {
	b.t.Helper()
	var got struct {
		Rows    int
		Wrap    struct{ Scroll, Client float64 }
		Wrapped []string
	}
	b.eval(path+" at 1440 px", `const t = document.querySelector(`+jsString(table)+`), w = t.closest(".table-wrap");
	JSON.stringify({
		Rows: t.tBodies[0].rows.length,
		Wrap: {Scroll: w.scrollWidth, Client: w.clientWidth},
		Wrapped: Array.from(t.querySelectorAll(`+jsString(cells)+`)).filter(c => {
			const r = document.createRange(); r.selectNodeContents(c);
			return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1;
		}).map(c => c.textContent.trim())
	})`, &got)
	if got.Rows == 0 {
		b.t.Fatalf("%s lists no tickets", path)
	}
	if got.Wrap.Scroll > got.Wrap.Client {
		b.t.Errorf("%s scrolls sideways at 1440 px (%v > %v)", path, got.Wrap.Scroll, got.Wrap.Client)
	}
	if len(got.Wrapped) > 0 {
		b.t.Errorf("at 1440 px these cells of %s wrap: %q", path, got.Wrapped)
	}
}

// expectMenuFits checks that every link of the header's menu can be seen
// or scrolled to: inside the page's width once scrolled into view, not cut
// off by the header.
func (b *browser) expectMenuFits() {
	b.t.Helper()
	var cut []string
	b.eval("the header's menu", `JSON.stringify(Array.from(document.querySelectorAll(".mainnav a")).filter(a => {
		a.scrollIntoView({inline: "nearest", block: "nearest"});
		const r = a.getBoundingClientRect(), n = a.closest(".mainnav").getBoundingClientRect();
		return r.width === 0 || r.left < n.left - 1 || r.right > n.right + 1 || r.right > window.innerWidth;
	}).map(a => a.textContent.trim()))`, &cut)
	if len(cut) > 0 {
		b.t.Errorf("the header's menu cuts off %q at %d px", cut, 390)
	}
}
