package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
	"supportal/domain/warranty"
)

// TestBrowserWarrantyTyping checks search as you type in 服务查询 (SPEC
// §3.1): typing a name fragment, then a serial number, shows their results
// without 查询 being pressed, puts the query in the address bar, keeps the
// focus in the field and announces the summary in the status line; 查询
// is still there.
func TestBrowserWarrantyTyping(t *testing.T) {
	chromiumPath(t)
	app, a5000, _, sn := warrantyApp(t)
	b := newBrowser(t, app, i18n.ZH, true)
	b.signInWithPassword("demo@example.com", demoPassword)
	b.open("/warranty")
	b.expectText("form[role=search] button[type=submit]", "warranty.search.submit")
	b.markPage()

	summary := b.tr("warranty.range", "From", a5000.Page.From, "To", a5000.Page.To, "Count", a5000.Page.Total)
	b.do("type a fragment", chromedp.Focus(chromedp.ID("f-name")), chromedp.SendKeys(chromedp.ID("f-name"), "a5000"))
	b.waitFor("the A5000 results while typing", `location.search.includes("name=a5000&") && document.querySelector(".total") && document.querySelector(".total").textContent.trim() === `+jsString(summary))
	b.expectSamePage()
	b.expectFocus("f-name")
	b.expectDevices(min(a5000.Page.Total, 20))
	for _, name := range b.texts("#results tbody.device th[scope=rowgroup]") {
		if !strings.Contains(name, "A5000") {
			t.Fatalf("%q does not match a5000", name)
		}
	}
	if got := b.text("#results-status"); got != summary {
		t.Errorf("status line %q, want %q", got, summary)
	}

	// Clearing the name lists everything again; typing a serial number
	// finds its device.
	b.do("clear the name", chromedp.Focus(chromedp.ID("f-name")), chromedp.KeyEvent(strings.Repeat("\b", len("a5000"))))
	b.waitFor("every device", `location.search.includes("name=&") && document.querySelector(".total").textContent.trim() === `+jsString(b.tr("warranty.range_capped", "From", 1, "To", 20, "Count", warranty.CountCap)))
	b.do("type a serial number", chromedp.Focus(chromedp.ID("f-sn")), chromedp.SendKeys(chromedp.ID("f-sn"), strings.ToLower(sn)))
	one := b.tr("warranty.range", "From", 1, "To", 1, "Count", 1)
	b.waitFor("the one device while typing", `location.search.includes("sn=`+strings.ToLower(sn)+`") && document.querySelector(".total") && document.querySelector(".total").textContent.trim() === `+jsString(one))
	b.expectFocus("f-sn")
	b.expectSamePage()
	if got := b.texts("#results tbody.device td.mono[rowspan]"); len(got) != 1 || got[0] != sn {
		t.Fatalf("serial numbers %q, want %s", got, sn)
	}
	if got := b.text("#results-status"); got != one {
		t.Errorf("status line %q, want %q", got, one)
	}
}
