package memory

import (
	"context"
	"slices"
	"strings"
	"sync"

	"supportal/domain/ticket/sla"
)

// SLAStore keeps the SLA settings in memory.
type SLAStore struct {
	mu sync.Mutex
	p  sla.Policy
}

var _ sla.Store = (*SLAStore)(nil)

// NewSLAStore returns a store holding p (each calendar and tier at version
// 1 when p gives none).
func NewSLAStore(p sla.Policy) *SLAStore {
	p = clonePolicy(p)
	for i := range p.Calendars {
		p.Calendars[i].Version = max(p.Calendars[i].Version, 1)
	}
	for i := range p.Tiers {
		p.Tiers[i].Version = max(p.Tiers[i].Version, 1)
	}
	return &SLAStore{p: p}
}

// NewSLATx returns the settings' unit-of-work runner over s and audit.
func NewSLATx(s *SLAStore, audit *Audit) *TxRunner[sla.Stores] {
	return newTxRunner(sla.Stores{Settings: s, Audit: audit}, s, audit)
}

func clonePolicy(p sla.Policy) sla.Policy {
	out := sla.Policy{Tiers: slices.Clone(p.Tiers), Rules: slices.Clone(p.Rules)}
	for _, c := range p.Calendars {
		out.Calendars = append(out.Calendars, cloneCalendar(c))
	}
	return out
}

// cloneCalendar copies the exported fields of c (not its compiled state).
func cloneCalendar(c sla.Calendar) sla.Calendar {
	out := sla.Calendar{Code: c.Code, Name: c.Name, Zone: c.Zone, Always: c.Always, MakeupDay: c.MakeupDay,
		Days: slices.Clone(c.Days), Version: c.Version}
	for d, ws := range c.Week {
		out.Week[d] = slices.Clone(ws)
	}
	return out
}

// Policy returns a copy of the settings, the rules by prefix.
func (s *SLAStore) Policy(context.Context) (sla.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := clonePolicy(s.p)
	slices.SortFunc(p.Rules, func(a, b sla.Rule) int { return strings.Compare(a.Prefix, b.Prefix) })
	return p, nil
}

// SaveCalendar replaces the calendar with c's code.
func (s *SLAStore) SaveCalendar(_ context.Context, c sla.Calendar) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.p.Calendars, func(x sla.Calendar) bool { return x.Code == c.Code })
	if i < 0 {
		return sla.ErrNotFound
	}
	if s.p.Calendars[i].Version != c.Version {
		return sla.ErrStale
	}
	c = cloneCalendar(c)
	c.Version++
	s.p.Calendars[i] = c
	return nil
}

// SaveTier replaces the tier with t's code (its name stays).
func (s *SLAStore) SaveTier(_ context.Context, t sla.Tier) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.p.Tiers, func(x sla.Tier) bool { return x.Code == t.Code })
	if i < 0 {
		return sla.ErrNotFound
	}
	if s.p.Tiers[i].Version != t.Version {
		return sla.ErrStale
	}
	if !slices.ContainsFunc(s.p.Calendars, func(c sla.Calendar) bool { return c.Code == t.Calendar }) {
		return sla.ErrNotFound
	}
	t.Name = s.p.Tiers[i].Name
	t.Version++
	s.p.Tiers[i] = t
	return nil
}

// SaveRules replaces the SKU rules.
func (s *SLAStore) SaveRules(_ context.Context, rules []sla.Rule) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rules {
		if r.Tier != "" && !slices.ContainsFunc(s.p.Tiers, func(t sla.Tier) bool { return t.Code == r.Tier }) {
			return sla.ErrNotFound
		}
	}
	s.p.Rules = slices.Clone(rules)
	return nil
}

// snapshot copies the settings for a unit of work to put back.
func (s *SLAStore) snapshot() func() {
	s.mu.Lock()
	saved := clonePolicy(s.p)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.p = saved
		s.mu.Unlock()
	}
}
