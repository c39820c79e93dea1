package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"supportal/domain/ticket"
)

// The ticket page journey of SPEC §4.2–4.3 on the real application with the
// dev seed: the demo customer opens a ticket from 我的工单, replies with a
// file and finds the reply and the file in the thread; in both languages and
// once without JavaScript. The list and the ticket are photographed at
// 1440 and 390 px.

// threadApp starts the application with the dev seed and one ticket of the
// demo customer on a device of the seed.
func threadApp(t *testing.T) (*testApp, ticket.Ticket) {
	t.Helper()
	app, _, _, sn := warrantyApp(t)
	return app, demoTicket(t, app, sn)
}

// demoTicket opens a ticket of the demo customer on the device sn.
func demoTicket(t *testing.T, app *testApp, sn string) ticket.Ticket {
	t.Helper()
	ctx := context.Background()
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := app.a.ticket.Create(ctx, ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}, ticket.Input{
		Category: ticket.CategoryFault, Priority: ticket.P2, Title: "存储阵列告警：磁盘 3 离线",
		Description: "今天早上 9 点起阵列持续告警。\n已重启控制器，告警仍在。", DeviceSN: sn})
	if err != nil {
		t.Fatalf("create ticket: %v", err)
	}
	return tk
}

// openTickets is how many open tickets the demo company has: the seed's
// and those the test opened.
func openTickets(t *testing.T, app *testApp) int {
	t.Helper()
	ctx := context.Background()
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	l, err := app.a.ticket.List(ctx, ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}, ticket.ListQuery{Show: ticket.ShowOpen})
	if err != nil {
		t.Fatal(err)
	}
	return l.Page.Total
}

func TestBrowserTicketThread(t *testing.T) {
	chromiumPath(t)
	for _, run := range ticketRuns {
		name := run.name()
		t.Run(name, func(t *testing.T) {
			app, tk := threadApp(t)
			b := newBrowser(t, app, run.lang, run.js)
			b.signInWithPassword("demo@example.com", demoPassword)
			b.open("/tickets")
			b.expectScripts()
			open := openTickets(t, app)
			b.expectContains("#results-summary", "tickets.range", "From", 1, "To", open, "Count", open)
			if run.js {
				b.viewport(1440, 900)
				b.saveScreenshot("tickets-list-" + name + "-1440")
				b.viewport(390, 844)
				b.saveScreenshot("tickets-list-" + name + "-390")
				b.viewport(1280, 900)
			}
			b.submit("table.ttable a[href='/tickets/"+strconv.FormatInt(tk.ID, 10)+"']", http.StatusOK)
			b.expectText("#ticket-status .badge", "ticket.status.new")
			file := filepath.Join(t.TempDir(), "阵列日志.txt")
			if err := os.WriteFile(file, []byte("disk 3 offline\ncontroller A rebooted\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			b.fill("body", "日志见附件。")
			b.do("choose the log", chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{file}))
			b.submit("#reply button[type=submit]", http.StatusOK)
			b.expectPath("/tickets/" + strconv.FormatInt(tk.ID, 10))
			b.expectText(".flash", "flash.ticket_replied")
			if got := b.text(".messages li:last-child .files a"); got != "阵列日志.txt" {
				t.Errorf("the reply's file reads %q", got)
			}
			if got := b.text(".messages li:last-child .message-body"); got != "日志见附件。" {
				t.Errorf("the reply reads %q", got)
			}
			if run.js {
				b.viewport(1440, 900)
				b.saveScreenshot("ticket-detail-" + name + "-1440")
				b.viewport(390, 844)
				b.saveScreenshot("ticket-detail-" + name + "-390")
			}
		})
	}
}
