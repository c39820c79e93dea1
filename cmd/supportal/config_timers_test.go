package main

import (
	"testing"
	"time"

	"supportal/domain/ticket"
)

// TestTimerConfig: the timed rules' intervals default to SPEC's, take days
// or Go durations, and refuse anything else.
func TestTimerConfig(t *testing.T) {
	c, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Timing != ticket.DefaultTiming || c.TimerEvery != time.Minute {
		t.Errorf("defaults = %+v every %v, want %+v every 1m", c.Timing, c.TimerEvery, ticket.DefaultTiming)
	}
	env := map[string]string{"SUPPORTAL_TICKET_CLOSE_AFTER": "14d", "SUPPORTAL_TICKET_WARN_BEFORE": "45m", "SUPPORTAL_TICKET_TIMER_EVERY": "30s"}
	if c, err = loadConfig(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Timing.CloseAfter != 14*24*time.Hour || c.Timing.WarnBefore != 45*time.Minute || c.TimerEvery != 30*time.Second ||
		c.Timing.RemindAfter != 3*24*time.Hour {
		t.Errorf("set = %+v every %v", c.Timing, c.TimerEvery)
	}
	for _, bad := range []string{"0d", "-1h", "soon", "1.5d"} {
		if _, err := loadConfig(func(k string) string {
			if k == "SUPPORTAL_TICKET_REMIND_AFTER" {
				return bad
			}
			return ""
		}); err == nil {
			t.Errorf("SUPPORTAL_TICKET_REMIND_AFTER=%q accepted", bad)
		}
	}
}
