package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"supportal/domain/identity"
	"supportal/domain/ticket"
)

// TestTicketMailOverSMTP follows one ticket's emails through the outbox and
// a real SMTP session: the creation mail to the customer with the number
// and a link to the ticket, the new-ticket mail to the agents with a link to
// their page, the public reply's text to the customer in the customer's
// language, an internal note's text in no customer's mail, and user text
// (an XSS payload) kept as text.
func TestTicketMailOverSMTP(t *testing.T) {
	app := startApp(t)
	ctx := context.Background()
	if err := seed(ctx, app.a, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	wait := func(to string, after int) string {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		m, err := app.box.Wait(wctx, to, after)
		if err != nil {
			t.Fatalf("no mail to %s after %d: %v", to, after, err)
		}
		return m.Subject + "\n" + m.Text
	}
	// Wait for the seed's mails to be sent, then count from there.
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	agentAcct, err := app.a.store.AccountByEmail(ctx, "agent@example.com")
	if err != nil {
		t.Fatal(err)
	}
	drain := func() {
		for i := 0; i < 200; i++ {
			if n, err := app.a.worker.Drain(ctx); err == nil && n == 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	drain()
	custBefore, agentBefore := len(app.box.For("demo@example.com")), len(app.box.For("agent@example.com"))

	xss := `<script>alert("x")</script>`
	cust := ticket.Actor{AccountID: demo.ID, CompanyID: demo.CompanyID}
	tk, err := app.a.ticket.Create(ctx, cust, ticket.Input{Category: ticket.CategoryQuestion, Priority: ticket.P3,
		Title: "许可证续期 " + xss, Description: "请问如何续期？", Phone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	m := wait("demo@example.com", custBefore)
	link := fmt.Sprintf("%s/tickets/%d", app.url, tk.ID)
	for _, want := range []string{tk.Number, "我们已收到您的工单", xss, link} {
		if !strings.Contains(m, want) {
			t.Errorf("creation mail lacks %q:\n%s", want, m)
		}
	}
	m = wait("agent@example.com", agentBefore)
	if !strings.Contains(m, tk.Number) || !strings.Contains(m, fmt.Sprintf("%s/staff/tickets/%d", app.url, tk.ID)) {
		t.Errorf("agent mail:\n%s", m)
	}

	agent := ticket.Actor{AccountID: agentAcct.ID, StaffRole: string(identity.RoleAgent)}
	const secret = "内部备注：客户合同即将到期"
	_, tk, err = app.a.ticket.StaffReply(ctx, agent, tk.ID, ticket.Loaded{Version: tk.Version, UpdatedAt: tk.UpdatedAt},
		ticket.StaffInput{Body: secret, Internal: true})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = app.a.ticket.StaffReply(ctx, agent, tk.ID, ticket.Loaded{Version: tk.Version, UpdatedAt: tk.UpdatedAt},
		ticket.StaffInput{Body: "可以在线续期，步骤如下。", Next: ticket.StatusWaiting})
	if err != nil {
		t.Fatal(err)
	}
	reply := wait("demo@example.com", custBefore+1)
	if !strings.Contains(reply, "可以在线续期") || !strings.Contains(reply, link) {
		t.Errorf("reply mail:\n%s", reply)
	}
	drain()
	for _, msg := range app.box.For("demo@example.com") {
		if strings.Contains(msg.Subject+msg.Text+msg.HTML, secret) {
			t.Fatalf("a customer mail carries the internal note:\n%s\n%s", msg.Subject, msg.Text)
		}
	}
}
