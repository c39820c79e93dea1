package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
	"supportal/domain/identity"
)

// TestBrowserVerificationJourney walks SPEC §2 in two browsers, a customer's
// and a reviewer's, in both languages: submit, reject with a reason,
// resubmit with a changed name and file, see the diff, approve, and the
// customer's company name locked.
func TestBrowserVerificationJourney(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			app := startApp(t)
			c := newCustomer(lang)
			renamed := map[string]string{i18n.ZH: "上海示例科技集团有限公司", i18n.EN: "Example Analytical Engines Group Ltd"}[lang]
			ctx := context.Background()
			if _, err := app.a.identity.CreateCustomer(ctx,
				identity.AccountInfo{Country: "CN", Name: c.name, JobTitle: "it_lead", Email: c.email, Mobile: c.mobile},
				identity.Company{Name: c.company, Industry: "it", Size: "21-100", Address: c.address, Business: c.business}, c.password); err != nil {
				t.Fatal(err)
			}
			const reviewerEmail, reviewerPassword = "reviewer.journey@example.com", "Lantern-Harbor-2026"
			if _, err := app.a.identity.CreateStaff(ctx, reviewerEmail, "审核员 韩", identity.RoleReviewer, reviewerPassword); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			first, second := filepath.Join(dir, "licence-1.png"), filepath.Join(dir, "licence-2.png")
			writePNG(t, first, 320, 240, color.RGBA{0xb3, 0x26, 0x1e, 0xff})
			writePNG(t, second, 480, 360, color.RGBA{0x1e, 0x40, 0xb3, 0xff})

			cust := newBrowser(t, app, lang, true)
			rev := newBrowser(t, app, lang, true)
			setup, start := time.Since(start), time.Now()

			cust.signInWithPassword(c.email, c.password)
			cust.openCompanyPage()
			cust.expectText("#verification-status a.button", "verification.action.submit")
			cust.verificationDialog("verification.action.submit", c.company)
			cust.choose("doc_type", "business_licence")
			cust.do("choose the licence", chromedp.SetUploadFiles(chromedp.CSS("dialog #f-licence"), []string{first}))
			cust.fill("credit_code", "91310110666007217T")
			cust.submit("dialog #verification-form button[type=submit]", http.StatusOK)
			cust.expectPath("/account/company")
			cust.expectText(".flash", "flash.verification_submitted")
			cust.expectText("#verification-status .badge", "verification.state.pending")

			rev.staffSignIn(reviewerEmail, reviewerPassword)
			rev.openQueueRow(c.company)
			rev.expectText("section[aria-labelledby=h-rchg] p.hint", "verification.review.no_changes")
			rev.choose("reason", "blurry")
			rev.expectSelected("reason", "blurry", "reason.blurry")
			rev.submit("form[action$='/decision'] button.danger", http.StatusOK)
			rev.expectPath("/staff/verifications")
			rev.expectText(".flash", "flash.verification_rejected")

			cust.openCompanyPage()
			cust.expectText("#verification-status .badge", "verification.state.rejected")
			cust.expectContains("#verification-status .vreason", "reason.blurry")
			cust.verificationDialog("verification.action.resubmit", c.company)
			cust.expectText("dialog #verification-form p.hint", "verification.form.resubmit_hint")
			cust.do("rename the company", chromedp.SetValue(chromedp.CSS("dialog #v-f-company_name"), renamed))
			cust.do("choose the new licence", chromedp.SetUploadFiles(chromedp.CSS("dialog #f-licence"), []string{second}))
			cust.expectValue("credit_code", "91310110666007217T")
			cust.submit("dialog #verification-form button[type=submit]", http.StatusOK)
			cust.expectText(".flash", "flash.verification_submitted")
			cust.expectText("#verification-status .badge", "verification.state.pending")

			rev.openQueueRow(renamed)
			changed := rev.strings(`Array.from(document.querySelectorAll("section[aria-labelledby=h-rchg] tbody th")).map(e => e.textContent.trim())`)
			if want := []string{rev.tr("field.company_name"), rev.tr("field.licence")}; !slices.Equal(changed, want) {
				t.Fatalf("changed fields %q, want %q", changed, want)
			}
			if got := rev.text("section[aria-labelledby=h-rchg] tbody del"); got != c.company {
				t.Errorf("old name %q, want %q", got, c.company)
			}
			if got := rev.text("section[aria-labelledby=h-rchg] tbody ins"); got != renamed {
				t.Errorf("new name %q, want %q", got, renamed)
			}
			rev.expectContains("section[aria-labelledby=h-rchg] tbody", "verification.review.licence_replaced")
			// The history names the reviewer who rejected the first version.
			if got := rev.text("ol.timeline li.timeline-rejected"); !strings.Contains(got, "审核员 韩") {
				t.Errorf("the rejection in the history shows %q, want the reviewer's name", got)
			}
			rev.submit("form[action$='/decision'] button.ok", http.StatusOK)
			rev.expectText(".flash", "flash.verification_approved")

			cust.openCompanyPage()
			cust.expectText("#verification-status .badge", "verification.state.verified")
			// Once verified, the only action is a new verification (name or code change).
			cust.expectText("#verification-status a.button", "verification.action.change")
			// The locked name and the verified code are text with a lock, not inputs.
			if got := cust.text("#v-company_name"); got != renamed {
				t.Errorf("locked company name %q, want %q", got, renamed)
			}
			attrs, err := chromedp.Run(cust.ctx, chromedp.Attributes(chromedp.CSS(".field-locked svg.lock")))
			if err != nil || attrs["aria-label"] != cust.tr("field.locked") {
				t.Errorf("lock icon: %v %v", attrs, err)
			}
			if got := cust.text("#v-credit_code"); len(got) != 18 {
				t.Errorf("verified credit code shown as %q", got)
			}
			cust.expectText("#h-company_name", "field.company_name.locked")
			cust.do("no unverified banner", chromedp.WaitNotPresent(chromedp.CSS(".banner-warn")))
			t.Logf("%s: set-up %v, journey %v", lang, setup.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		})
	}
}

// openCompanyPage goes 账户中心 → 企业信息 through the menus.
func (b *browser) openCompanyPage() {
	b.t.Helper()
	b.openUserMenu()
	b.submit("details.usermenu a[href='/account']", http.StatusOK)
	b.expectText(".sidenav a[href='/account/company']", "account.menu.company")
	b.submit(".sidenav a[href='/account/company']", http.StatusOK)
	b.expectPath("/account/company")
	b.expectText("main h1", "account.menu.company")
}

// verificationDialog opens the 企业证件认证 dialog with the button labelled
// by the message id and checks the company name it is prefilled with.
func (b *browser) verificationDialog(button, company string) {
	b.t.Helper()
	b.expectText("#verification-status a.button", button)
	b.click("#verification-status a.button")
	b.expectText("dialog #vd-title", "verification.form.title")
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("dialog #v-f-company_name")))
	if err != nil || v != company {
		b.t.Fatalf("dialog company name %q (%v), want %q", v, err, company)
	}
}

// staffSignIn signs in at /staff/login with the password, enrols the second
// factor (the account's first sign-in) and lands on the staff start page.
func (b *browser) staffSignIn(email, password string) {
	b.t.Helper()
	b.open("/staff/login")
	b.expectText("main h1", "staff.login.title")
	b.fill("email", email)
	b.fill("password", password)
	b.submit("form[action='/staff/login'] button[type=submit]", http.StatusOK)
	b.enrolSecondFactor()
	b.expectPath("/staff")
}

// openQueueRow opens the queue from the top menu and the first row, which
// must be the company's pending submission.
func (b *browser) openQueueRow(company string) {
	b.t.Helper()
	b.submit("nav.mainnav a[href='/staff/verifications']", http.StatusOK)
	b.expectText("main h1", "verification.queue.title")
	row := "table tbody tr:first-child"
	if got := b.text(row + " a"); got != company {
		b.t.Fatalf("first queue row %q, want %q", got, company)
	}
	b.expectText(row+" .badge", "verification.state.pending")
	b.submit(row+" a", http.StatusOK)
	if got := b.text("main h1"); got != company {
		b.t.Fatalf("review page of %q, want %q", got, company)
	}
	// Opening claims nothing: the reviewer presses 【领取】 to decide.
	b.do("no decision before the claim", chromedp.WaitNotPresent(chromedp.CSS("form[action$='/decision']")))
	b.expectText("form[action$='/claim'] button", "verification.review.claim")
	b.submit("form[action$='/claim'] button", http.StatusOK)
	b.expectText(".flash", "flash.verification_claimed")
	b.expectText("section[aria-labelledby=h-rdec] h2", "verification.review.decision")
}

// strings evaluates a script that returns a list of strings.
func (b *browser) strings(script string) []string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](script))
	if err != nil {
		b.t.Fatalf("evaluate: %v", err)
	}
	for i := range v {
		v[i] = strings.Join(strings.Fields(v[i]), " ")
	}
	return v
}

// writePNG writes a w×h licence picture with a coloured frame.
func writePNG(t *testing.T, name string, w, h int, frame color.Color) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.Color(color.White)
			if x < 10 || y < 10 || x >= w-10 || y >= h-10 {
				c = frame
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
