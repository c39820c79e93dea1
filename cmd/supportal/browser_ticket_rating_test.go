package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"supportal/domain/ticket"
)

// TestBrowserRating: the demo customer closes a ticket and rates it 4 from
// the radio buttons, with axe-core on the form and on the rated page in
// both languages, and once without JavaScript.
func TestBrowserRating(t *testing.T) {
	chromiumPath(t)
	for _, run := range ticketRuns {
		lang := run.lang
		t.Run(run.name(), func(t *testing.T) {
			app, tk := threadApp(t)
			ctx := context.Background()
			demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := app.a.ticket.Close(ctx, ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}, tk.ID); err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t, app, lang, run.js)
			b.audit = run.js
			b.signInWithPassword("demo@example.com", demoPassword)
			id := strconv.FormatInt(tk.ID, 10)
			b.open("/tickets/" + id)
			b.click("#f-score-4")
			b.fill("comment", "响应及时")
			b.submit("#rate", http.StatusOK)
			b.expectPath("/tickets/" + id)
			b.expectContains("#rating-current", "tickets.rating.current", "Score", 4)
		})
	}
}
