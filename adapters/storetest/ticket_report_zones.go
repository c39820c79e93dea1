package storetest

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"supportal/domain/ticket"
	"supportal/domain/ticket/report"
)

// reportZones are viewers' zones east and west of the product's default,
// one with a half-hour offset and one with daylight saving time.
var reportZones = []string{"Asia/Shanghai", "UTC", "America/New_York", "America/Los_Angeles",
	"Pacific/Auckland", "Asia/Kolkata"}

// TicketReportZones runs the contract of the SLA and satisfaction reports
// for viewers in any zone, after tickets change: tickets created and rated
// a minute before and after every month boundary of every zone, in every
// status, then resolved, reopened, closed and rated again. Every report,
// with and without the tier and company filters, must be what the tickets
// show now (report's reading of ticket.Ticket's outcomes, computed here
// from the tickets as the store returns them).
func TicketReportZones(t *testing.T, newBackend func(t *testing.T) ReportBackend) {
	b := newBackend(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)
	co1, cust1 := b.Customer(t, 0, "甲公司")
	co2, cust2 := b.Customer(t, 0, "乙公司")
	zones := make([]*time.Location, len(reportZones))
	for i, name := range reportZones {
		l, err := time.LoadLocation(name)
		must(t, err)
		zones[i] = l
	}
	statuses := []ticket.Status{ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting,
		ticket.StatusResolved, ticket.StatusClosed}
	tiers := []string{"standard", "premium", "onsite"}
	var ids []int64
	i := 0
	for _, z := range zones {
		for m := time.Date(2026, 6, 1, 0, 0, 0, 0, z); !m.After(time.Date(2026, 12, 1, 0, 0, 0, 0, z)); m = m.AddDate(0, 1, 0) {
			for _, at := range []time.Time{m.Add(-time.Minute), m.Add(time.Minute)} {
				co, cust := co1, cust1
				if i%3 == 0 {
					co, cust = co2, cust2
				}
				tk := newTicket(co, cust, fmt.Sprint("边界 ", i), at.UTC())
				tk.Status, tk.Tier, tk.Covered = statuses[i%5], tiers[i%3], i%7 != 6
				if !tk.Covered {
					tk.Tier = ""
				}
				tk.FirstResponseDue, tk.ResolutionDue = tk.CreatedAt.Add(2*time.Hour), tk.CreatedAt.Add(48*time.Hour)
				if i%4 != 0 {
					tk.FirstResponseAt = tk.CreatedAt.Add(time.Duration(1+i%3) * time.Hour)
					tk.FirstResponseBreached = i%4 == 3
				}
				tk.ResolutionBreached = i%6 == 5
				if !tk.Open() {
					tk.ResolvedAt = tk.CreatedAt.Add(24 * time.Hour)
				}
				tk = createTicket(t, b.TicketBackend, tk, "")
				ids = append(ids, tk.ID)
				if !tk.Open() && i%2 == 0 {
					rateAt(t, b, tk, 1+i%5, at.UTC().Add(time.Duration(i%3-1)*time.Minute))
				}
				i++
			}
		}
	}
	// Then the tickets move: resolved ones reopen or close, open ones are
	// resolved, ratings change score and month.
	for k, id := range ids {
		var rated ticket.Ticket
		_, err := b.Tickets.Update(ctx, id, func(x *ticket.Ticket) error {
			switch {
			case k%5 == 3 && k%2 == 1: // resolved → 处理中
				x.Status, x.ResolvedAt, x.ResolutionBreached = ticket.StatusInProgress, time.Time{}, k%3 == 0
			case k%5 == 3: // resolved → closed
				x.Status, x.ClosedAt = ticket.StatusClosed, x.CreatedAt.Add(48*time.Hour)
			case k%5 == 1 && k%4 == 1: // 处理中 → resolved, late
				x.Status, x.ResolvedAt, x.ResolutionBreached = ticket.StatusResolved, x.CreatedAt.Add(72*time.Hour), true
			case k%5 == 0 && k%3 == 2: // a tier changed while new
				x.Tier = "premium"
			}
			rated = *x
			return nil
		})
		must(t, err)
		if !rated.Open() && k%4 == 2 {
			rateAt(t, b, rated, 5-k%5, rated.CreatedAt.Add(-time.Duration(k%3)*24*time.Hour))
		}
	}
	var tickets []ticket.Ticket
	for _, id := range ids {
		tk, err := b.Tickets.Ticket(ctx, id)
		must(t, err)
		tickets = append(tickets, tk)
	}
	for _, z := range zones {
		q := report.Query{From: time.Date(2026, 6, 1, 0, 0, 0, 0, z).UTC(), To: time.Date(2026, 12, 1, 0, 0, 0, 0, z).UTC(),
			Zone: z, Now: now}
		for _, f := range []struct {
			tier    string
			company int64
		}{{"", 0}, {"premium", 0}, {"", co2}, {"standard", co1}} {
			q.Tier, q.CompanyID = f.tier, f.company
			name := fmt.Sprintf("%s tier %q company %d", z, f.tier, f.company)
			sla, err := b.Reports.SLA(ctx, q)
			must(t, err)
			if want := expectedSLA(q, tickets); !reflect.DeepEqual(withoutLabels(sla), want) {
				t.Errorf("%s: SLA =\n%+v\nwant\n%+v", name, withoutLabels(sla), want)
			}
			cs, err := b.Reports.CSAT(ctx, q)
			must(t, err)
			if want := expectedCSAT(q, tickets); !reflect.DeepEqual(cs, want) {
				t.Errorf("%s: CSAT =\n%+v\nwant\n%+v", name, cs, want)
			}
		}
	}
}

// rateAt rates tk score at at.
func rateAt(t *testing.T, b ReportBackend, tk ticket.Ticket, score int, at time.Time) {
	t.Helper()
	_, err := b.Ratings.Rate(t.Context(), tk.ID, func(ticket.Ticket) (ticket.Rating, error) {
		first := tk.Rating.FirstAt
		if first.IsZero() {
			first = at
		}
		return ticket.Rating{Score: score, ByID: tk.OpenedBy, FirstAt: first, At: at}, nil
	})
	must(t, err)
}

// reportKept tells whether tk is one of q's tier and company.
func reportKept(q report.Query, tk ticket.Ticket) bool {
	return (q.Tier == "" || tk.Tier == q.Tier) && (q.CompanyID == 0 || tk.CompanyID == q.CompanyID)
}

// expectedSLA is the SLA report of q over tickets, as its Store
// documents it.
func expectedSLA(q report.Query, tickets []ticket.Ticket) report.SLA {
	months, tiers, cos := map[string]*report.Attainment{}, map[string]*report.Attainment{}, map[string]*report.Attainment{}
	add := func(m map[string]*report.Attainment, key string, tk ticket.Ticket) {
		a := m[key]
		if a == nil {
			a = &report.Attainment{Key: key}
			m[key] = a
		}
		a.Tickets++
		a.First.Count(tk.FirstResponseOutcome(q.Now))
		a.Res.Count(tk.ResolutionOutcome(q.Now))
	}
	for _, tk := range tickets {
		if !tk.Covered || tk.Tier == "" || tk.CreatedAt.Before(q.From) || !tk.CreatedAt.Before(q.To) || !reportKept(q, tk) {
			continue
		}
		add(months, tk.CreatedAt.In(q.Zone).Format("2006-01"), tk)
		add(tiers, tk.Tier, tk)
		add(cos, strconv.FormatInt(tk.CompanyID, 10), tk)
	}
	return report.SLA{ByMonth: report.Groups(months, report.ByKey), ByTier: report.Groups(tiers, report.ByKey),
		Companies: len(cos), ByCompany: report.Groups(cos, report.ByTickets)}
}

// withoutLabels drops the companies' names, which expectedSLA does not
// know, and writes empty groups as empty lists.
func withoutLabels(s report.SLA) report.SLA {
	clean := func(as []report.Attainment) []report.Attainment {
		out := []report.Attainment{}
		for _, a := range as {
			a.Label = ""
			out = append(out, a)
		}
		return out
	}
	return report.SLA{ByMonth: clean(s.ByMonth), ByTier: clean(s.ByTier), ByCompany: clean(s.ByCompany),
		Companies: s.Companies}
}

// expectedCSAT is the satisfaction report of q over tickets: the ratings
// last changed in the period, by month.
func expectedCSAT(q report.Query, tickets []ticket.Ticket) report.CSAT {
	by := map[string]*report.Ratings{}
	for _, tk := range tickets {
		r := tk.Rating
		if r.Score == 0 || r.At.Before(q.From) || !r.At.Before(q.To) || !reportKept(q, tk) {
			continue
		}
		key := r.At.In(q.Zone).Format("2006-01")
		if by[key] == nil {
			by[key] = &report.Ratings{Key: key}
		}
		by[key].Score[r.Score-1]++
	}
	var out report.CSAT
	for _, r := range by {
		out.Months = append(out.Months, *r)
	}
	slices.SortFunc(out.Months, func(a, b report.Ratings) int { return cmp.Compare(a.Key, b.Key) })
	return out
}
