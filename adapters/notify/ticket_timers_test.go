package notify

import (
	"context"
	"strings"
	"testing"

	"supportal/adapters/i18n"
)

// TestTimerNotices renders the timed rules' notices in both languages: the
// times they name in the recipient's zone and language, the link, and no
// untranslated id or missing value.
func TestTimerNotices(t *testing.T) {
	n, box := newTestNotifier(t)
	data := map[string]any{"Name": "王敏", "Number": "T20261127-000001", "Title": "阵列告警", "Company": "上海示例数据科技有限公司",
		"StatusKey": "ticket.status.new", "PriorityKey": "ticket.priority.1", "Covered": true, "TimeZone": "Asia/Shanghai",
		"At": "2026-11-30T02:00:00Z", "DueTime": "2026-11-30T02:30:00Z", "WaitingTime": "2026-11-27T02:00:00Z",
		"ResolveTime": "2026-12-07T02:00:00Z", "CloseTime": "2026-12-14T02:00:00Z", "ResolvedTime": "2026-11-23T02:00:00Z",
		"Path": "/tickets/7"}
	want := map[string]map[string][]string{
		"ticket_reminder": {
			i18n.ZH: {"提醒：工单等待您的反馈", "2026年11月27日 10:00", "2026年12月7日 10:00", "自动标记为已解决"},
			i18n.EN: {"Reminder: we are waiting for your reply", "27 Nov 2026, 10:00", "7 Dec 2026, 10:00", "marked resolved on"},
		},
		"ticket_auto_resolved": {
			i18n.ZH: {"未收到反馈，工单已解决", "2026年11月27日 10:00", "2026年12月14日 10:00", "重新打开"},
			i18n.EN: {"Resolved without a reply", "27 Nov 2026, 10:00", "14 Dec 2026, 10:00", "reopen"},
		},
		"ticket_auto_closed": {
			i18n.ZH: {"工单已关闭", "2026年11月23日 10:00", "创建关联工单"},
			i18n.EN: {"Closed:", "23 Nov 2026, 10:00", "follow-up ticket"},
		},
		"ticket_breach_warning": {
			i18n.ZH: {"首次响应即将超时（P1 紧急）", "上海示例数据科技有限公司", "2026年11月30日 10:30", "新建"},
			i18n.EN: {"First response due soon (P1", "上海示例数据科技有限公司", "10:30", "New"},
		},
	}
	for tmpl, langs := range want {
		for lang, parts := range langs {
			if err := n.Notify(context.Background(), "wang@example.com", lang, tmpl, data); err != nil {
				t.Fatal(err)
			}
			all := box.m.Subject + "\n" + box.m.Text
			if strings.Contains(all, "<no value>") || strings.Contains(all, "mail.") || strings.Contains(all, "ticket.") ||
				!strings.Contains(all, "T20261127-000001") || !strings.Contains(box.m.Text, "\nhttps://support.example.com/tickets/7") {
				t.Errorf("%s %s:\n%s", tmpl, lang, all)
			}
			for _, p := range parts {
				if !strings.Contains(all, p) {
					t.Errorf("%s %s: no %q in\n%s", tmpl, lang, p, all)
				}
			}
		}
	}
}
