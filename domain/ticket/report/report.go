// Package report computes the staff reports of the tickets (SPEC §4.8): the
// backlog of open tickets by status, priority and age; first-response and
// resolution SLA attainment per month, tier and company; and the customers'
// satisfaction (满意度评价) per month. The store aggregates; this package
// chooses the period, checks who may see the reports and shapes the rows.
package report

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// Query is what a report covers: tickets created (for the SLA) or rated
// (for CSAT) in [From, To), months counted in Zone; Tier and CompanyID
// narrow it when set. Now is when running clocks are judged and ages
// measured.
type Query struct {
	From, To  time.Time
	Zone      *time.Location
	Tier      string
	CompanyID int64
	Now       time.Time
	// Companies is how many companies SLA lists (0: all).
	Companies int
}

// MonthStarts returns the first instant of every month of the query, in
// its zone, oldest first: From, then each month's start before To.
func (q Query) MonthStarts() []time.Time {
	zone := q.Zone
	if zone == nil {
		zone = time.UTC
	}
	f := q.From.In(zone)
	var out []time.Time
	for m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, zone); m.Before(q.To); m = m.AddDate(0, 1, 0) {
		out = append(out, m.UTC())
	}
	return out
}

// Count is one row of a backlog breakdown.
type Count struct {
	Key string // a status, a priority ("1".."4") or an age bucket (AgeBuckets)
	N   int
}

// CountsOf lists the counts of m by key, ordered by key.
func CountsOf(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{Key: k, N: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Backlog is the open tickets (新建, 处理中, 待客户反馈) at Now.
type Backlog struct {
	Total                     int
	ByStatus, ByPriority, Age []Count
}

// Attainment is the SLA outcome of a group of tickets: how many met and
// how many breached their first-response and resolution targets. Tickets
// whose target is still running within time count in neither.
type Attainment struct {
	Key   string // the month ("2026-11"), the tier code or the company id
	Label string // the company's name; "" for months and tiers
	// Tickets is how many covered tickets the group has, judged or not.
	Tickets int
	First   Tally
	Res     Tally
}

// Tally counts one metric's met and breached tickets.
type Tally struct{ Met, Breached int }

// Count adds a ticket's outcome: met or breached; any other counts in
// neither.
func (t *Tally) Count(o ticket.Outcome) {
	switch o {
	case ticket.OutcomeMet:
		t.Met++
	case ticket.OutcomeBreached:
		t.Breached++
	}
}

// Total is how many tickets the tally judged.
func (t Tally) Total() int { return t.Met + t.Breached }

// Share is the part met, 0 to 1; ok is false when nothing was judged.
func (t Tally) Share() (share float64, ok bool) {
	if t.Total() == 0 {
		return 0, false
	}
	return float64(t.Met) / float64(t.Total()), true
}

// SLA is the attainment per month (every month of the period, oldest
// first), per tier (the tiers with tickets, by code) and per company (most
// tickets first, then by id; the first Query.Companies of them when it is
// set).
type SLA struct {
	ByMonth, ByTier, ByCompany []Attainment
	// Companies is how many companies have tickets in the period, listed
	// or not.
	Companies int
}

// Groups lists the groups of m in order.
func Groups(m map[string]*Attainment, order func(a, b Attainment) int) []Attainment {
	out := make([]Attainment, 0, len(m))
	for _, a := range m {
		out = append(out, *a)
	}
	slices.SortFunc(out, order)
	return out
}

// ByKey orders months and tiers: by key.
func ByKey(a, b Attainment) int { return cmp.Compare(a.Key, b.Key) }

// ByTickets orders companies as SLA lists them: most tickets first, then
// by id (the key).
func ByTickets(a, b Attainment) int {
	ai, _ := strconv.ParseInt(a.Key, 10, 64)
	bi, _ := strconv.ParseInt(b.Key, 10, 64)
	return cmp.Or(cmp.Compare(b.Tickets, a.Tickets), cmp.Compare(ai, bi))
}

// Ratings is the satisfaction of a group: how many ratings of each score
// 1–5.
type Ratings struct {
	Key   string // the month ("2026-11"); "" for the whole period
	Score [5]int // Score[0]: ratings of 1
}

// Count is how many ratings there are.
func (r Ratings) Count() int {
	n := 0
	for _, k := range r.Score {
		n += k
	}
	return n
}

// Average is the mean score; ok is false without ratings.
func (r Ratings) Average() (avg float64, ok bool) {
	n, sum := 0, 0
	for i, k := range r.Score {
		n += k
		sum += (i + 1) * k
	}
	if n == 0 {
		return 0, false
	}
	return float64(sum) / float64(n), true
}

// CSAT is the ratings per month (every month of the period) and in all.
type CSAT struct {
	Months []Ratings
	All    Ratings
}

// Store aggregates the tickets for the reports. Months are keyed
// "yyyy-mm" in the query's zone; months without tickets may be left out
// (the Service fills them in).
type Store interface {
	Backlog(ctx context.Context, q Query) (Backlog, error)
	SLA(ctx context.Context, q Query) (SLA, error)
	CSAT(ctx context.Context, q Query) (CSAT, error)
}

// The age buckets of the backlog, by time since creation.
var AgeBuckets = []string{"lt1d", "1to3d", "3to7d", "7to30d", "gt30d"}

// AgeBucket returns the bucket of a ticket created age ago.
func AgeBucket(age time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case age < day:
		return "lt1d"
	case age < 3*day:
		return "1to3d"
	case age < 7*day:
		return "3to7d"
	case age < 30*day:
		return "7to30d"
	}
	return "gt30d"
}

// errForbidden is what a caller who handles no tickets gets.
var errForbidden = domain.E(domain.Forbidden, "error.forbidden")

// mayView tells whether the staff role sees the reports (agents, admins).
func mayView(a ticket.Actor) error {
	if a.StaffRole != ticket.StaffAgent && a.StaffRole != ticket.StaffAdmin {
		return errForbidden
	}
	return nil
}
