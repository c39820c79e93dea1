package sla

import (
	"strconv"
	"time"

	"supportal/domain/ticket"
)

// interval is a stretch of time during which a clock ran.
type interval struct{ from, to time.Time }

// clock is one metric while the history is replayed: the intervals it ran,
// whether it runs now (since from), and when it was met.
type clock struct {
	started  bool // the metric has begun (a next response: since a customer message)
	pausable bool // 待客户反馈 pauses it
	runs     []interval
	running  bool
	from     time.Time
	met      bool
	metAt    time.Time
	target   time.Duration // 0: no target
}

// want tells whether the clock should run under status s.
func (c *clock) want(s ticket.Status) bool {
	return c.started && !c.met && s.Open() && !(c.pausable && s == ticket.StatusWaiting)
}

// settle starts or stops the clock at x to match status s.
func (c *clock) settle(s ticket.Status, x time.Time) {
	switch w := c.want(s); {
	case w && !c.running:
		c.running, c.from = true, x
	case !w && c.running:
		c.stop(x)
	}
}

func (c *clock) stop(x time.Time) {
	if c.running {
		c.runs = append(c.runs, interval{c.from, x})
		c.running = false
	}
}

// meet marks the metric met at x.
func (c *clock) meet(x time.Time) {
	c.stop(x)
	c.met, c.metAt = true, x
}

// target returns the clock as the port reports it, at now.
func (c *clock) report(cal *Calendar, paused bool, now time.Time) ticket.Target {
	if !c.started || c.target <= 0 {
		return ticket.Target{}
	}
	runs := c.runs
	if c.running {
		runs = append(runs[:len(runs):len(runs)], interval{c.from, now})
	}
	var used time.Duration
	var due time.Time
	for _, r := range runs {
		n := cal.Working(r.from, r.to)
		if due.IsZero() && used+n >= c.target {
			due = cal.Add(r.from, c.target-used)
		}
		used += n
	}
	out := ticket.Target{Running: c.running, Met: c.met, MetAt: c.metAt, Remaining: c.target - used}
	switch {
	case !due.IsZero():
		out.Due = due
	case c.running:
		out.Due = cal.Add(c.from, c.target-(used-cal.Working(c.from, now)))
	case c.met && len(c.runs) > 0:
		// Met early: when it would have been due.
		out.Due = cal.Add(c.runs[len(c.runs)-1].to, c.target-used)
	}
	out.Paused = paused
	switch {
	case c.met:
		out.Breached = !out.Due.IsZero() && c.metAt.After(out.Due)
	default:
		out.Breached = !out.Due.IsZero() && now.After(out.Due)
	}
	if paused {
		out.Due = time.Time{}
	}
	return out
}

// Clocks computes the three clocks of a ticket of tier (on calendar cal) at
// now from its history, oldest first (events after now are ignored):
//   - first response runs from creation to the first public staff reply;
//   - next response runs from a customer message, once the first response
//     was given, to the next public staff reply (a later customer message
//     does not restart a running one);
//   - resolution runs from creation to resolution (or closing); a reopen
//     continues it with the time already used.
//
// 待客户反馈 pauses next response and resolution; a resolved or closed
// ticket stops every clock. A priority change re-targets the clocks not
// yet met, keeping the time used. NextDue is the soonest due time of the
// running clocks.
func Clocks(tier Tier, cal *Calendar, t ticket.Ticket, history []ticket.Event, now time.Time) ticket.SLAState {
	created := t.CreatedAt
	prio := t.Priority
	for _, e := range history {
		if e.Kind == ticket.EventCreated && created.IsZero() {
			created = e.At
		}
		if e.Kind == ticket.EventPriority {
			if p, err := strconv.Atoi(e.From); err == nil {
				prio = ticket.Priority(p)
			}
			break
		}
	}
	first := &clock{started: true}
	next := &clock{pausable: true}
	res := &clock{started: true, pausable: true}
	retarget := func() {
		tg := tier.For(prio)
		for _, x := range []struct {
			c *clock
			s Span
		}{{first, tg.FirstResponse}, {next, tg.NextResponse}, {res, tg.Resolution}} {
			if !x.c.met {
				x.c.target = x.s.On(cal)
			}
		}
	}
	retarget()
	status := ticket.StatusNew
	all := []*clock{first, next, res}
	for _, c := range all {
		c.settle(status, created)
	}
	for _, e := range history {
		x := e.At
		if x.Before(created) || x.After(now) {
			continue
		}
		switch e.Kind {
		case ticket.EventStatus:
			was := status
			status = ticket.Status(e.To)
			if !status.Open() && !res.met {
				res.meet(x)
			} else if status.Open() && !was.Open() && res.met {
				res.met, res.metAt = false, time.Time{} // reopened: continue
				retarget()
			}
			if !status.Open() && next.started && !next.met {
				next.stop(x)
				next.started = false // the cycle ends without a reply
			}
		case ticket.EventPriority:
			if p, err := strconv.Atoi(e.To); err == nil && ticket.Priority(p).Valid() {
				prio = ticket.Priority(p)
			}
			retarget()
		case ticket.EventStaffReply:
			if !first.met {
				first.meet(x)
			}
			if next.started && !next.met {
				next.meet(x)
			}
		case ticket.EventCustomerReply:
			if first.met && (!next.started || next.met) {
				*next = clock{started: true, pausable: true}
				retarget()
			}
		}
		for _, c := range all {
			c.settle(status, x)
		}
	}
	waiting := status == ticket.StatusWaiting
	st := ticket.SLAState{
		FirstResponse: first.report(cal, false, now),
		NextResponse:  next.report(cal, waiting && next.started && !next.met, now),
		Resolution:    res.report(cal, waiting && !res.met, now),
	}
	for _, tg := range []ticket.Target{st.FirstResponse, st.NextResponse, st.Resolution} {
		if tg.Running && !tg.Due.IsZero() && (st.NextDue.IsZero() || tg.Due.Before(st.NextDue)) {
			st.NextDue = tg.Due
		}
	}
	return st
}
