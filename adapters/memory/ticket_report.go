package memory

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"supportal/domain/ticket"
	"supportal/domain/ticket/report"
)

var _ report.Store = (*TicketStore)(nil)

// reportKeeps tells whether t passes the query's tier and company filters.
func reportKeeps(q report.Query, t ticket.Ticket) bool {
	return (q.Tier == "" || t.Tier == q.Tier) && (q.CompanyID == 0 || t.CompanyID == q.CompanyID)
}

// Backlog counts the open tickets by status, priority and age at q.Now.
func (s *TicketStore) Backlog(_ context.Context, q report.Query) (report.Backlog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	status, prio, age := map[string]int{}, map[string]int{}, map[string]int{}
	var b report.Backlog
	for _, t := range s.st.tickets {
		if !t.Open() || !reportKeeps(q, t) {
			continue
		}
		b.Total++
		status[string(t.Status)]++
		prio[strconv.Itoa(int(t.Priority))]++
		age[report.AgeBucket(q.Now.Sub(t.CreatedAt))]++
	}
	b.ByStatus, b.ByPriority, b.Age = report.CountsOf(status), report.CountsOf(prio), report.CountsOf(age)
	return b, nil
}

// SLA judges the covered tickets created in the period at q.Now, by month
// of creation, tier and company.
func (s *TicketStore) SLA(_ context.Context, q report.Query) (report.SLA, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	months, tiers, cos := map[string]*report.Attainment{}, map[string]*report.Attainment{}, map[string]*report.Attainment{}
	add := func(m map[string]*report.Attainment, key, label string, t ticket.Ticket) {
		a := m[key]
		if a == nil {
			a = &report.Attainment{Key: key, Label: label}
			m[key] = a
		}
		a.Tickets++
		a.Label = max(a.Label, label) // a renamed company: the greatest of its names
		a.First.Count(t.FirstResponseOutcome(q.Now))
		a.Res.Count(t.ResolutionOutcome(q.Now))
	}
	for _, t := range s.st.tickets {
		if !t.Covered || t.CreatedAt.Before(q.From) || !t.CreatedAt.Before(q.To) || !reportKeeps(q, t) {
			continue
		}
		add(months, t.CreatedAt.In(q.Zone).Format("2006-01"), "", t)
		add(tiers, t.Tier, "", t)
		add(cos, strconv.FormatInt(t.CompanyID, 10), t.CompanyName, t)
	}
	out := report.SLA{ByMonth: report.Groups(months, report.ByKey), ByTier: report.Groups(tiers, report.ByKey),
		ByCompany: report.Groups(cos, report.ByTickets)}
	out.Companies = len(out.ByCompany)
	if q.Companies > 0 && len(out.ByCompany) > q.Companies {
		out.ByCompany = out.ByCompany[:q.Companies]
	}
	return out, nil
}

// CSAT counts the ratings last changed in the period, by month.
func (s *TicketStore) CSAT(_ context.Context, q report.Query) (report.CSAT, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	by := map[string]*report.Ratings{}
	for _, t := range s.st.tickets {
		r := t.Rating
		if r.Score < 1 || r.Score > 5 || r.At.Before(q.From) || !r.At.Before(q.To) || !reportKeeps(q, t) {
			continue
		}
		k := r.At.In(q.Zone).Format("2006-01")
		if by[k] == nil {
			by[k] = &report.Ratings{Key: k}
		}
		by[k].Score[r.Score-1]++
	}
	var out report.CSAT
	for _, r := range by {
		out.Months = append(out.Months, *r)
	}
	slices.SortFunc(out.Months, func(a, b report.Ratings) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}
