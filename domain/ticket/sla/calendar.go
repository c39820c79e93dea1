package sla

import (
	"time"
)

// DefaultZone is the time zone of a calendar that names none.
const DefaultZone = "Asia/Shanghai"

// dayMinutes is the length of a nominal day in minutes: a window may end at
// 24:00 (1440).
const dayMinutes = 24 * 60

// searchDays bounds how far Add looks for working time: a calendar without
// any within it gives no due time.
const searchDays = 3660

// Window is a working window of a day, from Start to End minutes after
// midnight (local wall-clock time); End may be 1440 (24:00).
type Window struct {
	Start, End int
}

// Minutes is the window's nominal length.
func (w Window) Minutes() int { return w.End - w.Start }

// DayKind is what a special day is.
type DayKind string

// The kinds of special days.
const (
	// Holiday is a day without working time (a public holiday).
	Holiday DayKind = "holiday"
	// Workday is a make-up working day (调休): a weekend day worked with the
	// windows of the calendar's make-up day.
	Workday DayKind = "workday"
)

// Day is a special day of a calendar: a public holiday or a make-up working
// day, on a local date ("2026-01-04").
type Day struct {
	Date string
	Kind DayKind
	Name string
}

// Calendar is a business calendar: the weekly working windows in a time zone,
// the special days that change them, or, when Always is set, every hour of
// every day (24×7, special days ignored).
type Calendar struct {
	Code   string // "business", "24x7"
	Name   string // the admins' label
	Zone   string // IANA name; "" is DefaultZone
	Always bool
	// Week holds the windows of each weekday (index time.Weekday), sorted
	// and not overlapping.
	Week [7][]Window
	// MakeupDay is the weekday whose windows a make-up working day has
	// (time.Monday unless set otherwise by a weekday with windows).
	MakeupDay time.Weekday
	Days      []Day
	Version   int

	loc  *time.Location
	days map[string]DayKind
}

// compile prepares c for computations: its zone and special days.
func (c *Calendar) compile() error {
	zone := c.Zone
	if zone == "" {
		zone = DefaultZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return errZone
	}
	c.loc = loc
	c.days = make(map[string]DayKind, len(c.Days))
	for _, d := range c.Days {
		c.days[d.Date] = d.Kind
	}
	return nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location {
	if c.loc == nil {
		if err := c.compile(); err != nil {
			return time.UTC
		}
	}
	return c.loc
}

// windows returns the working windows of the local date y-m-d.
func (c *Calendar) windows(y int, m time.Month, d int) []Window {
	date := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	switch c.days[date.Format(time.DateOnly)] {
	case Holiday:
		return nil
	case Workday:
		if w := c.Week[date.Weekday()]; len(w) > 0 {
			return w
		}
		return c.Week[c.MakeupDay]
	}
	return c.Week[date.Weekday()]
}

// at returns the instant of minute min of the local date y-m-d.
func (c *Calendar) at(y int, m time.Month, d, min int) time.Time {
	return time.Date(y, m, d, min/60, min%60, 0, 0, c.loc)
}

// eachWindow calls fn with the working intervals [s, e) that end after
// from, in order, day by day from from's local date, until fn returns false
// or searchDays days have passed.
func (c *Calendar) eachWindow(from time.Time, fn func(s, e time.Time) bool) {
	loc := c.Location()
	y, m, d := from.In(loc).Date()
	for i := 0; i < searchDays; i++ {
		for _, w := range c.windows(y, m, d+i) {
			s, e := c.at(y, m, d+i, w.Start), c.at(y, m, d+i, w.End)
			if !e.After(from) || !e.After(s) {
				continue
			}
			if !fn(s, e) {
				return
			}
		}
	}
}

// Add returns the instant at which d of working time has passed after t:
// the due time of a target d from t. A positive d always ends inside a
// working window (or at its end). Add returns the zero time when the
// calendar has no working time within ten years.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if c.Always {
		return t.Add(d)
	}
	if d <= 0 {
		return t
	}
	var due time.Time
	left := d
	c.eachWindow(t, func(s, e time.Time) bool {
		if s.Before(t) {
			s = t
		}
		if n := e.Sub(s); n < left {
			left -= n
			return true
		}
		due = s.Add(left)
		return false
	})
	return due
}

// Working returns the working time between a and b (negative when b is
// before a).
func (c *Calendar) Working(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.Working(b, a)
	}
	if c.Always {
		return b.Sub(a)
	}
	var sum time.Duration
	c.eachWindow(a, func(s, e time.Time) bool {
		if !s.Before(b) {
			return false
		}
		if s.Before(a) {
			s = a
		}
		if e.After(b) {
			e = b
		}
		sum += e.Sub(s)
		return true
	})
	return sum
}

// IsWorking tells whether t falls in working time (a window includes its
// start, not its end).
func (c *Calendar) IsWorking(t time.Time) bool {
	if c.Always {
		return true
	}
	in := false
	c.eachWindow(t, func(s, e time.Time) bool {
		in = !t.Before(s) && t.Before(e)
		return false
	})
	return in
}

// DayLength is the working time of one working day, for targets given in
// working days: the longest working week day's total (8 h for 09:00–12:00
// and 13:00–18:00), or 24 h for a 24×7 calendar.
func (c *Calendar) DayLength() time.Duration {
	if c.Always {
		return 24 * time.Hour
	}
	best := 0
	for _, ws := range c.Week {
		n := 0
		for _, w := range ws {
			n += w.Minutes()
		}
		best = max(best, n)
	}
	return time.Duration(best) * time.Minute
}
