package smtp_test

import (
	"bytes"
	"net/mail"
	"testing"

	"supportal/adapters/smtp"
	"supportal/ports"
)

// TestSendThreadHeaders: the reply address, the message id, the thread
// headers and Auto-Submitted of a ports.Mail arrive as its headers; a mail
// without them has no Reply-To, In-Reply-To, References nor Auto-Submitted.
func TestSendThreadHeaders(t *testing.T) {
	box := startBox(t)
	m := newMailer(t, smtp.Config{Host: box.Host(), Port: box.Port(), TLS: smtp.TLSNone})

	got := receive(t, m, box, ports.Mail{To: "a@example.org", Subject: "工单回复", Text: "你好",
		ReplyTo: "support+abc234@mail.example.com", MessageID: "ticket-7-xyz@mail.example.com",
		InReplyTo: "ticket-7@mail.example.com", References: []string{"ticket-7@mail.example.com"}, AutoSubmitted: "auto-replied"})
	h := header(t, got.Raw)
	for name, want := range map[string]string{
		"Reply-To": "<support+abc234@mail.example.com>", "Message-Id": "<ticket-7-xyz@mail.example.com>",
		"In-Reply-To": "<ticket-7@mail.example.com>", "References": "<ticket-7@mail.example.com>",
		"Auto-Submitted": "auto-replied",
	} {
		if h.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, h.Get(name), want)
		}
	}

	plain := header(t, receive(t, m, box, ports.Mail{To: "b@example.org", Subject: "Code", Text: "123456"}).Raw)
	for _, name := range []string{"Reply-To", "In-Reply-To", "References", "Auto-Submitted"} {
		if v := plain.Get(name); v != "" {
			t.Errorf("plain mail has %s: %q", name, v)
		}
	}
	if plain.Get("Message-Id") == "" {
		t.Error("plain mail has no Message-ID")
	}
}

func header(t *testing.T, raw []byte) mail.Header {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header
}
