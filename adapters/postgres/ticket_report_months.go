package postgres

import (
	"time"

	"supportal/domain/ticket/report"
)

// reportMonthZoneName is the zone whose months key ticket_sla_months and
// ticket_rating_months (migration 00027 names it in its triggers).
const reportMonthZoneName = "Asia/Shanghai"

// reportMonthZone is reportMonthZoneName loaded, or a fixed +08:00 where
// the time zone database is missing (Asia/Shanghai has kept +08:00 since
// 1991).
var reportMonthZone = func() *time.Location {
	if l, err := time.LoadLocation(reportMonthZoneName); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// monthBounds are the month boundaries of a report's period as the sums
// and the viewer see them, for the queries that read the sums.
type monthBounds struct {
	// Viewer is the first instant of each month of the period in the
	// query's zone, then the period's end: a time's month is its
	// width_bucket among them, 1 to len(Viewer)-1.
	Viewer []string
	// Sums is the same months' boundaries in reportMonthZone: a sum's
	// month is its width_bucket among them.
	Sums []string
	// Lo and Hi are the instants between each pair of boundaries that
	// differ: what was created (or rated) in [Lo[i], Hi[i]) sits in one
	// month of the sums and maybe another of the viewer's, and is counted
	// from the tickets themselves, once in the viewer's month and once,
	// negated, in the sums' month.
	Lo, Hi []string
	// Months is the number of months.
	Months int
}

// boundsOf returns the month boundaries of q, whose From and To must be
// first instants of months in its zone (as report.Service asks): ok is
// false otherwise.
func boundsOf(q report.Query) (b monthBounds, ok bool) {
	zone := q.Zone
	if zone == nil {
		zone = time.UTC
	}
	monthStart := func(z time.Time) time.Time { return time.Date(z.Year(), z.Month(), 1, 0, 0, 0, 0, z.Location()) }
	if f, t := q.From.In(zone), q.To.In(zone); !f.Equal(monthStart(f)) || !t.Equal(monthStart(t)) || !f.Before(t) {
		return monthBounds{}, false
	}
	starts := append(q.MonthStarts(), q.To)
	b.Months = len(starts) - 1
	var viewer, sums, lo, hi []time.Time
	for _, v := range starts {
		z := v.In(zone)
		s := time.Date(z.Year(), z.Month(), 1, 0, 0, 0, 0, reportMonthZone)
		viewer, sums = append(viewer, v), append(sums, s)
		switch {
		case v.Before(s):
			lo, hi = append(lo, v), append(hi, s)
		case s.Before(v):
			lo, hi = append(lo, s), append(hi, v)
		}
	}
	b.Viewer, b.Sums, b.Lo, b.Hi = instants(viewer), instants(sums), instants(lo), instants(hi)
	return b, true
}
