package smtp_test

import (
	"bytes"
	"context"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportal/adapters/smtp"
	"supportal/adapters/smtp/mailbox"
	"supportal/ports"
)

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

func startBox(t *testing.T) *mailbox.Box {
	t.Helper()
	box, err := mailbox.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = box.Close() })
	return box
}

func newMailer(t *testing.T, cfg smtp.Config) *smtp.Mailer {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "Supportal <no-reply@example.com>"
	}
	m, err := smtp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// receive sends mail through m and returns what box received for mail.To.
func receive(t *testing.T, m *smtp.Mailer, box *mailbox.Box, mail ports.Mail) mailbox.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	before := len(box.For(mail.To))
	if err := m.Send(ctx, mail); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := box.Wait(ctx, mail.To, before)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSendChineseCodeWithHTML(t *testing.T) {
	box := startBox(t)
	m := newMailer(t, smtp.Config{Host: box.Host(), Port: box.Port(), From: "Supportal 客服 <no-reply@example.com>"})

	got := receive(t, m, box, ports.Mail{
		To:      "Zhang.San@Example.com",
		Subject: "您的验证码",
		Text:    "您的验证码是 482913。\n10 分钟内有效。",
		HTML:    "<p>您的验证码是 <b>482913</b>。</p>",
	})

	if got.Subject != "您的验证码" {
		t.Errorf("Subject = %q, want 您的验证码", got.Subject)
	}
	if got.From != "Supportal 客服 <no-reply@example.com>" {
		t.Errorf("From = %q", got.From)
	}
	if !strings.Contains(got.Text, "您的验证码是 482913。\n10 分钟内有效。") {
		t.Errorf("Text = %q", got.Text)
	}
	if code := sixDigits.FindString(got.Text); code != "482913" {
		t.Errorf("code in text = %q, want 482913", code)
	}
	if !strings.Contains(got.HTML, "<p>您的验证码是 <b>482913</b>。</p>") {
		t.Errorf("HTML = %q", got.HTML)
	}
	if got.User != "" {
		t.Errorf("User = %q, want no authentication", got.User)
	}
	if _, ok := box.Last("zhang.san@example.com"); !ok {
		t.Error("Last is case-sensitive")
	}
}

func TestSendSetsMessageIDAndDate(t *testing.T) {
	box := startBox(t)
	m := newMailer(t, smtp.Config{Host: box.Host(), Port: box.Port(), TLS: smtp.TLSNone})

	got := receive(t, m, box, ports.Mail{To: "a@example.org", Subject: "Your code", Text: "Code: 123456"})

	if strings.TrimSpace(got.Text) != "Code: 123456" || got.HTML != "" {
		t.Errorf("Text, HTML = %q, %q", got.Text, got.HTML)
	}
	raw, err := mail.ReadMessage(bytes.NewReader(got.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if id := raw.Header.Get("Message-Id"); !regexp.MustCompile(`^<[^@<>]+@example\.com>$`).MatchString(id) {
		t.Errorf("Message-ID = %q", id)
	}
	date, err := raw.Header.Date()
	if err != nil || time.Since(date) > time.Minute {
		t.Errorf("Date = %q (%v)", raw.Header.Get("Date"), err)
	}
}

func TestSendAuthenticates(t *testing.T) {
	box := startBox(t)
	m := newMailer(t, smtp.Config{
		Host: box.Host(), Port: box.Port(), Username: "mailer", Password: "s3cret",
	})

	got := receive(t, m, box, ports.Mail{To: "b@example.org", Subject: "您的验证码", Text: "123456"})

	if got.User != "mailer" {
		t.Errorf("User = %q, want mailer", got.User)
	}
	if strings.TrimSpace(got.Text) != "123456" {
		t.Errorf("Text = %q", got.Text)
	}
}

func TestSendFailsWhenTLSIsUnavailable(t *testing.T) {
	box := startBox(t)
	for _, mode := range []string{smtp.TLSStartTLS, smtp.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			m := newMailer(t, smtp.Config{Host: box.Host(), Port: box.Port(), TLS: mode, Timeout: 2 * time.Second})
			err := m.Send(context.Background(), ports.Mail{To: "c@example.org", Subject: "s", Text: "t"})
			if err == nil {
				t.Fatal("Send over plain text succeeded")
			}
			if len(box.For("c@example.org")) != 0 {
				t.Error("message was delivered without TLS")
			}
		})
	}
}

func TestSendUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()

	m := newMailer(t, smtp.Config{Host: "127.0.0.1", Port: port, Timeout: time.Second})
	start := time.Now()
	err = m.Send(context.Background(), ports.Mail{To: "d@example.org", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
	if !strings.HasPrefix(err.Error(), "smtp: send to d@example.org: ") {
		t.Errorf("error = %q", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Send took %s with a 1s timeout", elapsed)
	}
}

func TestSendTimesOutOnSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		// Accept and never greet.
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()

	m := newMailer(t, smtp.Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Timeout: 300 * time.Millisecond})
	start := time.Now()
	err = m.Send(context.Background(), ports.Mail{To: "e@example.org", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("Send to a silent server succeeded")
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Send took %s with a 300ms timeout", elapsed)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := map[string]smtp.Config{
		"no host":      {From: "a@example.com"},
		"bad from":     {Host: "localhost", From: "not an address"},
		"bad port":     {Host: "localhost", From: "a@example.com", Port: 70000},
		"bad tls mode": {Host: "localhost", From: "a@example.com", TLS: "ssl"},
		"neg timeout":  {Host: "localhost", From: "a@example.com", Timeout: -time.Second},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := smtp.New(cfg); err == nil {
				t.Error("New accepted the config")
			}
		})
	}
}
