package ticket_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/domain/ticket"
	"supportal/ports"
)

// mailSettings are the email channel of the inbound tests.
var mailSettings = ticket.MailSettings{Key: []byte("0123456789abcdef0123456789abcdef"), Domain: "mail.example.com"}

// custA3 is a colleague of 王敏 in company A who does not follow the
// tickets of the tests.
const custA3 = 5

// newMailEnv is newEnv with the email channel on.
func newMailEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, ticket.Limits{})
	e.people.byID[custA3] = ticket.Person{ID: custA3, CompanyID: coA, Name: "周杰", Email: "zhou@example.com", Lang: "zh-CN"}
	e.svc = ticket.NewService(ticket.Deps{Tickets: e.store, Threads: e.store, Tx: memory.NewTicketTx(e.store, e.outbox, e.audit),
		People: e.people, Verified: verified{coA: true, coB: true}, Devices: newEnvDevices(), Clocks: clocks{},
		Files: e.files, Sniffer: sniff.Sniffer{}, Now: func() time.Time { return *e.now }, Mail: mailSettings})
	return e
}

// waiting opens a ticket as 王敏 that agent1 answered and set to 待客户反馈.
func (e *env) waiting(t *testing.T) ticket.Ticket {
	t.Helper()
	tk := e.open(t, asA, input())
	*e.now = e.now.Add(time.Hour)
	_, tk, err := e.svc.StaffReply(context.Background(), asAg1, tk.ID, loaded(tk), ticket.StaffInput{Body: "请提供日志", Next: ticket.StatusWaiting})
	if err != nil || tk.Status != ticket.StatusWaiting {
		t.Fatalf("StaffReply = %+v, %v", tk, err)
	}
	*e.now = e.now.Add(time.Hour)
	return tk
}

// reply is a plain reply of 王敏 to her address on tk.
func reply(tk ticket.Ticket, id, text string) ticket.InboundMail {
	return ticket.InboundMail{Recipient: mailSettings.ReplyAddress(tk.ID, custA), MessageID: id, From: "wang@example.com",
		Subject: "Re: [" + tk.Number + "] " + tk.Title, Reply: text}
}

func (e *env) receive(t *testing.T, in ticket.InboundMail) ticket.Received {
	t.Helper()
	r, err := e.svc.Receive(context.Background(), in)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return r
}

func (e *env) thread(t *testing.T, id int64) []ticket.Message {
	t.Helper()
	msgs, err := e.store.Messages(context.Background(), id, true)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestInboundReplyPosted: 王敏's emailed reply (her address in other case,
// the reply address in upper case) becomes her public message with its
// image, moves 待客户反馈 back to 处理中, tells the assignee and is audited;
// the same email delivered again is added once.
func TestInboundReplyPosted(t *testing.T) {
	e := newMailEnv(t)
	tk := e.waiting(t)
	from := len(e.outbox.Notices())
	in := reply(tk, "CAF=123@mail.gmail.com", "日志见附件，谢谢")
	in.Recipient, in.From = strings.ToUpper(in.Recipient), "Wang@Example.COM"
	in.Files = []ticket.Upload{upload("screen.png", pngBytes(t))}
	r := e.receive(t, in)
	if !r.Posted || r.Reason != "" || r.TicketID != tk.ID {
		t.Fatalf("Receive = %+v", r)
	}
	msgs := e.thread(t, tk.ID)
	last := msgs[len(msgs)-1]
	if len(msgs) != 3 || last.AuthorID != custA || last.AuthorRole != ticket.RoleCustomer || last.Internal ||
		last.Body != "日志见附件，谢谢" || len(last.Attachments) != 1 || last.Attachments[0].ContentType != "image/png" {
		t.Fatalf("thread %+v", msgs)
	}
	if got := e.status(t, tk.ID).Status; got != ticket.StatusInProgress {
		t.Errorf("status %s, want in_progress", got)
	}
	wantSent(t, "notices", e.sent(from), "ticket_customer_reply a1@example.com en", "ticket_customer_reply a2@example.com zh-CN",
		"ticket_customer_reply admin@example.com en")
	if a := e.audited(t, "ticket_mail_reply"); len(a) != 1 || a[0].ActorID != custA || !strings.HasPrefix(a[0].Detail, tk.Number) {
		t.Errorf("audit %+v", a)
	}

	again := e.receive(t, in)
	if again.Posted || again.Reason != ticket.DropReplay || len(e.thread(t, tk.ID)) != 3 || e.fileCount(t) != 1 {
		t.Errorf("replay: %+v, %d messages, %d files", again, len(e.thread(t, tk.ID)), e.fileCount(t))
	}
}

// TestInboundColleague: a colleague following the ticket may answer from
// her own address to 王敏's reply address, and her message is hers; a
// colleague who does not follow it may not.
func TestInboundColleague(t *testing.T) {
	ctx := context.Background()
	e := newMailEnv(t)
	tk := e.waiting(t)
	if _, err := e.svc.Reply(ctx, asA2, tk.ID, "我也遇到了", nil); err != nil { // Lily follows by replying
		t.Fatal(err)
	}
	in := reply(tk, "lily-1@example.com", "Same here, logs attached later.")
	in.From = "LILY@example.com"
	if r := e.receive(t, in); !r.Posted {
		t.Fatalf("Lily's reply: %+v", r)
	}
	msgs := e.thread(t, tk.ID)
	if last := msgs[len(msgs)-1]; last.AuthorID != custA2 || last.AuthorName != "Lily" {
		t.Errorf("last message by %d %q, want Lily", last.AuthorID, last.AuthorName)
	}
	in = reply(tk, "zhou-1@example.com", "我来补充")
	in.From = "zhou@example.com"
	if r := e.receive(t, in); r.Posted || r.Reason != ticket.DropSender {
		t.Errorf("a colleague not following: %+v, want %s", r, ticket.DropSender)
	}
}

// TestInboundDropped: each email that must not be posted is dropped with
// its reason and audited, and the thread stays as it was.
func TestInboundDropped(t *testing.T) {
	e := newMailEnv(t)
	tk := e.waiting(t)
	addr := mailSettings.ReplyAddress(tk.ID, custA)
	i := strings.IndexByte(addr, '+') + 3
	forged := addr[:i] + map[bool]string{true: "b", false: "a"}[addr[i] == 'a'] + addr[i+1:]
	other := ticket.MailSettings{Key: []byte("another key of thirty-two bytes!"), Domain: mailSettings.Domain}
	cases := []struct {
		name   string
		change func(*ticket.InboundMail)
		reason string
	}{
		{"other domain", func(m *ticket.InboundMail) { m.Recipient = strings.Replace(addr, "mail.example.com", "example.org", 1) }, ticket.DropUnknown},
		{"no token", func(m *ticket.InboundMail) { m.Recipient = "support@mail.example.com" }, ticket.DropUnknown},
		{"forged token", func(m *ticket.InboundMail) { m.Recipient = forged }, ticket.DropForged},
		{"other key", func(m *ticket.InboundMail) { m.Recipient = other.ReplyAddress(tk.ID, custA) }, ticket.DropForged},
		{"unknown ticket", func(m *ticket.InboundMail) { m.Recipient = mailSettings.ReplyAddress(999, custA) }, ticket.DropNoTicket},
		{"other company's sender", func(m *ticket.InboundMail) { m.From = "li@example.com" }, ticket.DropSender},
		{"other company's token", func(m *ticket.InboundMail) {
			m.Recipient, m.From = mailSettings.ReplyAddress(tk.ID, custB), "li@example.com"
		}, ticket.DropSender},
		{"no From", func(m *ticket.InboundMail) { m.From = "" }, ticket.DropSender},
		{"auto-reply", func(m *ticket.InboundMail) { m.Auto, m.AutoReason = true, "Auto-Submitted: auto-replied" }, ticket.DropAuto},
		{"null sender", func(m *ticket.InboundMail) { m.NullSender = true }, ticket.DropNull},
		{"too large", func(m *ticket.InboundMail) { m.TooLarge, m.Reply = true, "" }, ticket.DropTooLarge},
		{"empty reply", func(m *ticket.InboundMail) { m.Reply = "" }, ticket.DropEmpty},
		{"blank reply", func(m *ticket.InboundMail) { m.Reply = "  \r\n " }, ticket.DropEmpty},
		{"too long", func(m *ticket.InboundMail) { m.Reply = strings.Repeat("长", ticket.MaxDescription+1) }, ticket.DropInvalid},
	}
	from, msgs := len(e.outbox.Notices()), len(e.thread(t, tk.ID))
	for i, c := range cases {
		in := reply(tk, "drop-"+c.name+"@example.com", "这条不应出现")
		c.change(&in)
		r := e.receive(t, in)
		if r.Posted || r.Reason != c.reason {
			t.Errorf("%s: %+v, want dropped for %s", c.name, r, c.reason)
		}
		if a := e.audited(t, "ticket_mail_dropped"); len(a) != i+1 || !strings.Contains(a[i].Detail, "reason="+c.reason) {
			t.Errorf("%s: %d audit events, the last %+v", c.name, len(a), a[len(a)-1])
		}
	}
	if n := len(e.thread(t, tk.ID)); n != msgs || len(e.notices(from)) != 0 || e.status(t, tk.ID).Status != ticket.StatusWaiting {
		t.Errorf("after the drops: %d messages (want %d), notices %v, status %s", n, msgs, e.sent(from), e.status(t, tk.ID).Status)
	}
	if got := e.svc.CheckRecipient(forged); got != ticket.DropForged {
		t.Errorf("CheckRecipient(forged) = %q", got)
	}
	if got := e.svc.CheckRecipient("postmaster@mail.example.com"); got != ticket.DropUnknown {
		t.Errorf("CheckRecipient(postmaster) = %q", got)
	}
	if got := e.svc.CheckRecipient("<" + strings.ToUpper(addr) + ">"); got != "" {
		t.Errorf("CheckRecipient(valid) = %q", got)
	}
}

// TestInboundClosed: a reply to a ticket closed more than 30 days ago is
// not posted; the sender gets one short answer in her language pointing to
// the follow-up form, without a reply address, and the same email again
// gets no second answer.
func TestInboundClosed(t *testing.T) {
	e := newMailEnv(t)
	tk := e.waiting(t)
	e.setStatus(t, tk.ID, ticket.StatusClosed)
	*e.now = e.now.Add(31 * day)
	from, msgs := len(e.outbox.Notices()), len(e.thread(t, tk.ID))
	in := reply(tk, "late@example.com", "又出现了")
	r := e.receive(t, in)
	if r.Posted || r.Reason != ticket.DropClosed {
		t.Fatalf("Receive = %+v", r)
	}
	ns := e.notices(from)
	if len(ns) != 1 || ns[0].Template != ticket.NoticeMailClosed || ns[0].To != "wang@example.com" || ns[0].Lang != "zh-CN" ||
		ns[0].Data["Path"] != "/tickets/new?follow_up="+itoa(tk.ID) || ns[0].Data[ports.MailReplyTo] != nil ||
		ns[0].Data[ports.MailAutoSubmitted] != "auto-replied" {
		t.Fatalf("answer %+v", ns)
	}
	if again := e.receive(t, in); again.Reason != ticket.DropReplay || len(e.notices(from)) != 1 {
		t.Errorf("again: %+v, %d answers", again, len(e.notices(from)))
	}
	if n := len(e.thread(t, tk.ID)); n != msgs {
		t.Errorf("%d messages, want %d", n, msgs)
	}
	if a := e.audited(t, "ticket_mail_dropped"); len(a) != 2 || !strings.Contains(a[0].Detail, "reason=closed") {
		t.Errorf("audit %+v", a)
	}
}

// TestInboundAgent: an agent's emailed reply on his own address is his
// public staff reply (新建 → 处理中, the first response, the customer told);
// the customer's address on the agent's token is refused.
func TestInboundAgent(t *testing.T) {
	e := newMailEnv(t)
	tk := e.open(t, asA, input())
	from := len(e.outbox.Notices())
	in := ticket.InboundMail{Recipient: mailSettings.ReplyAddress(tk.ID, agent1), MessageID: "agent-1@example.com",
		From: "a1@example.com", Reply: "Please send the controller logs."}
	if r := e.receive(t, in); !r.Posted || r.Message.AuthorRole != ticket.RoleStaff || r.Message.AuthorID != agent1 || r.Message.Internal {
		t.Fatalf("Receive = %+v", r)
	}
	got := e.status(t, tk.ID)
	if got.Status != ticket.StatusInProgress || got.FirstResponseAt.IsZero() {
		t.Errorf("ticket %s first response %v", got.Status, got.FirstResponseAt)
	}
	if s := e.sent(from); len(s) != 1 || s[0] != "ticket_reply wang@example.com zh-CN" {
		t.Errorf("notices %v", s)
	}
	in.MessageID, in.From = "agent-2@example.com", "wang@example.com"
	if r := e.receive(t, in); r.Reason != ticket.DropSender {
		t.Errorf("customer on the agent's token: %+v", r)
	}
}

// TestInboundFiles: the web form's file rules apply; a refused file (HTML,
// the sixth) is left out, named in the outcome and the audit, and the text
// posted with the accepted files.
func TestInboundFiles(t *testing.T) {
	e := newMailEnv(t)
	tk := e.waiting(t)
	from := len(e.outbox.Notices())
	in := reply(tk, "files@example.com", "附件如下")
	in.Files = []ticket.Upload{upload("page.html", []byte("<html><script>alert(1)</script></html>"))}
	for i := range 5 {
		in.Files = append(in.Files, upload("log"+itoa(int64(i))+".txt", []byte("line\n")))
	}
	r := e.receive(t, in)
	if !r.Posted || len(r.Message.Attachments) != 4 || len(r.Refused) != 2 ||
		!strings.HasPrefix(r.Refused[0], "page.html: error.ticket_file.") || r.Refused[1] != "log4.txt: error.ticket_file.too_many" {
		t.Fatalf("Receive = %+v", r)
	}
	if a := e.audited(t, "ticket_mail_reply"); len(a) != 1 || !strings.Contains(a[0].Detail, "page.html") {
		t.Errorf("audit %+v", a)
	}
	if n := e.fileCount(t); n != 4 {
		t.Errorf("%d stored files, want 4", n)
	}
	// The author is told which files were left out, in an automatic
	// answer that links to the ticket's page.
	var told []ports.Notice
	for _, n := range e.notices(from) {
		if n.Template == ticket.NoticeMailFiles {
			told = append(told, n)
		}
	}
	if len(told) != 1 || told[0].To != "wang@example.com" || told[0].Lang != "zh-CN" ||
		told[0].Data["Files"] != "page.html\nlog4.txt" || told[0].Data["Path"] != "/tickets/"+itoa(tk.ID) ||
		told[0].Data[ports.MailAutoSubmitted] != "auto-replied" || told[0].Data[ports.MailReplyTo] != nil {
		t.Errorf("answers %+v", told)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
