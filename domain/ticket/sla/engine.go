package sla

import (
	"context"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// Policies gives the Engine the current SLA configuration (the settings
// store). Policy returns the calendars, tiers and rules as stored.
type Policies interface {
	Policy(ctx context.Context) (Policy, error)
}

// Engine computes entitlement and SLA clocks under the stored configuration;
// it satisfies ticket.Clocks. It keeps the configuration it read until
// Reload, which the settings Service calls after every change.
type Engine struct {
	src Policies
	mu  sync.Mutex
	cur *Policy
}

var _ ticket.Clocks = (*Engine)(nil)

// NewEngine returns an Engine over the configuration src gives.
func NewEngine(src Policies) *Engine { return &Engine{src: src} }

// Reload drops the configuration read so far: the next computation reads
// it again.
func (e *Engine) Reload() {
	e.mu.Lock()
	e.cur = nil
	e.mu.Unlock()
}

// Policy returns the configuration in force (a shared value: do not change
// it).
func (e *Engine) Policy(ctx context.Context) (*Policy, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur != nil {
		return e.cur, nil
	}
	p, err := e.src.Policy(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.compile(); err != nil {
		return nil, domain.Wrap(err)
	}
	e.cur = &p
	return e.cur, nil
}

// lineZone is the zone of the service lines' dates (the warranty module's
// DefaultZone): a line runs from its start date to its end date, both
// inclusive, in Asia/Shanghai.
var lineZone = mustZone(DefaultZone)

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}

// Active tells whether a service line is active at at: on the calendar day
// of at in Asia/Shanghai, between its start and end dates (inclusive).
func Active(l ticket.Line, at time.Time) bool {
	y, m, d := at.In(lineZone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	start := time.Date(l.Start.Year(), l.Start.Month(), l.Start.Day(), 0, 0, 0, 0, time.UTC)
	end := time.Date(l.End.Year(), l.End.Month(), l.End.Day(), 0, 0, 0, 0, time.UTC)
	return !today.Before(start) && !today.After(end)
}

// Entitle returns the best tier of the lines active at at; with none (or
// only lines that grant no tier) the ticket is uncovered, and LastEnd is
// the end of the latest line.
func (e *Engine) Entitle(ctx context.Context, lines []ticket.Line, at time.Time) (ticket.Entitlement, error) {
	p, err := e.Policy(ctx)
	if err != nil {
		return ticket.Entitlement{}, err
	}
	var out ticket.Entitlement
	var best *Tier
	for _, l := range lines {
		if l.End.After(out.LastEnd) {
			out.LastEnd = l.End
		}
		if !Active(l, at) {
			continue
		}
		if t, ok := p.TierOf(l.SKU); ok && (best == nil || t.Rank > best.Rank) {
			best = t
		}
	}
	if best != nil {
		out.Covered, out.Tier, out.TierName = true, best.Code, best.Name
	}
	return out, nil
}

// State returns the clocks of t at now from its history (oldest first),
// under t's tier as the ticket recorded it: the tier stays when the line
// that gave it ends while the ticket is open. An uncovered ticket, or one
// whose tier no longer exists, has no clocks.
func (e *Engine) State(ctx context.Context, t ticket.Ticket, history []ticket.Event, now time.Time) (ticket.SLAState, error) {
	if !t.Covered || t.Tier == "" {
		return ticket.SLAState{}, nil
	}
	p, err := e.Policy(ctx)
	if err != nil {
		return ticket.SLAState{}, err
	}
	tier, ok := p.Tier(t.Tier)
	if !ok {
		return ticket.SLAState{}, nil
	}
	cal, ok := p.Calendar(tier.Calendar)
	if !ok {
		return ticket.SLAState{}, nil
	}
	return Clocks(*tier, cal, t, history, now), nil
}

// Remaining returns the working time of tier's calendar from now to due,
// negative once due has passed (a 24×7 calendar gives the wall-clock time);
// an unknown tier gives the wall-clock time.
func (e *Engine) Remaining(ctx context.Context, tier string, now, due time.Time) (time.Duration, error) {
	p, err := e.Policy(ctx)
	if err != nil {
		return 0, err
	}
	tr, ok := p.Tier(tier)
	if !ok {
		return due.Sub(now), nil
	}
	cal, ok := p.Calendar(tr.Calendar)
	if !ok {
		return due.Sub(now), nil
	}
	if due.Before(now) {
		return -cal.Working(due, now), nil
	}
	return cal.Working(now, due), nil
}
