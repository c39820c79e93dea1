package postgres

import "testing"

// TestNameWords checks the pattern that the trigram index searches for a
// name fragment: its long runs of letters and digits, in order, each within
// wildcards; the fragment itself when that is all it holds.
func TestNameWords(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		whole    bool
	}{
		{"ab6420-r2", "%ab6420%", false},
		{"AB6420", "%AB6420%", true},
		{"S200-1234", "%S200%1234%", false},
		{"日志分析 R1-1999", "%日志分析%1999%", false},
		{"一体机", "%一体机%", true},
		{"r2", "%r2%", true},        // nothing long enough: the fragment
		{"-", "%-%", true},          // likewise
		{"50%_off", "%off%", false}, // wildcards are separators
		{"abc_def", "%abc%def%", false},
		{"5%", "%5\\%%", true}, // no run: the fragment, its wildcard escaped
		{"AnyBackup 一体机", "%AnyBackup%一体机%", false},
	} {
		got, whole := nameWords(tt.in)
		if got != tt.want || whole != tt.whole {
			t.Errorf("nameWords(%q) = %q, %v; want %q, %v", tt.in, got, whole, tt.want, tt.whole)
		}
	}
}
