package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"supportal/adapters/i18n"
	"supportal/adapters/smtp"
	"supportal/adapters/smtp/mailbox"
	"supportal/ports"
)

// TestNotifyInRecipientLanguage sends through the real SMTP adapter to an
// in-process SMTP server and reads what the recipient gets.
func TestNotifyInRecipientLanguage(t *testing.T) {
	box, err := mailbox.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	m, err := smtp.New(smtp.Config{Host: box.Host(), Port: box.Port(), From: "Supportal <no-reply@example.com>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := New(b, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	data := map[string]any{"Code": "493017", "Count": 10}
	tests := []struct{ lang, subject, body string }{
		{i18n.ZH, "您的 Supportal 登录验证码", "您的登录验证码是 493017，10 分钟内有效"},
		{i18n.EN, "Your Supportal sign-in code", "Your sign-in code is 493017. It is valid for 10 minutes."},
		{"fr", "您的 Supportal 登录验证码", "493017"}, // unsupported → Chinese
	}
	for i, tt := range tests {
		if err := n.Notify(ctx, "wang@example.com", tt.lang, "code_login", data); err != nil {
			t.Fatal(err)
		}
		got, err := box.Wait(ctx, "wang@example.com", i)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != tt.subject || !strings.Contains(got.Text, tt.body) {
			t.Errorf("%s: got %q / %q", tt.lang, got.Subject, got.Text)
		}
	}
}

// mails records what a Notifier sends.
type mails []ports.Mail

func (m *mails) Send(_ context.Context, mail ports.Mail) error { *m = append(*m, mail); return nil }

// TestNotifyShowsTheTimeInTheRecipientsZone: a notice's At is written in
// the recipient's zone and language, the zone named.
func TestNotifyShowsTheTimeInTheRecipientsZone(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var sent mails
	n := New(b, &sent)
	data := map[string]any{"Name": "李雷", "At": "2026-12-01T01:30:00Z", "TimeZone": "Asia/Shanghai"}
	for _, lang := range i18n.Langs {
		if err := n.Notify(t.Context(), "li@example.com", lang, "password_changed", data); err != nil {
			t.Fatal(err)
		}
	}
	data["TimeZone"] = "Europe/Berlin"
	if err := n.Notify(t.Context(), "li@example.com", i18n.EN, "password_changed", data); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"时间：2026年12月1日 09:30（UTC+8，Asia/Shanghai）", "Time: 1 Dec 2026, 09:30 (UTC+8, Asia/Shanghai)", "Time: 1 Dec 2026, 02:30 (UTC+1, Europe/Berlin)"} {
		if !strings.Contains(sent[i].Text, want) {
			t.Errorf("mail %d lacks %q:\n%s", i, want, sent[i].Text)
		}
	}
	sent = nil
	data = map[string]any{"Name": "李雷", "Company": "上海示例数据科技有限公司", "At": "2026-12-01T01:30:00Z", "TimeZone": "Asia/Shanghai"}
	for _, lang := range i18n.Langs {
		if err := n.Notify(t.Context(), "li@example.com", lang, "verification_approved", data); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []string{"时间：2026年12月1日 09:30（UTC+8，Asia/Shanghai）", "Time: 1 Dec 2026, 09:30 (UTC+8, Asia/Shanghai)"} {
		if !strings.Contains(sent[i].Text, want) || !strings.Contains(sent[i].Text, "上海示例数据科技有限公司") {
			t.Errorf("approval mail %d lacks %q or the company:\n%s", i, want, sent[i].Text)
		}
	}
}
