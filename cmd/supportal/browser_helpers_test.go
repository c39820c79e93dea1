package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
)

// journeyTimeout bounds one browser journey, from the first page to the last.
const journeyTimeout = 90 * time.Second

// browserRun is one run of a browser test: a language, with JavaScript or
// without.
type browserRun struct {
	lang string
	js   bool
}

// ticketRuns are the ticket pages' runs: zh-CN and en with JavaScript, and
// zh-CN without.
var ticketRuns = []browserRun{{i18n.ZH, true}, {i18n.EN, true}, {i18n.ZH, false}}

// name names the run's sub-test: the language, "-nojs" without JavaScript.
func (r browserRun) name() string {
	if r.js {
		return r.lang
	}
	return r.lang + "-nojs"
}

// browser is one headless Chromium tab on the app, in one language, with the
// test's deadline. Its methods fail the test with the step that went wrong.
type browser struct {
	t    *testing.T
	ctx  context.Context
	app  *testApp
	lang string // the language the pages must be in: i18n.ZH or i18n.EN
	js   bool
	// audit runs axe-core on every page that open and submit reach.
	audit bool
	shots int // screenshots taken, numbering their files
	// console collects what the pages logged as errors or violations.
	console *consoleLog
}

// consoleLog is what a tab's pages reported on the console and in the log
// (Content-Security-Policy violations among them), collected from the tab's
// event loop.
type consoleLog struct {
	mu      sync.Mutex
	entries []string
}

func (l *consoleLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, s)
}

// matching returns the entries that contain sub.
func (l *consoleLog) matching(sub string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.entries {
		if strings.Contains(e, sub) {
			out = append(out, e)
		}
	}
	return out
}

// acceptLanguage is what a browser set to each language sends.
var acceptLanguage = map[string]string{i18n.ZH: "zh-CN,zh;q=0.9", i18n.EN: "en-US,en;q=0.9"}

// newBrowser starts Chromium with a fresh profile (chromedp creates and
// removes its user-data-dir), asking for lang through Accept-Language only:
// the lang cookie is never set by the test. With js false, scripts are off
// before the first page loads.
func newBrowser(t *testing.T, app *testApp, lang string, js bool) *browser {
	t.Helper()
	return newBrowserFor(t, app, lang, js, journeyTimeout)
}

// newBrowserFor is newBrowser with a deadline of its own, for journeys that
// go back and forth between several people.
func newBrowserFor(t *testing.T, app *testApp, lang string, js bool, timeout time.Duration) *browser {
	t.Helper()
	uiLang := map[string]string{i18n.ZH: "zh-CN", i18n.EN: "en-US"}[lang]
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", uiLang),
		chromedp.Flag("accept-lang", acceptLanguage[lang]),
		chromedp.WindowSize(1280, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": acceptLanguage[lang]}}); err != nil {
		t.Fatalf("set Accept-Language: %v", err)
	}
	if !js {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("disable JavaScript: %v", err)
		}
	}
	console := &consoleLog{}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			console.add(fmt.Sprintf("%s %s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				console.add(fmt.Sprintf("console %s: %s", ev.Type, strings.Join(parts, " ")))
			}
		}
	}); err != nil {
		t.Fatalf("listen to the console: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: tctx, app: app, lang: lang, js: js, console: console}
	// No page may break its own Content-Security-Policy (htmx's indicator
	// styles did, until htmx-config turned them off).
	t.Cleanup(func() {
		for _, e := range console.matching("Content Security Policy") {
			t.Errorf("CSP violation in the browser: %s", e)
		}
	})
	t.Cleanup(func() { b.dumpOnFailure(ctx) }) // runs before the browser closes
	return b
}

// dumpOnFailure logs where the browser was and what it showed, and saves a
// screenshot that outlives the test.
func (b *browser) dumpOnFailure(ctx context.Context) {
	if !b.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	b.t.Logf("browser was at %s showing:\n%s", loc, text)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		return
	}
	dir, err := os.MkdirTemp("", "supportal-browser-")
	if err == nil {
		name := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(b.t.Name())+".png")
		if os.WriteFile(name, png, 0o644) == nil {
			b.t.Logf("screenshot: %s", name)
		}
	}
}

// tr is the text of a message id in the browser's language.
func (b *browser) tr(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i].(string)] = kv[i+1]
	}
	return b.app.bundle.T(b.lang, id, data)
}

func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// open loads path and checks that the page is in the browser's language.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.app.url+path))
	b.expectLang(b.lang)
	if b.audit {
		b.axe(path)
	}
}

// click clicks the element and does not wait for a page (menus, htmx).
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// submit clicks the element, waits for the page it leads to and checks the
// HTTP status of that page.
func (b *browser) submit(sel string, status int) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("submit %s: %v", sel, err)
	}
	if int(resp.Status) != status {
		b.t.Fatalf("submit %s: %s answered %d, want %d", sel, resp.URL, resp.Status, status)
	}
	b.expectLang(b.lang)
	if b.audit {
		b.axe(strings.TrimPrefix(resp.URL, b.app.url) + " after " + sel)
	}
}

// expectScripts checks that the page's scripts ran (htmx is loaded) when
// JavaScript is on, and did not when it is off.
func (b *browser) expectScripts() {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`typeof window.htmx`))
	if err != nil {
		b.t.Fatalf("typeof htmx: %v", err)
	}
	want := map[bool]string{true: "object", false: "undefined"}[b.js]
	if got != want {
		b.t.Fatalf("typeof htmx is %q with JavaScript %v, want %q (is views/static/vendor/htmx.min.js there? go generate ./views)", got, b.js, want)
	}
}

// fill types v into the empty input or textarea f-<name>; a field that
// holds something already gets v set as its value.
func (b *browser) fill(name, v string) {
	b.t.Helper()
	sel := chromedp.ID("f-" + name)
	if b.value(name) != "" {
		b.do("set "+name, chromedp.SetValue(sel, v))
		return
	}
	b.do("type into "+name, chromedp.SendKeys(sel, v))
}

// choose picks the option with value v in the select f-<name>.
func (b *browser) choose(name, v string) {
	b.t.Helper()
	b.do("choose "+name, chromedp.SetValue(chromedp.ID("f-"+name), v))
}

func (b *browser) value(name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID("f-"+name)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", name, err)
	}
	return v
}

func (b *browser) expectValue(name, want string) {
	b.t.Helper()
	if got := b.value(name); got != want {
		b.t.Errorf("field %s holds %q, want %q", name, got, want)
	}
}

// expectSelected checks that the select f-<name> has the option with value
// v chosen, labelled with the message id's text.
func (b *browser) expectSelected(name, v, id string) {
	b.t.Helper()
	b.expectValue(name, v)
	label, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS("#f-"+name+" option:checked")))
	if err != nil {
		b.t.Fatalf("chosen option of %s: %v", name, err)
	}
	if want := b.tr(id); strings.TrimSpace(label) != want {
		b.t.Errorf("select %s shows %q, want %q (%s)", name, label, want, id)
	}
}

// text waits until sel is visible and returns its visible text.
func (b *browser) text(sel string) string {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// expectText checks that sel shows exactly the message id's text.
func (b *browser) expectText(sel, id string, kv ...any) {
	b.t.Helper()
	if got, want := b.text(sel), b.tr(id, kv...); got != want {
		b.t.Fatalf("%s shows %q, want %q (%s)", sel, got, want, id)
	}
}

// expectContains checks that sel's text includes the message id's text.
func (b *browser) expectContains(sel, id string, kv ...any) {
	b.t.Helper()
	if got, want := b.text(sel), b.tr(id, kv...); !strings.Contains(got, want) {
		b.t.Fatalf("%s shows %q, want it to contain %q (%s)", sel, got, want, id)
	}
}

// path returns the path of the current page, without the query.
func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	loc = strings.TrimPrefix(loc, b.app.url)
	loc, _, _ = strings.Cut(loc, "?")
	return loc
}

func (b *browser) expectPath(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.t.Fatalf("browser is at %s, want %s", got, want)
	}
}

// expectLang checks the language the page declares on <html>.
func (b *browser) expectLang(want string) {
	b.t.Helper()
	attrs, err := chromedp.Run(b.ctx, chromedp.Attributes(chromedp.CSS("html")))
	if err != nil {
		b.t.Fatalf("html attributes: %v", err)
	}
	if attrs["lang"] != want {
		b.t.Fatalf("page language is %q, want %q", attrs["lang"], want)
	}
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// mailedCode waits for the mail to `to` after the first `after` ones, checks
// its subject is the message id's text and returns the 6-digit code in it.
func (b *browser) mailedCode(to string, after int, subjectID string) string {
	b.t.Helper()
	m, err := b.app.box.Wait(b.ctx, to, after)
	if err != nil {
		b.t.Fatalf("waiting for mail %d to %s: %v", after+1, to, err)
	}
	if want := b.tr(subjectID); m.Subject != want {
		b.t.Errorf("mail subject %q, want %q", m.Subject, want)
	}
	code := sixDigits.FindString(m.Text)
	if code == "" {
		b.t.Fatalf("no 6-digit code in the mail to %s:\n%s", to, m.Text)
	}
	return code
}
