package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
)

// TestBrowserErrorSummary checks the error pattern of full-page forms in
// both languages: a rejected form has "错误：" / "Error: " before its title,
// an error summary that has the focus and links each message, in the order
// of the fields, to its field, and the messages stay next to the fields.
func TestBrowserErrorSummary(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, startApp(t), lang, true)

			b.open("/register")
			b.expectTitle(b.tr("register.title.step1"))
			b.submit("form[action='/register/account'] button[type=submit]", http.StatusUnprocessableEntity)
			b.expectTitle(b.tr("error.title_prefix") + b.tr("register.title.step1"))
			b.expectText("#error-summary h2", "error.summary.title")
			b.expectFocus("error-summary")
			links := b.strings(`Array.from(document.querySelectorAll("#error-summary a")).map(a => a.getAttribute("href").slice(1))`)
			invalid := b.strings(`Array.from(document.querySelectorAll("main [aria-invalid=true]")).map(e => e.id)`)
			if len(links) == 0 || !slices.Equal(links, invalid) {
				t.Fatalf("summary links to %q, the invalid fields in page order are %q", links, invalid)
			}
			for _, id := range invalid {
				name := strings.TrimPrefix(id, "f-")
				if got, want := b.text("#error-summary a[href='#"+id+"']"), b.text("#e-"+name); got != want {
					t.Errorf("summary says %q for %s, the field says %q", got, name, want)
				}
			}
			b.click("#error-summary a[href='#" + links[0] + "']")
			b.expectFocus(links[0])

			// A message for the whole form is in the summary too.
			b.signInFails("nobody@example.com", "Wrong-Password-000")
			b.expectTitle(b.tr("error.title_prefix") + b.tr("login.title"))
			b.expectFocus("error-summary")

			// A page that does not exist is the error itself: no prefix.
			b.open("/no-such-page")
			if got := b.title(); strings.HasPrefix(got, b.tr("error.title_prefix")) {
				t.Errorf("the error page's title %q has the error prefix", got)
			}
		})
	}
}

// title is the document's title.
func (b *browser) title() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Title())
	if err != nil {
		b.t.Fatalf("title: %v", err)
	}
	return s
}

// expectTitle checks that the document's title starts with want, followed
// by the site's name.
func (b *browser) expectTitle(want string) {
	b.t.Helper()
	if got := b.title(); !strings.HasPrefix(got, want+" · ") {
		b.t.Fatalf("title %q, want %q · …", got, want)
	}
}

// expectFocus waits until the element with the id has the focus.
func (b *browser) expectFocus(id string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === `+jsString(id),
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.tagName + "#" + document.activeElement.id : "none"`))
		b.t.Fatalf("focus is on %s, want #%s (%v)", got, id, err)
	}
}

// TestBrowserFocusAfterSwaps checks where the focus is after each htmx swap
// of 服务查询 and of "get code", in both languages: never on <body>; on
// the results summary after paging and 重置, on the chosen sort link after
// sorting, on the code field after the code is sent; and the scrollable
// results table can be reached with the keyboard.
func TestBrowserFocusAfterSwaps(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app, a5000, _, _ := warrantyApp(t)
			b := newBrowser(t, app, lang, true)
			b.signInWithPassword("demo@example.com", demoPassword)
			b.open("/warranty")
			if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelector(".table-wrap[role=region]").tabIndex`)); err != nil || n != 0 {
				t.Errorf("the scrollable results are not in the tab order: tabIndex %d (%v)", n, err)
			}

			b.fill("name", "a5000")
			b.click("form[role=search] button[type=submit]")
			b.waitFor("the A5000 results", `location.search.includes("name=a5000") && document.querySelector(".total").textContent.trim() === `+jsString(b.tr("warranty.range", "From", a5000.Page.From, "To", a5000.Page.To, "Count", a5000.Page.Total)))
			b.expectFocusNotBody("after 查询")

			b.click(".sortnav a[data-focus-key=sort-asc]")
			b.waitFor("ascending", `!!document.querySelector("th[aria-sort=ascending]")`)
			b.expectFocusOn("after sorting", `[data-focus-key=sort-asc]`)

			b.click("a.button[href='/warranty']")
			b.waitFor("the reset", `location.search === "" && document.getElementById("f-name").value === ""`)
			b.expectFocus("results-summary")

			b.click("a[rel=next]")
			b.waitFor("page 2", `location.search.includes("page=2")`)
			b.expectFocus("results-summary")

			b.fill("name", "no-such-device-anywhere")
			b.click("form[role=search] button[type=submit]")
			b.waitFor("no results", `!!document.getElementById("warranty-empty")`)
			b.expectFocusNotBody("after a 查询 without results")
			b.signOut()

			b.chooseCustomerTab("code")
			b.fill("email", "demo@example.com")
			b.click("#coderow button[formaction='/login/code/send']")
			b.expectText("#coderow .notice", "login.code_sent")
			b.expectFocus("f-code")
		})
	}
}

// expectFocusNotBody checks that something other than <body> has the focus.
func (b *browser) expectFocusNotBody(when string) {
	b.t.Helper()
	b.expectFocusOn(when, `:not(body)`)
}

// expectFocusOn waits until the focused element matches the selector.
func (b *browser) expectFocusOn(when, sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`!!document.activeElement && document.activeElement.matches(`+jsString(sel)+`)`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "none"`))
		b.t.Fatalf("%s the focus is on %s, want %s (%v)", when, got, sel, err)
	}
}

// TestBrowserLanguageSwitchKeepsInput types into registration step 1,
// switches the language, and finds the page in the other language with what
// was typed; after a rejected step (a page that answers a POST) the switch
// returns to the form's page, again with the input.
func TestBrowserLanguageSwitchKeepsInput(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, startApp(t), lang, true)
			c := newCustomer(lang)
			b.open("/register")
			b.fill("name", c.name)
			b.choose("job_title", "it_lead")
			b.fill("email", c.email)
			b.switchLanguage(otherLang(lang))
			b.expectPath("/register")
			b.expectText("main h1", "register.heading")
			b.expectValue("name", c.name)
			b.expectValue("job_title", "it_lead")
			b.expectValue("email", c.email)

			b.do("clear email", chromedp.SetValue(chromedp.ID("f-email"), "not-an-address"))
			b.submit("form[action='/register/account'] button[type=submit]", http.StatusUnprocessableEntity)
			b.expectPath("/register/account")
			b.do("clear email", chromedp.SetValue(chromedp.ID("f-email"), c.email))
			b.switchLanguage(lang)
			b.expectPath("/register")
			b.expectValue("name", c.name)
			b.expectValue("email", c.email)
		})
	}
}

// switchLanguage presses the switcher's button for lang; from then on every
// page must be in lang.
func (b *browser) switchLanguage(lang string) {
	b.t.Helper()
	b.lang = lang
	b.submit("form.langswitch button[name=lang][value='"+lang+"']", http.StatusOK)
}

// TestBrowserBranding checks the favicon and the logo mark, the titles of
// the wizard's first step and of a missing page, and the staff workbench's
// footer and pending count (the dev seed leaves one submission waiting).
func TestBrowserBranding(t *testing.T) {
	chromiumPath(t)
	app, _, _, _ := warrantyApp(t)
	b := newBrowser(t, app, i18n.ZH, true)
	b.open("/register")
	b.expectTitle(b.tr("register.title.step1"))
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`fetch(document.querySelector("link[rel=icon]").href).then(r => r.ok && r.headers.get("Content-Type").startsWith("image/svg+xml"))`, chromedp.EvalAwaitPromise))
	if err != nil || !ok {
		t.Errorf("the favicon does not load (%v)", err)
	}
	if w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelector(".logo img").naturalWidth`)); err != nil || w == 0 {
		t.Errorf("the logo mark is not shown: width %d (%v)", w, err)
	}
	b.expectText("footer", "footer.text")
	b.open("/no-such-page")
	b.expectTitle(b.tr("error.title.not_found"))
	b.expectText("main h1", "error.title.not_found")

	b.staffSignIn("reviewer@example.com", demoPassword)
	b.expectText("footer.footer-staff", "footer.staff")
	b.expectText("#pending-count", "staff.home.pending", "Count", 1)
}
