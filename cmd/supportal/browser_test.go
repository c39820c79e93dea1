package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
)

// The browser journeys of SPEC §1 (register, sign in and out, code sign-in,
// language switch, password reset), run on the real application in a
// headless Chromium, in both languages. The texts come from the locale files.

// customer is the person who goes through a journey.
type customer struct {
	name, email, mobile, password string
	company, address, business    string
}

func newCustomer(lang string) customer {
	id := fmt.Sprintf("%s.%d", strings.ToLower(lang), time.Now().UnixNano())
	c := customer{email: "journey." + id + "@example.com", mobile: "13800138000", password: "Correct-Horse-42-battery"}
	if lang == i18n.ZH {
		c.name, c.company, c.address, c.business = "张伟", "上海示例科技有限公司", "上海市浦东新区世纪大道 100 号", "服务器与存储设备运维"
	} else {
		c.name, c.company, c.address, c.business = "Ada Lovelace", "Example Analytical Engines Ltd", "12 Example Road, London", "Analytical engines"
	}
	return c
}

// otherLang is the language the switcher changes to.
func otherLang(lang string) string {
	if lang == i18n.ZH {
		return i18n.EN
	}
	return i18n.ZH
}

func TestBrowserAccountJourney(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, startApp(t), lang, true)
			c := newCustomer(lang)

			b.register(c)
			b.signOut()
			b.signInWithPassword(c.email, c.password)
			b.expectHome(c)
			b.signOut()
			b.signInWithCode(c)
			b.expectHome(c)
			b.switchLanguageOnAccountPage()
			b.signOut()

			newPassword := "Staple-Lantern-97-river"
			b.resetPassword(c.email, newPassword)
			b.signInFails(c.email, c.password)
			b.signInWithPassword(c.email, newPassword)
			b.expectHome(c)
		})
	}
}

func TestBrowserNoJavaScript(t *testing.T) {
	chromiumPath(t)
	b := newBrowser(t, startApp(t), i18n.ZH, false)
	c := newCustomer(i18n.ZH)

	b.register(c)
	b.signOut()
	b.signInFails(c.email, "Wrong-Password-000")
	b.signInWithPassword(c.email, c.password)
	b.expectHome(c)
	b.signOut()
	b.signInWithCode(c)
	b.expectHome(c)
}

// register goes through the three-step wizard from the link under the sign-in
// form, going back once from step 2 and once from step 3 and checking that
// nothing typed was lost, and ends signed in.
func (b *browser) register(c customer) {
	b.t.Helper()
	b.open("/login")
	b.expectScripts()
	b.expectText(".auth-links a[href='/register']", "login.register_link")
	b.submit(".auth-links a[href='/register']", http.StatusOK)

	// Step 1: account information.
	b.expectPath("/register")
	b.expectText("main h1", "register.heading")
	b.expectText("ol.steps li[aria-current=step]", "register.step1")
	b.expectSelected("country", "CN", "country.CN")
	b.expectText("#h-country", "field.country.hint")
	b.fill("name", c.name)
	b.choose("job_title", "it_lead")
	b.fill("email", c.email)
	b.fill("mobile", c.mobile)
	b.submit("form[action='/register/account'] button[type=submit]", http.StatusOK)

	// Step 2: the code is mailed.
	b.expectText("ol.steps li[aria-current=step]", "register.step2")
	b.expectContains("main", "register.code_sent", "Email", c.email)
	code := b.mailedCode(c.email, 0, "mail.code_register.subject")

	// Back to step 1: everything is still there; on again without a new code
	// (a second request within the cool-down would answer 429).
	b.submit("form[action='/register/verify'] button[name=action][value=back]", http.StatusOK)
	b.expectText("ol.steps li[aria-current=step]", "register.step1")
	b.expectValue("country", "CN")
	b.expectValue("name", c.name)
	b.expectSelected("job_title", "it_lead", "job.it_lead")
	b.expectValue("email", c.email)
	b.expectValue("mobile", c.mobile)
	b.submit("form[action='/register/account'] button[type=submit]", http.StatusOK)
	b.expectText("ol.steps li[aria-current=step]", "register.step2")

	b.fill("code", code)
	b.fill("password", c.password)
	b.fill("password_confirm", c.password)
	b.submit("form[action='/register/verify'] button[type=submit]:not([name])", http.StatusOK)

	// Step 3: company information; back to step 2 and on again keeps it.
	b.expectText("ol.steps li[aria-current=step]", "register.step3")
	b.fill("company_name", c.company)
	b.choose("industry", "it")
	b.choose("size", "21-100")
	b.fill("address", c.address)
	b.fill("business", c.business)
	b.submit("form[action='/register/company'] button[name=action][value=back]", http.StatusOK)
	b.expectText("ol.steps li[aria-current=step]", "register.step2")
	b.expectText("main p.notice", "register.already_verified")
	b.submit("form[action='/register/verify'] button[type=submit]:not([name])", http.StatusOK)
	b.expectText("ol.steps li[aria-current=step]", "register.step3")
	b.expectValue("company_name", c.company)
	b.expectSelected("industry", "it", "industry.it")
	b.expectSelected("size", "21-100", "size.21-100")
	b.expectValue("address", c.address)
	b.expectValue("business", c.business)
	b.expectText("form[action='/register/company'] button[type=submit]:not([name])", "register.finish")
	b.submit("form[action='/register/company'] button[type=submit]:not([name])", http.StatusOK)

	// Signed in, with the unverified-company banner.
	b.expectPath("/")
	b.expectText(".flash", "flash.registered")
	b.expectContains(".banner", "banner.unverified")
	if got := b.text("details.usermenu > summary"); got != c.name {
		b.t.Fatalf("user menu shows %q, want %q", got, c.name)
	}
}

// expectHome checks the signed-in start page.
func (b *browser) expectHome(c customer) {
	b.t.Helper()
	b.expectPath("/")
	b.expectText("main h1", "home.heading")
	b.expectText("main .lead", "home.welcome", "Name", c.name)
	b.expectContains(".banner", "banner.unverified")
	if got := b.text("details.usermenu > summary"); got != c.name {
		b.t.Fatalf("user menu shows %q, want %q", got, c.name)
	}
}

// openUserMenu opens the <details> menu under the user's name unless it is
// open already (a second click would close it).
func (b *browser) openUserMenu() {
	b.t.Helper()
	attrs, err := chromedp.Run(b.ctx, chromedp.Attributes(chromedp.CSS("details.usermenu")))
	if err != nil {
		b.t.Fatalf("user menu: %v", err)
	}
	if _, open := attrs["open"]; !open {
		b.click("details.usermenu > summary")
	}
	b.do("user menu opens", chromedp.WaitVisible(chromedp.CSS("details.usermenu .usermenu-panel")))
}

// signOut uses the user menu's sign-out button.
func (b *browser) signOut() {
	b.t.Helper()
	b.openUserMenu()
	b.expectText("details.usermenu form[action='/logout'] button", "nav.logout")
	b.submit("details.usermenu form[action='/logout'] button", http.StatusOK)
	b.expectPath("/login")
	b.expectText(".flash", "flash.logged_out")
	b.do("user menu gone after signing out", chromedp.WaitNotPresent(chromedp.CSS("details.usermenu")))
}

// chooseCustomerTab picks 企业客户 and the sign-in method on the login page.
func (b *browser) chooseCustomerTab(method string) {
	b.t.Helper()
	if b.path() != "/login" {
		b.open("/login")
	}
	b.expectText("main h1", "login.heading")
	tab := "nav.tabs a[href^='/login?type=customer']"
	b.expectText(tab, "login.type.customer")
	b.submit(tab, http.StatusOK)
	b.expectText("nav.tabs a[aria-current=page]", "login.type.customer")
	methodTab := fmt.Sprintf("nav.tabs-small a[href*='method=%s']", method)
	b.expectText(methodTab, "login.method."+method)
	b.submit(methodTab, http.StatusOK)
	b.expectText("nav.tabs-small a[aria-current=page]", "login.method."+method)
}

func (b *browser) signInWithPassword(email, password string) {
	b.t.Helper()
	b.chooseCustomerTab("password")
	b.fill("email", email)
	b.fill("password", password)
	b.submit("form[action='/login'] button[type=submit]", http.StatusOK)
}

// signInFails tries a wrong password and expects the one generic message.
func (b *browser) signInFails(email, password string) {
	b.t.Helper()
	b.chooseCustomerTab("password")
	b.fill("email", email)
	b.fill("password", password)
	b.submit("form[action='/login'] button[type=submit]", http.StatusUnauthorized)
	b.expectText("#form-error", "error.login.failed")
	b.expectValue("email", email)
	b.expectValue("password", "")
}

// signInWithCode asks for a code (htmx swaps the code row in place; without
// JavaScript the button posts the form), reads it from the mailbox and signs in.
func (b *browser) signInWithCode(c customer) {
	b.t.Helper()
	b.chooseCustomerTab("code")
	b.fill("email", c.email)
	sent := len(b.app.box.For(c.email))
	send := "#coderow button[formaction='/login/code/send']"
	b.expectText(send, "login.send_code")
	if b.js {
		b.click(send)
		b.expectText("#coderow .notice", "login.code_sent")
		b.expectPath("/login") // no page load: htmx swapped the row
	} else {
		b.submit(send, http.StatusOK)
		b.expectPath("/login/code/send")
		b.expectText("#coderow .notice", "login.code_sent")
	}
	// The cool-down: the button is disabled and the hint counts down from 60
	// (app.js may have ticked already when JavaScript is on).
	attrs, err := chromedp.Run(b.ctx, chromedp.Attributes(chromedp.CSS(send)))
	if _, disabled := attrs["disabled"]; err != nil || !disabled {
		b.t.Fatalf("%s not disabled during the cool-down (%v)", send, err)
	}
	want := b.tr("login.resend_in", "Count", 60)
	ticking := regexp.MustCompile("^" + strings.Replace(regexp.QuoteMeta(want), "60", `[1-6]?\d`, 1) + "$")
	if got := b.text("#coderow [data-countdown]"); got != want && (!b.js || !ticking.MatchString(got)) {
		b.t.Fatalf("cool-down hint %q, want %q", got, want)
	}
	code := b.mailedCode(c.email, sent, "mail.code_login.subject")
	b.expectValue("email", c.email)
	b.fill("code", code)
	b.submit("form[action='/login/code'] button[type=submit]:not([formaction])", http.StatusOK)
}

// switchLanguageOnAccountPage opens 账户中心 from the user menu, switches the
// language there and back, and checks the page stayed while its texts changed.
func (b *browser) switchLanguageOnAccountPage() {
	b.t.Helper()
	b.openUserMenu()
	b.expectText("details.usermenu a[href='/account']", "nav.account")
	b.submit("details.usermenu a[href='/account']", http.StatusOK)
	b.expectPath("/account")
	b.expectText("main h1", "account.menu.info")
	b.expectText("form.langswitch button[aria-current=true]", "lang."+langShort(b.lang))

	home, other := b.lang, otherLang(b.lang)
	for _, lang := range []string{other, home} {
		b.lang = lang // from now on every page must be in lang
		b.submit(fmt.Sprintf("form.langswitch button[name=lang][value='%s']", lang), http.StatusOK)
		b.expectPath("/account")
		b.expectText("main h1", "account.menu.info")
		b.expectText(".sidenav a[aria-current=page]", "account.menu.info")
		b.openUserMenu()
		b.expectText("details.usermenu a[href='/account']", "nav.account")
		b.expectText("details.usermenu form[action='/logout'] button", "nav.logout")
	}
}

// resetPassword goes 忘记密码 → emailed code → /password/reset → sign-in page.
func (b *browser) resetPassword(email, password string) {
	b.t.Helper()
	b.expectPath("/login")
	b.expectText(".auth-links a[href='/password/forgot']", "login.forgot")
	b.submit(".auth-links a[href='/password/forgot']", http.StatusOK)
	b.expectText("main h1", "forgot.title")
	b.fill("email", email)
	sent := len(b.app.box.For(email))
	b.submit("form[action='/password/forgot'] button[type=submit]", http.StatusOK)

	b.expectPath("/password/reset")
	b.expectText("main h1", "reset.title")
	b.expectText(".flash", "forgot.sent")
	b.expectValue("email", email)
	code := b.mailedCode(email, sent, "mail.code_reset.subject")
	b.fill("code", code)
	b.fill("password", password)
	b.fill("password_confirm", password)
	b.submit("form[action='/password/reset'] button[type=submit]", http.StatusOK)

	b.expectPath("/login")
	b.expectText(".flash", "flash.password_reset")
	b.expectValue("email", email)
}

func langShort(lang string) string {
	if lang == i18n.ZH {
		return "zh"
	}
	return "en"
}
