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
			b.expectTitle(b.tr("register.title"))
			b.submit("form[action='/register/account'] button[type=submit]", http.StatusUnprocessableEntity)
			b.expectTitle(b.tr("error.title_prefix") + b.tr("register.title"))
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
