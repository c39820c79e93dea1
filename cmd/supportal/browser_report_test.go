package main

import (
	"context"
	"net/http"
	"testing"

	"supportal/adapters/i18n"
	"supportal/domain/ticket"
)

// TestBrowserReports opens the staff reports as an agent from the header's
// menu, in both languages, at a desktop's and at a phone's width (390 px):
// every report is a table with its bar chart, an SVG image whose title
// gives the figures; nothing scrolls sideways at 390 px but the tables in
// their own scrolling region. The screenshots go to SUPPORTAL_SCREENSHOTS.
func TestBrowserReports(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app, _, _, sn := warrantyApp(t)
			ctx := context.Background()
			agent, err := app.a.store.AccountByEmail(ctx, "agent@example.com")
			if err != nil {
				t.Fatal(err)
			}
			staff := ticket.Actor{AccountID: agent.ID, StaffRole: ticket.StaffAgent}
			for i, title := range []string{"阵列控制器反复重启", "存储空间不足", "备份任务失败"} {
				tk, who := openDemoTicket(t, app, sn, title)
				if i == 2 {
					continue
				}
				if _, _, err := app.a.ticket.StaffReply(ctx, staff, tk.ID, ticket.Loaded{}, ticket.StaffInput{Body: "已处理。"}); err != nil {
					t.Fatal(err)
				}
				if _, err := app.a.ticket.SetStatus(ctx, staff, tk.ID, ticket.Loaded{}, ticket.StatusResolved); err != nil {
					t.Fatal(err)
				}
				if _, err := app.a.ticket.Rate(ctx, who, tk.ID, ticket.RatingInput{Score: 5 - i}); err != nil {
					t.Fatal(err)
				}
			}
			s := newBrowser(t, app, lang, true)
			s.staffSignIn("agent@example.com", demoPassword)
			s.submit("nav.mainnav a[href='/staff/reports']", http.StatusOK)
			s.expectText("main h1", "report.title")
			s.screenshot("/staff/reports")
			var got struct {
				Charts, Titled, Tables, Captions int
				ScrollWidth                      float64
			}
			const count = `JSON.stringify({
				Charts: document.querySelectorAll("svg.chart[role=img][aria-label]").length,
				Titled: [...document.querySelectorAll("svg.chart")].filter(s => s.querySelector("title") && s.querySelector("title").textContent.length > 10).length,
				Tables: document.querySelectorAll("table.report-table").length,
				Captions: document.querySelectorAll("table.report-table caption").length,
				ScrollWidth: document.documentElement.scrollWidth})`
			s.eval("the reports", count, &got)
			if got.Charts != 8 || got.Titled != 8 || got.Tables != 8 || got.Captions != 8 {
				t.Errorf("reports page: %+v, want 8 tables with captions and 8 charts with their figures", got)
			}
			s.viewport(390, 844)
			s.open("/staff/reports")
			s.screenshot("/staff/reports at 390 px")
			s.eval("the reports at 390 px", count, &got)
			if got.ScrollWidth > 390 {
				t.Errorf("the reports are %v px wide at 390 px: the page scrolls sideways", got.ScrollWidth)
			}
			var chartW float64
			s.eval("a chart's width", `JSON.stringify(document.querySelector("svg.chart").getBoundingClientRect().width)`, &chartW)
			if chartW < 300 || chartW > 390 {
				t.Errorf("a chart is %v px wide at 390 px, want the width of the page", chartW)
			}
		})
	}
}
