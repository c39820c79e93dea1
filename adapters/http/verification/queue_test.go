package verification_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/domain/creditcode"
	ident "supportal/domain/identity"
	verif "supportal/domain/verification"
)

var queueRow = regexp.MustCompile(`<td><a href="/staff/verifications/\d+">([^<]*)</a></td>`)

// rows returns the company names of the queue page's rows, in order.
func rows(r *webtest.Response) []string {
	var out []string
	for _, m := range queueRow.FindAllStringSubmatch(r.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

// codeOf returns a valid unified social credit code for n.
func codeOf(n int) string {
	first := fmt.Sprintf("91310110%09d", n)
	return first + string(creditcode.CheckChar(first))
}

// TestVerificationQueueOrderFilterSearchPages fills the queue with 24 submissions whose
// ids and submission times run in opposite directions, and checks the order
// (pending first, oldest first), the state filter, the search by name and by
// code, and the pages, in both languages.
func TestVerificationQueueOrderFilterSearchPages(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			rev := e.staff("rev@vendor.example", ident.RoleReviewer)
			base := time.Now().Add(-80 * time.Hour)
			submit := func(n int, name string, at time.Time) verif.Submission {
				a := e.customer(fmt.Sprintf("q%d@example.com", n), "CN", name)
				e.clock.Set(at)
				img := webtest.PNG(200, 200)
				sub, err := e.vsvc.Submit(ctx, a.ID, verif.Fields{CompanyName: name, DocType: "business_licence", CreditCode: codeOf(n)},
					&verif.Upload{Name: "a.png", Size: int64(len(img)), R: bytes.NewReader(img)})
				if err != nil {
					t.Fatal(err)
				}
				return sub
			}
			decide := func(sub verif.Submission, approve bool) {
				if _, err := e.vsvc.Claim(ctx, rev.ID, sub.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := e.vsvc.Decide(ctx, rev.ID, sub.ID, sub.Version, approve, "blurry", ""); err != nil {
					t.Fatal(err)
				}
			}
			// Decided long ago, but listed after every pending one.
			decide(submit(100, "已认证公司", base.Add(-10*24*time.Hour)), true)
			decide(submit(101, "已驳回公司", base.Add(-9*24*time.Hour)), false)
			// 22 pending: each created later than the one before but submitted
			// a minute earlier, so the oldest has the highest id.
			var pending []string
			for i := range 22 {
				name := fmt.Sprintf("待审公司%02d", i)
				if i == 7 {
					name = "Zeta Trading Ltd"
				}
				submit(i, name, base.Add(time.Duration(21-i)*time.Minute))
				pending = append(pending, name)
			}
			e.clock.Set(time.Time{})
			slices.Reverse(pending)
			all := append(slices.Clone(pending), "已认证公司", "已驳回公司")

			rc := e.client(lang)
			rc.Login("/staff/login", "rev@vendor.example")
			status := func(from, to, total int) string {
				return webtest.T(lang, "pager.range", map[string]any{"From": from, "To": to, "Count": total})
			}
			r := rc.Get("/staff/verifications")
			webtest.WantStatus(t, r, http.StatusOK)
			if got := rows(r); !slices.Equal(got, all[:20]) {
				t.Fatalf("page 1 rows\n got %q\nwant %q", got, all[:20])
			}
			webtest.WantText(t, r, status(1, 20, 24), `href="/staff/verifications?page=2"`, `rel="next"`,
				webtest.T(lang, "duration.days", map[string]any{"Count": 3}))
			webtest.WantNoText(t, r, `rel="prev"`)
			r = rc.Get("/staff/verifications?page=2")
			if got := rows(r); !slices.Equal(got, all[20:]) {
				t.Fatalf("page 2 rows\n got %q\nwant %q", got, all[20:])
			}
			webtest.WantText(t, r, status(21, 24, 24), `href="/staff/verifications" hx-get="/staff/verifications" hx-target="#results" hx-push-url="true" rel="prev"`)
			webtest.WantNoText(t, r, `rel="next"`)
			r = rc.Get("/staff/verifications?page=99")
			if got := rows(r); len(got) != 0 {
				t.Errorf("page 99 rows %q", got)
			}
			webtest.WantText(t, r, `href="/staff/verifications?page=2"`)
			for _, p := range []string{"0", "-3", "x"} {
				if got := rows(rc.Get("/staff/verifications?page=" + p)); !slices.Equal(got, all[:20]) {
					t.Errorf("page=%s rows %q", p, got)
				}
			}

			// The state filter, kept in the page links.
			r = rc.Get("/staff/verifications?state=pending")
			if got := rows(r); !slices.Equal(got, pending[:20]) {
				t.Errorf("pending rows %q", got)
			}
			webtest.WantText(t, r, status(1, 20, 22), `href="/staff/verifications?page=2&state=pending"`, `value="pending" selected`)
			if got := rows(rc.Get("/staff/verifications?page=2&state=pending")); !slices.Equal(got, pending[20:]) {
				t.Errorf("pending page 2 rows %q", got)
			}
			for state, want := range map[string][]string{"verified": {"已认证公司"}, "rejected": {"已驳回公司"}, "nonsense": all[:20]} {
				if got := rows(rc.Get("/staff/verifications?state=" + state)); !slices.Equal(got, want) {
					t.Errorf("state=%s rows %q, want %q", state, got, want)
				}
			}

			// Search by a name fragment in any case, by code however typed.
			for q, want := range map[string][]string{
				"zeta":                     {"Zeta Trading Ltd"},
				"TRADING":                  {"Zeta Trading Ltd"},
				"待审公司0":                    {"待审公司09", "待审公司08", "待审公司06", "待审公司05", "待审公司04", "待审公司03", "待审公司02", "待审公司01", "待审公司00"},
				codeOf(100):                {"已认证公司"},
				strings.ToLower(codeOf(3)): {"待审公司03"},
				codeOf(1)[:4] + " " + codeOf(1)[4:8] + "-" + codeOf(1)[8:]: {"待审公司01"},
				"公司":   slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == "Zeta Trading Ltd" })[:20],
				"没有这家": nil,
			} {
				r := rc.Get("/staff/verifications?q=" + url.QueryEscape(q))
				if got := rows(r); !slices.Equal(got, want) {
					t.Errorf("q=%s rows %q, want %q", q, got, want)
				}
				if want == nil {
					webtest.WantText(t, r, webtest.T(lang, "verification.queue.empty_filtered", nil))
				}
			}
			r = rc.Get("/staff/verifications?q=待审&state=pending&page=2", "HX-Request", "true", "HX-Target", "results")
			named := slices.DeleteFunc(slices.Clone(pending), func(n string) bool { return !strings.HasPrefix(n, "待审") })
			if got := rows(r); !slices.Equal(got, named[20:]) {
				t.Errorf("htmx page 2 rows %q, want %q", got, named[20:])
			}
			webtest.WantNoText(t, r, "<html")
			webtest.WantText(t, r, status(21, 21, 21), `href="/staff/verifications?q=`+url.QueryEscape("待审")+`&state=pending"`)
			// Going back to it after leaving, htmx restores the page from the
			// server: the whole page, whose pager keeps the query too.
			r = rc.Get("/staff/verifications?q=待审&state=pending&page=2", "HX-Request", "true", "HX-Target", "results", "HX-History-Restore-Request", "true")
			webtest.WantText(t, r, "<html", `<form method="get" action="/staff/verifications"`, status(21, 21, 21),
				`aria-current="page" aria-label="`+webtest.T(lang, "pager.page", map[string]any{"Page": 2})+`">2</a>`)
		})
	}
}
