package notify

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"supportal/adapters/i18n"
	"supportal/ports"
)

// TestThreadHeaders: a notice's reply address and thread ids become the
// email's headers, not text, and its footer invites the reply; a notice
// without them keeps the "do not reply" footer. The answer to an email on a
// closed ticket renders in both languages with the follow-up link.
func TestThreadHeaders(t *testing.T) {
	n, box := newTestNotifier(t)
	data := map[string]any{"Name": "王敏", "Number": "T20261127-000001", "Title": "阵列告警", "StatusKey": "ticket.status.closed",
		"PriorityKey": "ticket.priority.2", "Path": "/tickets/new?follow_up=7",
		ports.MailReplyTo: "support+abc@mail.example.com", ports.MailMessageID: "ticket-7-x@mail.example.com",
		ports.MailInReplyTo: "ticket-7@mail.example.com", ports.MailReferences: "ticket-7@mail.example.com",
		ports.MailFooter: "mail.footer_reply"}
	for _, lang := range []string{i18n.ZH, i18n.EN} {
		if err := n.Notify(context.Background(), "wang@example.com", lang, "ticket_mail_closed", data); err != nil {
			t.Fatal(err)
		}
		m := box.m
		if m.ReplyTo != "support+abc@mail.example.com" || m.MessageID != "ticket-7-x@mail.example.com" ||
			m.InReplyTo != "ticket-7@mail.example.com" || !reflect.DeepEqual(m.References, []string{"ticket-7@mail.example.com"}) {
			t.Errorf("%s: headers %+v", lang, m)
		}
		if strings.Contains(m.Text, "support+abc") || !strings.Contains(m.Text, "https://support.example.com/tickets/new?follow_up=7") ||
			!strings.Contains(m.Text, n.bundle.T(lang, "mail.footer_reply", nil)) || !strings.Contains(m.Text, n.bundle.T(lang, "ticket.status.closed", nil)) {
			t.Errorf("%s: text %q", lang, m.Text)
		}
	}
	if err := n.Notify(context.Background(), "wang@example.com", i18n.EN, "ticket_status", map[string]any{"Number": "T1", "Path": "/tickets/7"}); err != nil {
		t.Fatal(err)
	}
	if m := box.m; m.ReplyTo != "" || m.MessageID != "" || len(m.References) != 0 || !strings.HasSuffix(m.Text, n.bundle.T(i18n.EN, "mail.footer", nil)) {
		t.Errorf("a notice without reply address: %+v", m)
	}
}
