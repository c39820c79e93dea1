package notify

import (
	"context"
	"strings"
	"testing"

	"supportal/adapters/i18n"
	"supportal/ports"
)

type lastMail struct{ m ports.Mail }

func (l *lastMail) Send(_ context.Context, m ports.Mail) error { l.m = m; return nil }

// newTestNotifier returns a notifier over the product's messages whose
// mails land in the returned box, with links to https://support.example.com.
func newTestNotifier(t *testing.T) (*Notifier, *lastMail) {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	box := &lastMail{}
	n := New(b, box)
	n.BaseURL = "https://support.example.com"
	return n, box
}

// TestKeyDataIsTranslated: a "…Key" value is a message id that reaches the
// template translated, under the name without the suffix.
func TestKeyDataIsTranslated(t *testing.T) {
	n, box := newTestNotifier(t)
	data := map[string]any{"Name": "王敏", "Company": "示例公司", "ReasonKey": "reason.expired", "Note": "请上传新证照"}
	for lang, want := range map[string]string{i18n.ZH: "证照已过期", i18n.EN: "The document has expired"} {
		if err := n.Notify(context.Background(), "a@example.com", lang, "verification_rejected", data); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(box.m.Text, want) || !strings.Contains(box.m.Text, "请上传新证照") || strings.Contains(box.m.Text, "reason.expired") {
			t.Errorf("%s: body %q", lang, box.m.Text)
		}
	}
	if _, ok := data["Reason"]; ok {
		t.Error("the caller's data was changed")
	}
}
