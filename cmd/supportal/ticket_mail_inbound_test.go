package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportal/adapters/mailin"
	"supportal/adapters/minio/miniotest"
	"supportal/domain/identity"
	"supportal/domain/ticket"
)

// mailApp is the application with the inbound listener on, a ticket of
// demo@example.com waiting for her after an agent's reply, and that
// reply's email as she received it.
type mailApp struct {
	*testApp
	demo, agent identity.Account
	tk          ticket.Ticket
	reply       mail.Header // the agent's reply as demo received it
	created     mail.Header // the creation email to demo
}

func newMailApp(t *testing.T) *mailApp {
	t.Helper()
	endpoint, access, secret := miniotest.Server(t)
	app := startAppWith(t, objectStore{endpoint, access, secret, miniotest.Bucket(t)},
		map[string]string{"SUPPORTAL_MAIL_LISTEN": "127.0.0.1:0", "SUPPORTAL_MAIL_REPLY_DOMAIN": "reply.example.com"})
	ctx := context.Background()
	if err := seed(ctx, app.a, io.Discard); err != nil {
		t.Fatalf("seed: %v", err)
	}
	m := &mailApp{testApp: app}
	var err error
	if m.demo, err = app.a.store.AccountByEmail(ctx, "demo@example.com"); err != nil {
		t.Fatal(err)
	}
	if m.agent, err = app.a.store.AccountByEmail(ctx, "agent@example.com"); err != nil {
		t.Fatal(err)
	}
	before := len(app.box.For("demo@example.com"))
	m.tk, err = app.a.ticket.Create(ctx, ticket.Actor{AccountID: m.demo.ID, CompanyID: m.demo.CompanyID}, ticket.Input{
		Category: ticket.CategoryQuestion, Priority: ticket.P3, Title: "许可证续期", Description: "请问如何续期？", Phone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	m.created = m.wait(t, "demo@example.com", before, m.tk.Number, "我们已收到您的工单")
	_, m.tk, err = app.a.ticket.StaffReply(ctx, m.staff(), m.tk.ID, ticket.Loaded{Version: m.tk.Version, UpdatedAt: m.tk.UpdatedAt},
		ticket.StaffInput{Body: "请提供控制器日志", Next: ticket.StatusWaiting})
	if err != nil || m.tk.Status != ticket.StatusWaiting {
		t.Fatalf("StaffReply: %+v %v", m.tk, err)
	}
	m.reply = m.wait(t, "demo@example.com", before, m.tk.Number, "请提供控制器日志")
	return m
}

func (m *mailApp) staff() ticket.Actor {
	return ticket.Actor{AccountID: m.agent.ID, StaffRole: string(identity.RoleAgent)}
}

// wait returns the headers of the first email to to after the index after
// whose subject and text contain each of texts.
func (m *mailApp) wait(t *testing.T, to string, after int, texts ...string) mail.Header {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for n := after; ; n++ {
		if _, err := m.box.Wait(ctx, to, n); err != nil {
			t.Fatalf("no mail to %s with %q: %v", to, texts, err)
		}
		got := m.box.For(to)[n]
		if all(got.Subject+"\n"+got.Text, texts) {
			h, err := mail.ReadMessage(bytes.NewReader(got.Raw))
			if err != nil {
				t.Fatal(err)
			}
			return h.Header
		}
	}
}

func all(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// thread returns the ticket's messages as the agents' page shows them.
func (m *mailApp) thread(t *testing.T) ticket.AgentView {
	t.Helper()
	v, err := m.a.ticket.AgentDetail(context.Background(), m.staff(), m.tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// smtpSend delivers raw over one SMTP session to the listener, from from
// ("" for the null sender) to to.
func smtpSend(addr, from, to, raw string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("mx.example.com"); err != nil {
		return err
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// replyMail is a plain-text reply of demo to addr, quoting the agent in
// Gmail's way.
func replyMail(addr, id, extra, text string) string {
	return "From: =?utf-8?b?546L5pWP?= <demo@example.com>\r\nTo: " + addr + "\r\nSubject: Re: ticket\r\nMessage-ID: <" + id + ">\r\n" + extra +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text +
		"\r\n\r\nOn Tue, Dec 1, 2026 at 10:00 AM Supportal <no-reply@supportal.local> wrote:\r\n> 请提供控制器日志\r\n"
}

// TestTicketMailHeaders: the emails of a ticket, sent over SMTP, carry
// their recipient's reply address and thread: the creation email is the
// root, the reply refers to it.
func TestTicketMailHeaders(t *testing.T) {
	m := newMailApp(t)
	root := fmt.Sprintf("<ticket-%d@reply.example.com>", m.tk.ID)
	if got := m.created.Get("Message-Id"); got != root {
		t.Errorf("creation Message-ID = %q, want %q", got, root)
	}
	if id := m.reply.Get("Message-Id"); !regexp.MustCompile(fmt.Sprintf(`^<ticket-%d-[a-z0-9]+@reply\.example\.com>$`, m.tk.ID)).MatchString(id) {
		t.Errorf("reply Message-ID = %q", id)
	}
	if m.reply.Get("In-Reply-To") != root || m.reply.Get("References") != root {
		t.Errorf("reply In-Reply-To %q References %q, want %s", m.reply.Get("In-Reply-To"), m.reply.Get("References"), root)
	}
	for _, h := range []mail.Header{m.created, m.reply} {
		to, err := mail.ParseAddress(h.Get("Reply-To"))
		if err != nil || !strings.HasPrefix(to.Address, "support+") || !strings.HasSuffix(to.Address, "@reply.example.com") ||
			m.a.ticket.CheckRecipient(to.Address) != "" {
			t.Errorf("Reply-To %q (%v)", h.Get("Reply-To"), err)
		}
	}
	if m.created.Get("Reply-To") != m.reply.Get("Reply-To") {
		t.Errorf("one recipient, one ticket, two addresses: %q, %q", m.created.Get("Reply-To"), m.reply.Get("Reply-To"))
	}
	// The development mailbox page shows it beside each email.
	res, err := http.Get(m.url + "/dev/mail")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := html.UnescapeString(string(body))
	if addr := strings.Trim(m.reply.Get("Reply-To"), "<>"); res.StatusCode != 200 || !strings.Contains(page, "回复地址： <code>"+addr+"</code>") {
		t.Errorf("/dev/mail (%d) does not show the Reply-To %s", res.StatusCode, addr)
	}
}

// TestTicketMailReplyOverSMTP: over real SMTP sessions with the listener,
// a forged address is refused at RCPT with 550; demo's reply lands on the
// ticket as her public message (待客户反馈 → 处理中); the same email
// delivered three times at once and once more is added once; a bounce (null sender) and an auto-reply are dropped and
// audited; a reply with an image keeps it.
func TestTicketMailReplyOverSMTP(t *testing.T) {
	m := newMailApp(t)
	addr, _ := mail.ParseAddress(m.reply.Get("Reply-To"))
	listener := m.a.inbound.Addr()
	i := strings.IndexByte(addr.Address, '+') + 4
	forged := addr.Address[:i] + map[bool]string{true: "b", false: "a"}[addr.Address[i] == 'a'] + addr.Address[i+1:]
	var se *smtp.SMTPError
	if err := smtpSend(listener, "demo@example.com", forged, replyMail(forged, "forged@example.com", "", "x")); !errors.As(err, &se) || se.Code != 550 {
		t.Errorf("forged RCPT: %v, want 550", err)
	}

	raw := replyMail(addr.Address, "reply-1@example.com", "In-Reply-To: "+m.reply.Get("Message-Id")+"\r\n", "已按建议重启控制器，告警消失了。")
	// Three deliveries at once and one after: the email is added once.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() { errs <- smtpSend(listener, "demo@example.com", addr.Address, raw) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("reply: %v", err)
		}
	}
	if err := smtpSend(listener, "demo@example.com", addr.Address, raw); err != nil {
		t.Fatalf("reply again: %v", err)
	}
	v := m.thread(t)
	if len(v.Messages) != 3 || v.Ticket.Status != ticket.StatusInProgress {
		t.Fatalf("%d messages, status %s; want 3 and in_progress", len(v.Messages), v.Ticket.Status)
	}
	last := v.Messages[2]
	if last.AuthorID != m.demo.ID || last.AuthorRole != ticket.RoleCustomer || last.Internal ||
		!strings.HasPrefix(last.Body, "已按建议重启控制器，告警消失了。") {
		t.Errorf("last message %+v", last)
	}

	bounce := "From: MAILER-DAEMON@example.com\r\nTo: " + addr.Address + "\r\nSubject: Undelivered Mail\r\nMessage-ID: <bounce-1@example.com>\r\n\r\nThe mail could not be delivered.\r\n"
	if err := smtpSend(listener, "", addr.Address, bounce); err != nil {
		t.Errorf("bounce: %v (want accepted, then dropped)", err)
	}
	t.Run("auto-reply", func(t *testing.T) {
		auto := replyMail(addr.Address, "ooo-1@example.com", "Auto-Submitted: auto-replied\r\n", "我正在休假，12 月 8 日回来。")
		if p, err := mailin.Parse(strings.NewReader(auto), 1<<20); err != nil || !p.Auto {
			t.Fatalf("the parser does not tell the auto-reply: %+v, %v", p, err)
		}
		if err := smtpSend(listener, "demo@example.com", addr.Address, auto); err != nil {
			t.Fatal(err)
		}
	})
	if n := len(m.thread(t).Messages); n != 3 {
		t.Errorf("%d messages after the bounce and the auto-reply, want 3", n)
	}
	var reasons []string
	if err := m.a.db.SelectContext(context.Background(), &reasons,
		`SELECT detail FROM audit_log WHERE type = 'ticket_mail_dropped' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(reasons, "\n"); !strings.Contains(all, "reason=replay") || !strings.Contains(all, "reason=null_sender") {
		t.Errorf("audited drops:\n%s", all)
	}

	t.Run("attachment", func(t *testing.T) {
		raw := withImage(addr.Address, "reply-2@example.com", "截图见附件", pngFile(t))
		if p, err := mailin.Parse(strings.NewReader(raw), 1<<20); err != nil || len(p.Attachments) != 1 {
			t.Fatalf("the parser reads no attachment: %+v, %v", p, err)
		}
		if err := smtpSend(listener, "demo@example.com", addr.Address, raw); err != nil {
			t.Fatal(err)
		}
		v := m.thread(t)
		last := v.Messages[len(v.Messages)-1]
		if !strings.HasPrefix(last.Body, "截图见附件") || len(last.Attachments) != 1 || last.Attachments[0].Name != "screen.png" ||
			last.Attachments[0].ContentType != "image/png" {
			t.Errorf("last message %+v", last)
		}

		// A file the web form refuses is left out, the text posted, and
		// the sender told which file and where to upload it.
		before := len(m.box.For("demo@example.com"))
		raw = withFile(addr.Address, "reply-3@example.com", "日志页面见附件", "page.html", "text/html",
			[]byte("<html><script>alert(1)</script></html>"))
		if err := smtpSend(listener, "demo@example.com", addr.Address, raw); err != nil {
			t.Fatal(err)
		}
		v = m.thread(t)
		if last := v.Messages[len(v.Messages)-1]; !strings.HasPrefix(last.Body, "日志页面见附件") || len(last.Attachments) != 0 {
			t.Errorf("last message %+v", last)
		}
		h := m.wait(t, "demo@example.com", before, "附件未添加", "page.html", "/tickets/"+strconv.FormatInt(m.tk.ID, 10))
		if h.Get("Auto-Submitted") != "auto-replied" {
			t.Errorf("the answer's Auto-Submitted is %q", h.Get("Auto-Submitted"))
		}
	})
}
