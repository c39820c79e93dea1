package report

import (
	"context"
	"fmt"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// MaxMonths bounds the period a report covers, so that its queries read a
// bounded part of the tickets.
const MaxMonths = 24

// DefaultMonths is the period shown when none is asked for: the current
// month and the five before it.
const DefaultMonths = 6

// monthLayout is how months are written in links and keys.
const monthLayout = "2006-01"

// Input is a report as asked for: months "yyyy-mm" (empty: the default
// period), an optional tier and company, and the viewer's zone, in which
// months begin.
type Input struct {
	From, To  string
	Tier      string
	CompanyID int64
	Zone      *time.Location
	// Only limits the work to one report ("backlog", "sla" or "csat"; ""
	// all three): an export needs one.
	Only string
	// Companies is how many companies the SLA report lists, most tickets
	// first (0: all, as an export does).
	Companies int
}

// The reports Only may name.
const (
	Backlogs     = "backlog"
	Attainments  = "sla"
	Satisfaction = "csat"
)

// Period is the months a report covers, oldest first.
type Period struct {
	From, To string   // "yyyy-mm", both included
	Months   []string // every month from From to To
	Zone     *time.Location
}

// Report is the three reports over one period.
type Report struct {
	Period  Period
	Query   Query
	Backlog Backlog
	SLA     SLA
	CSAT    CSAT
}

// Service computes the reports.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns the reports over store; now is the clock (nil: the
// wall clock).
func NewService(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

// Period resolves the months of in: an empty period is the last
// DefaultMonths months; a month that is not "yyyy-mm", a start after the
// end or more than MaxMonths months is Invalid (error.report.period).
func (s *Service) Period(in Input) (Period, error) {
	zone := in.Zone
	if zone == nil {
		zone = time.UTC
	}
	now := s.now().In(zone)
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone)
	from, to := cur.AddDate(0, 1-DefaultMonths, 0), cur
	var err error
	if in.From != "" {
		if from, err = time.ParseInLocation(monthLayout, in.From, zone); err != nil {
			return Period{}, domain.E(domain.Invalid, "error.report.period")
		}
	}
	if in.To != "" {
		if to, err = time.ParseInLocation(monthLayout, in.To, zone); err != nil {
			return Period{}, domain.E(domain.Invalid, "error.report.period")
		}
	}
	if to.Before(from) || monthsBetween(from, to) >= MaxMonths {
		return Period{}, domain.E(domain.Invalid, "error.report.period")
	}
	p := Period{From: from.Format(monthLayout), To: to.Format(monthLayout), Zone: zone}
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		p.Months = append(p.Months, m.Format(monthLayout))
	}
	return p, nil
}

// monthsBetween counts the months from a to b (0 for the same month).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// query is the store's query of a period.
func (s *Service) query(p Period, in Input) Query {
	from, _ := time.ParseInLocation(monthLayout, p.From, p.Zone)
	to, _ := time.ParseInLocation(monthLayout, p.To, p.Zone)
	return Query{From: from.UTC(), To: to.AddDate(0, 1, 0).UTC(), Zone: p.Zone, Tier: in.Tier,
		CompanyID: in.CompanyID, Now: s.now().UTC(), Companies: max(in.Companies, 0)}
}

// Report returns the three reports for an agent or admin; anyone else is
// Forbidden (error.forbidden).
func (s *Service) Report(ctx context.Context, a ticket.Actor, in Input) (Report, error) {
	if err := mayView(a); err != nil {
		return Report{}, err
	}
	p, err := s.Period(in)
	if err != nil {
		return Report{}, err
	}
	r := Report{Period: p, Query: s.query(p, in)}
	// The three queries run at once, each on its own connection.
	var wg sync.WaitGroup
	var errs [3]error
	run := func(i int, name string, fn func() error) {
		if in.Only == "" || in.Only == name {
			wg.Go(func() { errs[i] = fn() })
		}
	}
	run(0, Backlogs, func() (err error) { r.Backlog, err = s.store.Backlog(ctx, r.Query); return })
	run(1, Attainments, func() (err error) { r.SLA, err = s.store.SLA(ctx, r.Query); return })
	run(2, Satisfaction, func() (err error) { r.CSAT, err = s.store.CSAT(ctx, r.Query); return })
	wg.Wait()
	for i, what := range []string{Backlogs, Attainments, Satisfaction} {
		if errs[i] != nil {
			return Report{}, fmt.Errorf("report: %s: %w", what, errs[i])
		}
	}
	r.Backlog = fillBacklog(r.Backlog)
	r.SLA.ByMonth = fillMonths(p.Months, r.SLA.ByMonth)
	r.CSAT = fillRatings(p.Months, r.CSAT)
	return r, nil
}

// fillBacklog gives every status, priority and age bucket its row, in
// their order, zero where the store found none.
func fillBacklog(b Backlog) Backlog {
	fill := func(keys []string, got []Count) []Count {
		n := map[string]int{}
		for _, c := range got {
			n[c.Key] += c.N
		}
		out := make([]Count, 0, len(keys))
		for _, k := range keys {
			out = append(out, Count{Key: k, N: n[k]})
		}
		return out
	}
	statuses := []string{string(ticket.StatusNew), string(ticket.StatusInProgress), string(ticket.StatusWaiting)}
	priorities := []string{"1", "2", "3", "4"}
	b.ByStatus, b.ByPriority, b.Age = fill(statuses, b.ByStatus), fill(priorities, b.ByPriority), fill(AgeBuckets, b.Age)
	b.Total = 0
	for _, c := range b.ByStatus {
		b.Total += c.N
	}
	return b
}

// fillMonths gives every month of the period its row.
func fillMonths(months []string, got []Attainment) []Attainment {
	by := map[string]Attainment{}
	for _, a := range got {
		by[a.Key] = a
	}
	out := make([]Attainment, 0, len(months))
	for _, m := range months {
		a := by[m]
		a.Key = m
		out = append(out, a)
	}
	return out
}

// fillRatings gives every month of the period its row and sums them.
func fillRatings(months []string, c CSAT) CSAT {
	by := map[string]Ratings{}
	for _, r := range c.Months {
		by[r.Key] = r
	}
	out := CSAT{}
	for _, m := range months {
		r := by[m]
		r.Key = m
		out.Months = append(out.Months, r)
		for i := range r.Score {
			out.All.Score[i] += r.Score[i]
		}
	}
	return out
}
