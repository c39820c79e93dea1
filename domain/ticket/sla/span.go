package sla

import (
	"strconv"
	"strings"
	"time"

	"supportal/domain"
)

// Span is an SLA target: working days plus minutes of working time. A
// working day is the calendar's DayLength, so that "1d" on the business
// calendar is 8 h of working time and on a 24×7 calendar 24 h.
type Span struct {
	Days    int
	Minutes int
}

// maxSpan bounds a target: a year of working days.
const maxSpanDays = 366

// Zero tells whether the span is empty (no target).
func (s Span) Zero() bool { return s.Days == 0 && s.Minutes == 0 }

// On returns the working time the span means on the calendar c.
func (s Span) On(c *Calendar) time.Duration {
	return time.Duration(s.Days)*c.DayLength() + time.Duration(s.Minutes)*time.Minute
}

// String writes the span as ParseSpan reads it: "1d", "4h", "1h30m", "30m"
// ("" for no target).
func (s Span) String() string {
	var b strings.Builder
	if s.Days > 0 {
		b.WriteString(strconv.Itoa(s.Days) + "d")
	}
	if h := s.Minutes / 60; h > 0 {
		b.WriteString(strconv.Itoa(h) + "h")
	}
	if m := s.Minutes % 60; m > 0 {
		b.WriteString(strconv.Itoa(m) + "m")
	}
	return b.String()
}

var errSpan = domain.E(domain.Invalid, "error.sla.span")

// ParseSpan reads a target such as "30m", "2h", "1h30m", "1d" or "3d"
// (d: working days, h: hours, m: minutes; spaces ignored); "" is no target.
// Anything else, or a target over a year, is Invalid (error.sla.span).
func ParseSpan(v string) (Span, error) {
	v = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	var s Span
	seen := ""
	for v != "" {
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == 0 || i > 6 || i == len(v) {
			return Span{}, errSpan
		}
		n, _ := strconv.Atoi(v[:i])
		unit := v[i : i+1]
		if strings.Contains(seen, unit) {
			return Span{}, errSpan
		}
		seen += unit
		switch unit {
		case "d":
			s.Days += n
		case "h":
			s.Minutes += n * 60
		case "m":
			s.Minutes += n
		default:
			return Span{}, errSpan
		}
		v = v[i+1:]
	}
	if s.Days > maxSpanDays || s.Minutes > maxSpanDays*dayMinutes {
		return Span{}, errSpan
	}
	return s, nil
}
