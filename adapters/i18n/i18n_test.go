package i18n

import (
	"strings"
	"testing"
)

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
	for n, want := range map[int]string{
		1: "Too many attempts. Please try again in 1 minute.",
		7: "Too many attempts. Please try again in 7 minutes.",
	} {
		if got := b.T(EN, "error.throttled", map[string]any{"Count": n}); got != want {
			t.Errorf("en error.throttled, Count %d = %q, want %q", n, got, want)
		}
	}
	// The plural form follows Count; the other data stays in the text.
	if got := b.T(EN, "import.error.cells", map[string]any{"Count": 1, "Want": 9}); got != "The row has 1 cell, but the header has 9." {
		t.Errorf("en import.error.cells, Count 1 = %q", got)
	}
	if got := b.T(EN, "import.error.cells", map[string]any{"Count": uint(2), "Want": 9}); got != "The row has 2 cells, but the header has 9." {
		t.Errorf("en import.error.cells, Count 2 = %q", got)
	}
	if got := b.T(ZH, "import.error.rejected", map[string]any{"Count": 1}); !strings.HasPrefix(got, "有 1 行数据无效") {
		t.Errorf("zh-CN import.error.rejected, Count 1 = %q", got)
	}
	// A count that went through JSON (the mail outbox) is a float64.
	if got := b.T(EN, "error.throttled", map[string]any{"Count": float64(1)}); got != "Too many attempts. Please try again in 1 minute." {
		t.Errorf("en error.throttled, Count float64(1) = %q", got)
	}
	// A message without data comes from the precomputed texts, unchanged.
	if got := b.T(EN, "nav.warranty", nil); got != "Service lookup" {
		t.Errorf("en nav.warranty = %q", got)
	}
	if got := b.T(EN, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("unknown id = %q, want the id itself", got)
	}
	if !b.Has("nav.login") || b.Has("no.such.key") {
		t.Error("Has is wrong")
	}
}
