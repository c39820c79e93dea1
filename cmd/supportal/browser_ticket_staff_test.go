package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
	"supportal/domain/ticket"
)

// openDemoTicket has the demo customer open a ticket on the device sn and
// returns it with the customer as the ticket service knows them.
func openDemoTicket(t *testing.T, app *testApp, sn, title string) (ticket.Ticket, ticket.Actor) {
	t.Helper()
	ctx := context.Background()
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	who := ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}
	tk, err := app.a.ticket.Create(ctx, who, ticket.Input{Category: ticket.CategoryFault, Priority: ticket.P2, Title: title,
		Description: "控制器 B 反复重启。", DeviceSN: sn})
	if err != nil {
		t.Fatalf("open ticket: %v", err)
	}
	return tk, who
}

// agentWorksTicket signs the demo agent in and works the ticket from the
// queue: assign to me, then reply and set 待客户反馈 in one step. With
// conflict, the customer replies while the agent types: the agent sees the
// conflict panel with their text kept and sends it again on the current
// version.
func agentWorksTicket(t *testing.T, app *testApp, s *browser, tk ticket.Ticket, who ticket.Actor, conflict bool) {
	t.Helper()
	s.staffSignIn("agent@example.com", demoPassword)
	s.submit("nav.mainnav a[href='/staff/tickets']", http.StatusOK)
	s.expectText("main h1", "staffticket.queue.title")
	s.screenshot("/staff/tickets")
	s.submit("table.qtable a[href='/staff/tickets/"+strconv.FormatInt(tk.ID, 10)+"']", http.StatusOK)
	s.submit("#assign-me", http.StatusOK)
	s.expectContains(".flash", "flash.staffticket.assigned")
	const reply = "请上传控制器 B 的日志。"
	s.do("type the reply", chromedp.SendKeys(chromedp.CSS("#r-f-body"), reply),
		chromedp.SetValue(chromedp.CSS("#r-f-status"), string(ticket.StatusWaiting)))
	if conflict {
		if _, err := app.a.ticket.Reply(context.Background(), who, tk.ID, "补充：重启发生在凌晨。", nil); err != nil {
			t.Fatal(err)
		}
		s.submit("#reply-form button[type=submit]", http.StatusConflict)
		s.expectContains("#conflict h2", "staffticket.conflict.title")
		s.expectContains("#conflict", "staffticket.event.customer_message")
		if got := s.text("#conflict"); !strings.Contains(got, "补充：重启发生在凌晨。") {
			t.Fatalf("the conflict panel does not show the customer's reply: %q", got)
		}
		if v, err := chromedp.Run(s.ctx, chromedp.Value(chromedp.CSS("#r-f-body"))); err != nil || v != reply {
			t.Fatalf("the typed reply was not kept: %q (%v)", v, err)
		}
		s.submit("#conflict button[form=reply-form]", http.StatusOK)
	} else {
		s.submit("#reply-form button[type=submit]", http.StatusOK)
	}
	s.expectContains(".flash", "flash.staffticket.replied")
	s.expectText(".tbadges .badge-st", "ticket.status.waiting")
	s.screenshot("/staff/tickets/id")
}

func TestBrowserAgentRepliesAndWaits(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app, _, _, sn := warrantyApp(t)
			tk, who := openDemoTicket(t, app, sn, "阵列控制器反复重启")
			agentWorksTicket(t, app, newBrowser(t, app, lang, true), tk, who, false)
			v, err := app.a.ticket.Detail(context.Background(), who, tk.ID)
			if err != nil || v.Ticket.Status != ticket.StatusWaiting || len(v.Messages) != 2 {
				t.Fatalf("after the reply: %+v %v", v.Ticket, err)
			}
		})
	}
}
