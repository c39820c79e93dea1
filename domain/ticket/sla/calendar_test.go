package sla

import (
	"bytes"
	"math/rand"
	"testing"
	"time"
)

// china returns the default business calendar with the 2026 schedule.
func china(t *testing.T) *Calendar {
	t.Helper()
	days, errs := ParseDays(bytes.NewReader(ChinaHolidays2026))
	if errs != nil {
		t.Fatalf("seed schedule: %v", errs)
	}
	p := Default(days)
	if err := p.compile(); err != nil {
		t.Fatal(err)
	}
	c, _ := p.Calendar(CalendarBusiness)
	return c
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// at reads "2006-01-02 15:04" in loc.
func at(t *testing.T, loc *time.Location, v string) time.Time {
	t.Helper()
	x, err := time.ParseInLocation("2006-01-02 15:04", v, loc)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func compiled(t *testing.T, c Calendar) *Calendar {
	t.Helper()
	if err := c.compile(); err != nil {
		t.Fatal(err)
	}
	return &c
}

func TestAddBusinessCalendar(t *testing.T) {
	cal := china(t)
	sh := cal.Location()
	cases := []struct {
		name, from string
		d          time.Duration
		want       string
	}{
		{"before hours", "2026-03-02 08:00", time.Hour, "2026-03-02 10:00"},
		{"at opening", "2026-03-02 09:00", 30 * time.Minute, "2026-03-02 09:30"},
		{"over lunch", "2026-03-02 11:30", time.Hour, "2026-03-02 13:30"},
		{"during lunch", "2026-03-02 12:20", time.Hour, "2026-03-02 14:00"},
		{"ends at closing", "2026-03-02 17:00", time.Hour, "2026-03-02 18:00"},
		{"after hours", "2026-03-02 19:00", time.Hour, "2026-03-03 10:00"},
		{"one working day", "2026-03-02 10:00", 8 * time.Hour, "2026-03-03 10:00"},
		{"three working days", "2026-03-04 10:00", 24 * time.Hour, "2026-03-09 10:00"},
		{"friday evening", "2026-03-06 17:30", time.Hour, "2026-03-09 09:30"},
		{"over a weekend", "2026-03-07 10:00", 4 * time.Hour, "2026-03-09 14:00"},
		{"created on a sunday", "2026-03-08 15:00", 30 * time.Minute, "2026-03-09 09:30"},
		{"qingming holiday", "2026-04-03 17:00", 2 * time.Hour, "2026-04-07 10:00"},
		{"national day week", "2026-09-30 17:00", 2 * time.Hour, "2026-10-08 10:00"},
		{"make-up saturday", "2026-02-13 17:00", 2 * time.Hour, "2026-02-14 10:00"},
		{"make-up saturday, whole day", "2026-02-13 17:00", 8 * time.Hour, "2026-02-14 17:00"},
		{"make-up sunday after new year", "2025-12-31 17:00", 2 * time.Hour, "2026-01-04 10:00"},
		{"spring festival", "2026-02-14 17:00", 2 * time.Hour, "2026-02-24 10:00"},
		{"zero", "2026-03-07 10:00", 0, "2026-03-07 10:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from, want := at(t, sh, c.from), at(t, sh, c.want)
			got := cal.Add(from, c.d)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %v) = %s, want %s", c.from, c.d, got.In(sh).Format(time.DateTime), c.want)
			}
			if w := cal.Working(from, got); w != c.d {
				t.Errorf("Working(%s, %s) = %v, want %v", c.from, c.want, w, c.d)
			}
		})
	}
}

func TestMidnightShanghaiAndUTC(t *testing.T) {
	cal := china(t)
	// 16:30 UTC on Monday is 00:30 on Tuesday in Shanghai: the target runs
	// from Tuesday's opening.
	x := time.Date(2026, 3, 2, 16, 30, 0, 0, time.UTC)
	if got, want := cal.Add(x, time.Hour), time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Shanghai: Add = %s, want %s", got, want)
	}
	utc := compiled(t, Calendar{Zone: "UTC", Week: BusinessWeek()})
	if got, want := utc.Add(x, time.Hour), time.Date(2026, 3, 2, 17, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("UTC: Add = %s, want %s", got, want)
	}
	if cal.IsWorking(x) || !cal.IsWorking(time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC)) {
		t.Error("IsWorking: 00:30 in Shanghai is not working time, 09:00 is")
	}
}

func TestWindowEndingAtMidnight(t *testing.T) {
	var week [7][]Window
	week[time.Monday] = []Window{{18 * 60, 24 * 60}}
	week[time.Tuesday] = []Window{{0, 6 * 60}}
	cal := compiled(t, Calendar{Zone: "Asia/Shanghai", Week: week})
	sh := cal.Location()
	from := at(t, sh, "2026-03-02 23:30")
	if got, want := cal.Add(from, time.Hour), at(t, sh, "2026-03-03 00:30"); !got.Equal(want) {
		t.Errorf("Add over midnight = %s, want %s", got, want)
	}
	if got := cal.Add(at(t, sh, "2026-03-02 23:00"), time.Hour); !got.Equal(at(t, sh, "2026-03-03 00:00")) {
		t.Errorf("Add to 24:00 = %s", got)
	}
	if !cal.IsWorking(at(t, sh, "2026-03-02 23:59")) || !cal.IsWorking(at(t, sh, "2026-03-03 00:00")) {
		t.Error("23:59 and 00:00 are working time")
	}
}

func TestDaylightSaving(t *testing.T) {
	ny := zone(t, "America/New_York")
	var all [7][]Window
	for d := range all {
		all[d] = []Window{{0, 24 * 60}}
	}
	whole := compiled(t, Calendar{Zone: "America/New_York", Week: all})
	// 8 March 2026 has 23 hours in New York, 1 November 25.
	if got := whole.Working(at(t, ny, "2026-03-08 00:00"), at(t, ny, "2026-03-09 00:00")); got != 23*time.Hour {
		t.Errorf("spring day = %v, want 23h", got)
	}
	if got := whole.Working(at(t, ny, "2026-11-01 00:00"), at(t, ny, "2026-11-02 00:00")); got != 25*time.Hour {
		t.Errorf("autumn day = %v, want 25h", got)
	}
	var week [7][]Window
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []Window{{9 * 60, 17 * 60}}
	}
	office := compiled(t, Calendar{Zone: "America/New_York", Week: week})
	// Friday 16:00 EST + 2 h = Monday 10:00 EDT (14:00 UTC).
	got := office.Add(at(t, ny, "2026-03-06 16:00"), 2*time.Hour)
	if want := time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Add over the change = %s, want %s", got.UTC(), want)
	}
	if d := office.DayLength(); d != 8*time.Hour {
		t.Errorf("DayLength = %v", d)
	}
}

func TestAlways(t *testing.T) {
	cal := compiled(t, Calendar{Zone: "Asia/Shanghai", Always: true, Days: []Day{{Date: "2026-10-01", Kind: Holiday}}})
	x := time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)
	if got := cal.Add(x, 30*time.Minute); !got.Equal(x.Add(30 * time.Minute)) {
		t.Errorf("24×7 Add = %s", got)
	}
	if !cal.IsWorking(x) || cal.DayLength() != 24*time.Hour {
		t.Error("24×7 always works, 24 h a day")
	}
}

// TestDueInsideWorkingTime checks, over random instants and targets of
// 2026, that a due time ends inside a window and that the working time up
// to it is the target, for the China calendar and one in New York.
func TestDueInsideWorkingTime(t *testing.T) {
	var week [7][]Window
	for d := time.Monday; d <= time.Saturday; d++ {
		week[d] = []Window{{1 * 60, 2*60 + 30}, {8 * 60, 12 * 60}, {12*60 + 45, 24 * 60}}
	}
	cals := map[string]*Calendar{"china": china(t), "new york": compiled(t, Calendar{Zone: "America/New_York", Week: week})}
	rng := rand.New(rand.NewSource(11))
	start := time.Date(2025, 12, 25, 0, 0, 0, 0, time.UTC)
	for name, cal := range cals {
		for i := 0; i < 3000; i++ {
			from := start.Add(time.Duration(rng.Int63n(int64(380 * 24 * time.Hour))))
			d := time.Duration(1+rng.Int63n(60*60)) * time.Minute / 2
			due := cal.Add(from, d)
			if !cal.IsWorking(due.Add(-time.Nanosecond)) {
				t.Fatalf("%s: Add(%s, %v) = %s: not the end of working time", name, from, d, due)
			}
			if got := cal.Working(from, due); got != d {
				t.Fatalf("%s: Working(%s, Add(…, %v)) = %v", name, from, d, got)
			}
			if y := due.In(cal.Location()); name == "china" && (y.Weekday() == time.Sunday && y.Format(time.DateOnly) != "2026-01-04" && y.Format(time.DateOnly) != "2026-09-20") {
				t.Fatalf("china: due on a Sunday that is no make-up day: %s", y)
			}
		}
	}
}
