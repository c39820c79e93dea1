package notify

import (
	"context"
	"strings"
	"testing"

	"supportal/adapters/i18n"
)

// TestTicketNotices renders every ticket notice in both languages: the
// first-response target in the recipient's zone, the status and priority
// translated, and user text (an XSS payload in title, body and file names)
// kept as plain text in a text-only mail.
func TestTicketNotices(t *testing.T) {
	n, box := newTestNotifier(t)
	n.BaseURL = "https://support.example.com/" // a trailing slash makes no double one
	xss := `<script>alert("x")</script>`
	data := map[string]any{"Name": "王敏", "Number": "T20261127-000001", "Title": "阵列告警 " + xss, "Company": "上海示例数据科技有限公司",
		"StatusKey": "ticket.status.waiting", "PriorityKey": "ticket.priority.2", "Covered": true, "TimeZone": "Asia/Shanghai",
		"At": "2026-11-27T02:00:00Z", "DueTime": "2026-11-27T04:00:00Z", "Body": "第一行\n" + xss, "Author": "赵工", "Files": "<img src=x onerror=alert(1)>.png",
		"Path": "/tickets/7"}
	due := map[string]string{i18n.ZH: "2026年11月27日 12:00", i18n.EN: "12:00"}
	status := map[string]string{i18n.ZH: "待客户反馈", i18n.EN: "Awaiting customer reply"}
	for _, tmpl := range []string{"ticket_created", "ticket_reply", "ticket_status", "ticket_new_agent", "ticket_customer_reply"} {
		for _, lang := range []string{i18n.ZH, i18n.EN} {
			if err := n.Notify(context.Background(), "wang@example.com", lang, tmpl, data); err != nil {
				t.Fatal(err)
			}
			m := box.m
			all := m.Subject + "\n" + m.Text
			if m.HTML != "" || strings.Contains(all, "<no value>") || strings.Contains(all, "mail.") || strings.Contains(all, "ticket.status") ||
				!strings.Contains(all, "T20261127-000001") || !strings.Contains(all, xss) || !strings.Contains(m.Text, "\nhttps://support.example.com/tickets/7\n") || strings.Contains(all, "&lt;") {
				t.Errorf("%s %s:\n%s", tmpl, lang, all)
			}
			switch tmpl {
			case "ticket_created", "ticket_new_agent":
				if !strings.Contains(m.Text, due[lang]) {
					t.Errorf("%s %s: no target %q in %q", tmpl, lang, due[lang], m.Text)
				}
			case "ticket_status", "ticket_customer_reply":
				if !strings.Contains(all, status[lang]) {
					t.Errorf("%s %s: no status %q in %q", tmpl, lang, status[lang], all)
				}
			case "ticket_reply":
				if !strings.Contains(m.Text, "onerror") || !strings.Contains(m.Text, "第一行\n") {
					t.Errorf("%s %s: body or files missing: %q", tmpl, lang, m.Text)
				}
			}
		}
	}
	delete(data, "DueTime")
	data["Covered"] = false
	if err := n.Notify(context.Background(), "wang@example.com", i18n.EN, "ticket_created", data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(box.m.Text, "no active maintenance service") {
		t.Errorf("uncovered creation notice: %q", box.m.Text)
	}
}

// TestResolutionMailLinksRating: a status mail that invites a rating links
// to the form on the ticket's page, in both languages; one that does not
// says nothing of it.
func TestResolutionMailLinksRating(t *testing.T) {
	n, box := newTestNotifier(t)
	for _, lang := range []string{i18n.ZH, i18n.EN} {
		for _, rate := range []bool{true, false} {
			data := map[string]any{"Name": "王敏", "Number": "T20261127-000001", "Title": "阵列告警",
				"StatusKey": "ticket.status.resolved", "Path": "/tickets/7"}
			if rate {
				data["Rate"] = true
			}
			if err := n.Notify(context.Background(), "wang@example.com", lang, "ticket_status", data); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(box.m.Text, "https://support.example.com/tickets/7#rating"); got != rate {
				t.Errorf("%s, invited %v: rating link shown %v in %q", lang, rate, got, box.m.Text)
			}
			if strings.Contains(box.m.Text, "<no value>") {
				t.Errorf("%s: %q", lang, box.m.Text)
			}
		}
	}
}
