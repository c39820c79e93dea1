package i18n

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct{ cookie, accept, want string }{
		{"", "", ZH},
		{"", "zh-CN,zh;q=0.9", ZH},
		{"", "zh-TW", ZH},
		{"", "en-US,en;q=0.9", EN},
		{"", "de-DE", EN},
		{"", "en;q=0.5,zh;q=0.9", ZH},
		{"en", "zh-CN", EN},
		{"zh-CN", "en-US", ZH},
		{"fr", "zh-CN", ZH},
		{"", "!!garbage", EN},
	}
	for _, tt := range tests {
		if got := Match(tt.cookie, tt.accept); got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.cookie, tt.accept, got, tt.want)
		}
	}
}

func TestTranslate(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := b.T(ZH, "nav.warranty", nil); got != "服务查询" {
		t.Errorf("zh-CN nav.warranty = %q", got)
	}
	if got := b.T(EN, "error.throttled", map[string]any{"Minutes": 7}); got != "Too many attempts. Please try again in 7 min." {
		t.Errorf("en error.throttled = %q", got)
	}
	if got := b.T(EN, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("unknown id = %q, want the id itself", got)
	}
	if !b.Has("nav.login") || b.Has("no.such.key") {
		t.Error("Has is wrong")
	}
}
