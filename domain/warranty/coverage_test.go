package warranty

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, _ := time.Parse(dateLayout, s)
	return t
}

func TestCoverageOn(t *testing.T) {
	sh, _ := time.LoadLocation(DefaultZone)
	// 2026-11-26 17:30 UTC is already 2026-11-27 in Shanghai.
	now := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC)
	tests := []struct {
		start, end string
		want       Coverage
	}{
		{"2026-01-01", "2027-06-30", Active},
		{"2026-01-01", "2026-12-28", Active},   // 31 days left
		{"2026-01-01", "2026-12-27", Expiring}, // exactly 30 days
		{"2026-01-01", "2026-11-27", Expiring}, // last day
		{"2026-01-01", "2026-11-26", Expired},  // ended yesterday in Shanghai
		{"2026-11-27", "2027-11-26", Active},   // starts today
		{"2026-11-28", "2027-11-27", NotStarted},
	}
	for _, tt := range tests {
		if got := CoverageOn(date(tt.start), date(tt.end), now, sh); got != tt.want {
			t.Errorf("%s–%s: got %s, want %s", tt.start, tt.end, got, tt.want)
		}
	}
	if got := CoverageOn(date("2026-01-01"), date("2026-11-26"), now, time.UTC); got != Expiring {
		t.Errorf("in UTC the 26th is still today: got %s", got)
	}
}
