package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
)

// axeSource is axe-core as the npm package pinned in package.json ships it
// (go generate ./views copies it); the browser tests inject it through the
// DevTools protocol, which the pages' CSP does not govern.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeResult is the part of axe.run's answer the tests report.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  []any  `json:"target"`
			Summary string `json:"failureSummary"`
		} `json:"nodes"`
	} `json:"violations"`
}

// axe runs axe-core (WCAG 2.0–2.2 A and AA rules, best practices) on the page
// as it is now and fails the test, naming the page, on every serious or
// critical violation with its rule id and the elements it found.
func (b *browser) axe(page string) {
	b.t.Helper()
	if !b.js {
		b.t.Fatalf("axe on %s needs JavaScript", page)
	}
	var loaded bool
	if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`)); err == nil {
		loaded = v
	}
	if !loaded {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			b.t.Fatalf("inject axe-core on %s: %v", page, err)
		}
	}
	const run = `axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => JSON.stringify({violations: r.violations}))`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe.run on %s: %v", page, err)
	}
	var res axeResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		b.t.Fatalf("axe result on %s: %v", page, err)
	}
	var msg bytes.Buffer
	for _, v := range res.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		fmt.Fprintf(&msg, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&msg, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	b.screenshot(page)
	if msg.Len() > 0 {
		b.t.Errorf("axe-core on %s (%s):%s", page, b.lang, msg.String())
	}
}

// screenshot saves the whole page as a PNG under the folder in
// SUPPORTAL_SCREENSHOTS, when it is set, for a reviewer to look at.
func (b *browser) screenshot(page string) {
	b.t.Helper()
	dir := os.Getenv("SUPPORTAL_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot of %s: %v", page, err)
		return
	}
	b.shots++
	where, _, _ := strings.Cut(page, " after ")
	where, _, _ = strings.Cut(where, "?")
	name := fmt.Sprintf("%s-%02d%s.png", strings.ReplaceAll(b.t.Name(), "/", "-"), b.shots,
		strings.NewReplacer("/", "_", " ", "_").Replace(where))
	if err := os.MkdirAll(dir, 0o755); err == nil {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err == nil && b.shots == 1 {
			b.t.Logf("screenshots of the pages in %s", dir)
		}
	}
}

// TestBrowserAccessibility walks every page of the portal, customer and
// staff, in both languages, with axe-core on each: the sign-in tabs, a
// rejected sign-in and a rejected registration step, the registration
// wizard, the account centre with the 企业证件认证 dialog open, 服务查询 with
// results and with none, 提交工单 (with an error) and its confirmation,
// a page that does not exist, and the staff sign-in, enrolment, workbench,
// verification queue and a submission; 我的工单 with tickets and with none
// matching, the ticket page and its 关闭工单 confirmation; the agents'
// ticket queue, a ticket and its conflict panel; the staff reports with
// figures, empty and with a refused period.
func TestBrowserAccessibility(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app, _, _, sn := warrantyApp(t)
			b := newBrowser(t, app, lang, true)
			b.audit = true
			c := newCustomer(lang)

			b.open("/login")
			b.submit("nav.tabs a[href^='/login?type=partner']", http.StatusOK)
			b.chooseCustomerTab("code")
			b.chooseCustomerTab("password")
			b.signInFails("nobody@example.com", "Wrong-Password-000")
			b.open("/password/forgot")
			b.open("/register")
			b.submit("form[action='/register/account'] button[type=submit]", http.StatusUnprocessableEntity)
			b.register(c)
			b.open("/account")
			b.openCompanyPage()
			b.click("#verification-status a.button")
			b.expectText("dialog #vd-title", "verification.form.title")
			b.axe("/account/company with the verification dialog")
			b.click("dialog #verification-form button[type=submit]")
			b.do("the dialog's errors", chromedp.WaitVisible(chromedp.CSS("dialog #verification-form [aria-invalid=true]")))
			b.axe("/account/company with the verification dialog's errors")
			b.open("/no-such-page")
			b.signOut()

			b.signInWithPassword("demo@example.com", demoPassword)
			b.open("/warranty")
			b.open("/warranty?name=no-such-device-anywhere")
			b.open("/tickets/new")
			b.open("/tickets/new?device=999999999") // the form with an error next to the device
			tk := demoTicket(t, app, sn)
			b.open("/tickets/" + strconv.FormatInt(tk.ID, 10) + "/created")
			b.open("/tickets")
			b.open("/tickets?q=no-such-ticket")
			b.open("/tickets/" + strconv.FormatInt(tk.ID, 10))
			b.open("/tickets/" + strconv.FormatInt(tk.ID, 10) + "/close")
			b.signOut()

			s := newBrowser(t, app, lang, true)
			s.audit = true
			s.staffSignIn("reviewer@example.com", demoPassword)
			s.submit("nav.mainnav a[href='/staff/verifications']", http.StatusOK)
			s.submit("table tbody tr:first-child a", http.StatusOK)
			s.open("/staff/no-such-page")

			// The agents' queue with rows, a ticket, and the conflict panel.
			tk, who := openDemoTicket(t, app, "", "阵列控制器反复重启")
			agent := newBrowser(t, app, lang, true)
			agent.audit = true
			agentWorksTicket(t, app, agent, tk, who, true)
			// The staff reports: with figures, without any (empty states)
			// and with a period refused next to its field.
			agent.open("/staff/reports")
			agent.open("/staff/reports?from=2020-01&to=2020-02&tier=premium")
			agent.open("/staff/reports?from=2026-13")
		})
	}
}
