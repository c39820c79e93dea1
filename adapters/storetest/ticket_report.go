package storetest

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"supportal/domain/ticket"
	"supportal/domain/ticket/report"
)

// ReportBackend is a report store under test over the ticket stores that
// fill it.
type ReportBackend struct {
	TicketBackend
	Reports report.Store
}

// TicketReports runs the contract of the report queries: the backlog at
// Now, the SLA outcome of the covered tickets created in the period (months
// in the query's zone) and the ratings changed in it, with the tier and
// company filters.
func TicketReports(t *testing.T, newBackend func(t *testing.T) ReportBackend) {
	b := newBackend(t)
	ctx := t.Context()
	sh, err := time.LoadLocation("Asia/Shanghai")
	must(t, err)
	now := time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)
	co1, cust1 := b.Customer(t, 0, "甲公司")
	co2, cust2 := b.Customer(t, 0, "乙公司")
	mk := func(co, cust int64, name string, at time.Time, fn func(*ticket.Ticket)) ticket.Ticket {
		tk := newTicket(co, cust, name, at)
		tk.CompanyName = name
		fn(&tk)
		return createTicket(t, b.TicketBackend, tk, "")
	}
	// 01:00 on 1 November in Shanghai, still October in UTC: first
	// response and resolution met.
	a := mk(co1, cust1, "甲公司", time.Date(2026, 10, 31, 17, 0, 0, 0, time.UTC), func(x *ticket.Ticket) {
		x.Status, x.FirstResponseAt, x.FirstResponseDue = ticket.StatusResolved, x.CreatedAt.Add(time.Hour), x.CreatedAt.Add(2*time.Hour)
		x.ResolvedAt, x.ResolutionDue = x.CreatedAt.Add(5*time.Hour), x.CreatedAt.Add(8*time.Hour)
	})
	// Running: the first response is overdue now (breached), the
	// resolution is due later (neither).
	mk(co1, cust1, "甲公司", time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC), func(x *ticket.Ticket) {
		x.Status, x.Tier, x.Priority = ticket.StatusInProgress, "premium", ticket.P1
		x.FirstResponseDue, x.ResolutionDue = x.CreatedAt.Add(30*time.Minute), now.Add(time.Hour)
	})
	// Waiting: both breached when last computed.
	c := mk(co2, cust2, "乙公司", time.Date(2026, 9, 15, 2, 0, 0, 0, time.UTC), func(x *ticket.Ticket) {
		x.Status, x.FirstResponseAt, x.FirstResponseDue = ticket.StatusWaiting, x.CreatedAt.Add(3*time.Hour), x.CreatedAt.Add(time.Hour)
		x.FirstResponseBreached, x.ResolutionBreached = true, true
	})
	// Uncovered and new: backlog only.
	mk(co2, cust2, "乙公司", time.Date(2026, 11, 5, 2, 0, 0, 0, time.UTC), func(x *ticket.Ticket) {
		x.Covered, x.Tier, x.Priority = false, "", ticket.P2
	})
	mk(co1, cust1, "甲公司", now.Add(-2*time.Hour), func(x *ticket.Ticket) {
		x.FirstResponseDue, x.ResolutionDue = now.Add(time.Hour), now.Add(5*time.Hour)
	})
	// Created before the period, rated in it.
	e := mk(co1, cust1, "甲公司", time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC), func(x *ticket.Ticket) {
		x.Status, x.FirstResponseAt, x.FirstResponseDue = ticket.StatusClosed, x.CreatedAt.Add(time.Hour), x.CreatedAt.Add(2*time.Hour)
	})
	rate := func(tk ticket.Ticket, score int, at time.Time) {
		_, err := b.Ratings.Rate(ctx, tk.ID, func(ticket.Ticket) (ticket.Rating, error) {
			return ticket.Rating{Score: score, ByID: tk.OpenedBy, FirstAt: at, At: at}, nil
		})
		must(t, err)
	}
	rate(a, 5, time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC))
	rate(c, 2, time.Date(2026, 9, 20, 3, 0, 0, 0, time.UTC))
	rate(e, 4, time.Date(2026, 11, 18, 3, 0, 0, 0, time.UTC))
	rate(mk(co2, cust2, "乙公司", time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC), func(x *ticket.Ticket) {
		x.Status = ticket.StatusClosed
	}), 1, time.Date(2026, 5, 31, 16, 30, 0, 0, time.UTC)) // 1 June in Shanghai: before the period in UTC only

	q := report.Query{From: time.Date(2026, 6, 1, 0, 0, 0, 0, sh).UTC(), To: time.Date(2026, 12, 1, 0, 0, 0, 0, sh).UTC(),
		Zone: sh, Now: now}
	bl, err := b.Reports.Backlog(ctx, q)
	must(t, err)
	wantBl := report.Backlog{Total: 4,
		ByStatus:   []report.Count{{Key: "in_progress", N: 1}, {Key: "new", N: 2}, {Key: "waiting", N: 1}},
		ByPriority: []report.Count{{Key: "1", N: 1}, {Key: "2", N: 1}, {Key: "3", N: 2}},
		Age:        []report.Count{{Key: "7to30d", N: 2}, {Key: "gt30d", N: 1}, {Key: "lt1d", N: 1}}}
	if !reflect.DeepEqual(sortedBacklog(bl), wantBl) {
		t.Errorf("Backlog = %+v\nwant %+v", sortedBacklog(bl), wantBl)
	}

	sla, err := b.Reports.SLA(ctx, q)
	must(t, err)
	tally := func(m, br int) report.Tally { return report.Tally{Met: m, Breached: br} }
	s1, s2 := strconv.FormatInt(co1, 10), strconv.FormatInt(co2, 10)
	want := report.SLA{
		ByMonth: []report.Attainment{{Key: "2026-09", Tickets: 1, First: tally(0, 1), Res: tally(0, 1)},
			{Key: "2026-11", Tickets: 3, First: tally(1, 1), Res: tally(1, 0)}},
		ByTier: []report.Attainment{{Key: "premium", Tickets: 1, First: tally(0, 1)},
			{Key: "standard", Tickets: 3, First: tally(1, 1), Res: tally(1, 1)}},
		ByCompany: []report.Attainment{{Key: s1, Label: "甲公司", Tickets: 3, First: tally(1, 1), Res: tally(1, 0)},
			{Key: s2, Label: "乙公司", Tickets: 1, First: tally(0, 1), Res: tally(0, 1)}},
	}
	want.Companies = 2
	if !reflect.DeepEqual(sla, want) {
		t.Errorf("SLA = %+v\nwant %+v", sla, want)
	}
	// A page lists the company with most tickets and counts both.
	q1 := q
	q1.Companies = 1
	sla, err = b.Reports.SLA(ctx, q1)
	must(t, err)
	if want.ByCompany = want.ByCompany[:1]; !reflect.DeepEqual(sla, want) {
		t.Errorf("SLA of one company = %+v\nwant %+v", sla, want)
	}
	qt := q
	qt.Tier, qt.CompanyID = "standard", co2
	sla, err = b.Reports.SLA(ctx, qt)
	must(t, err)
	if len(sla.ByMonth) != 1 || sla.ByMonth[0].Key != "2026-09" || len(sla.ByCompany) != 1 || sla.ByCompany[0].Key != s2 {
		t.Errorf("SLA of standard at 乙公司 = %+v, want the one ticket of September", sla)
	}
	bl, err = b.Reports.Backlog(ctx, qt)
	must(t, err)
	if bl.Total != 1 {
		t.Errorf("backlog of standard at 乙公司 = %d, want 1", bl.Total)
	}

	cs, err := b.Reports.CSAT(ctx, q)
	must(t, err)
	wantCS := report.CSAT{Months: []report.Ratings{{Key: "2026-06", Score: [5]int{1, 0, 0, 0, 0}},
		{Key: "2026-09", Score: [5]int{0, 1, 0, 0, 0}}, {Key: "2026-11", Score: [5]int{0, 0, 0, 1, 1}}}}
	if !reflect.DeepEqual(cs, wantCS) {
		t.Errorf("CSAT = %+v\nwant %+v", cs, wantCS)
	}
	qc := q
	qc.CompanyID = co1
	cs, err = b.Reports.CSAT(ctx, qc)
	must(t, err)
	if len(cs.Months) != 1 || cs.Months[0].Count() != 2 {
		t.Errorf("CSAT of 甲公司 = %+v, want the two ratings of November", cs)
	}
}

// sortedBacklog orders a backlog's rows by key, as stores may return them
// in any order.
func sortedBacklog(b report.Backlog) report.Backlog {
	sort := func(cs []report.Count) []report.Count {
		out := append([]report.Count(nil), cs...)
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if out[j].Key < out[i].Key {
					out[i], out[j] = out[j], out[i]
				}
			}
		}
		return out
	}
	return report.Backlog{Total: b.Total, ByStatus: sort(b.ByStatus), ByPriority: sort(b.ByPriority), Age: sort(b.Age)}
}
