package warranty

import "time"

// Coverage is the badge of a service line on a given day.
type Coverage string

// The four badges of SPEC §3.2.
const (
	Active     Coverage = "active"      // 生效中
	Expiring   Coverage = "expiring"    // 30 天内到期
	Expired    Coverage = "expired"     // 已过期
	NotStarted Coverage = "not_started" // 未开始
)

// ExpiringWithin is how close to its end an active line counts as expiring.
const ExpiringWithin = 30

// DefaultZone is the customers' time zone unless they have another.
const DefaultZone = "Asia/Shanghai"

// CoverageOn returns the badge of a line running from start to end (both
// inclusive dates) on the calendar day of now in loc.
func CoverageOn(start, end, now time.Time, loc *time.Location) Coverage {
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch {
	case today.Before(start):
		return NotStarted
	case today.After(end):
		return Expired
	case !end.After(today.AddDate(0, 0, ExpiringWithin)):
		return Expiring
	default:
		return Active
	}
}
