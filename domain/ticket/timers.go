package ticket

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Timing are the intervals of the timed rules (§4.5, §4.7), in calendar
// time.
type Timing struct {
	// CloseAfter: a resolved ticket without a customer reply closes itself
	// this long after its resolution (7 days).
	CloseAfter time.Duration
	// RemindAfter: a ticket waiting for the customer (待客户反馈) gets a
	// reminder email this long after it moved to waiting (3 days).
	RemindAfter time.Duration
	// ResolveAfter: a ticket waiting for the customer is resolved this long
	// after it moved to waiting (10 days).
	ResolveAfter time.Duration
	// WarnBefore: the assignee, or the agents, are warned this long before a
	// first-response breach (30 minutes).
	WarnBefore time.Duration
}

// DefaultTiming are the intervals of SPEC §4.5 and §4.7.
var DefaultTiming = Timing{CloseAfter: 7 * 24 * time.Hour, RemindAfter: 3 * 24 * time.Hour,
	ResolveAfter: 10 * 24 * time.Hour, WarnBefore: 30 * time.Minute}

// withDefaults returns the timing with every zero or negative interval
// taken from DefaultTiming.
func (t Timing) withDefaults() Timing {
	def := DefaultTiming
	for _, p := range []struct{ v, d *time.Duration }{{&t.CloseAfter, &def.CloseAfter},
		{&t.RemindAfter, &def.RemindAfter}, {&t.ResolveAfter, &def.ResolveAfter}, {&t.WarnBefore, &def.WarnBefore}} {
		if *p.v <= 0 {
			*p.v = *p.d
		}
	}
	return t
}

// The notices of the timed rules.
const (
	NoticeReminder      = "ticket_reminder"       // to the customers: still waiting for your reply
	NoticeAutoResolved  = "ticket_auto_resolved"  // to the customers: resolved after their silence
	NoticeAutoClosed    = "ticket_auto_closed"    // to the customers: closed after its resolution
	NoticeBreachWarning = "ticket_breach_warning" // to the assignee or the agents: first response due soon
)

// TimerRun counts the tickets one run of the timed rules handled.
type TimerRun struct {
	Closed, Resolved, Reminded, Warned int
}

// Total is the number of tickets the run handled.
func (r TimerRun) Total() int { return r.Closed + r.Resolved + r.Reminded + r.Warned }

// timerBatch bounds the tickets one rule handles in one run, so that a run
// ends and the next one goes on.
const timerBatch = 1000

// errNotDue ends a unit of work whose claimed ticket the domain's rule does
// not find due: the store's claim and the rule disagree.
var errNotDue = errors.New("ticket: claimed ticket is not due")

// RunTimers applies the timed rules once to every ticket due now, one
// ticket per unit of work: resolved tickets close, waiting tickets are
// resolved or reminded, and first responses about to breach are warned of.
// Each change is in the ticket's history as the system's and audited; each
// email goes through the outbox in its recipient's language, once. A
// ticket a rule fails on is left as it was and passed over for the rest of
// the run (see timed); the other rules still run, and the errors are
// returned together.
func (s *Service) RunTimers(ctx context.Context) (TimerRun, error) {
	now, tm := s.now(), s.d.Timing
	var r TimerRun
	var errs []error
	for _, rule := range []struct {
		name  string
		count *int
		one   func(ctx context.Context, st Stores, skip []int64) (int64, error)
	}{
		{"close", &r.Closed, func(ctx context.Context, st Stores, skip []int64) (int64, error) {
			return s.closeResolved(ctx, st, now, now.Add(-tm.CloseAfter), skip)
		}},
		{"resolve", &r.Resolved, func(ctx context.Context, st Stores, skip []int64) (int64, error) {
			return s.resolveWaiting(ctx, st, now, now.Add(-tm.ResolveAfter), skip)
		}},
		{"remind", &r.Reminded, func(ctx context.Context, st Stores, skip []int64) (int64, error) {
			return s.remindWaiting(ctx, st, now, now.Add(-tm.RemindAfter), skip)
		}},
		{"warn", &r.Warned, func(ctx context.Context, st Stores, skip []int64) (int64, error) {
			return s.warnBreach(ctx, st, now, now.Add(tm.WarnBefore), skip)
		}},
	} {
		n, err := s.timed(ctx, rule.one)
		*rule.count = n
		if err != nil {
			errs = append(errs, fmt.Errorf("ticket timers: %s: %w", rule.name, err))
		}
	}
	return r, errors.Join(errs...)
}

// timed runs one rule in units of work of one ticket each until no ticket
// is due (one claims none) or timerBatch tickets were handled. A unit of
// work that fails on its ticket is rolled back and the rule goes on with
// the next ticket, passing over the failed ones for the rest of the run, so
// that one ticket the rule cannot handle does not hold the others back; it
// gives up for this run after maxTimerFailures of them, or when a claim
// itself fails. The failures are returned together.
func (s *Service) timed(ctx context.Context, one func(context.Context, Stores, []int64) (int64, error)) (int, error) {
	n := 0
	var skip []int64
	var errs []error
	for n < timerBatch {
		if err := ctx.Err(); err != nil {
			return n, errors.Join(append(errs, err)...)
		}
		var id int64
		err := s.d.Tx.InTx(ctx, func(st Stores) error {
			var err error
			id, err = one(ctx, st, skip)
			return err
		})
		switch {
		case err != nil && id != 0:
			errs = append(errs, fmt.Errorf("ticket %d: %w", id, err))
			if skip = append(skip, id); len(skip) >= maxTimerFailures {
				return n, errors.Join(errs...)
			}
		case err != nil:
			return n, errors.Join(append(errs, err)...)
		case id == 0:
			return n, errors.Join(errs...)
		default:
			n++
		}
	}
	return n, errors.Join(errs...)
}

// maxTimerFailures is how many tickets one rule may fail on in one run
// before it gives up until the next run.
const maxTimerFailures = 20

// closeResolved closes a ticket resolved at or before before (已解决 →
// 已关闭); the customers are told.
func (s *Service) closeResolved(ctx context.Context, st Stores, now, before time.Time, skip []int64) (int64, error) {
	t, ok, err := st.Timers.ClaimToClose(ctx, before, skip)
	if err != nil || !ok {
		return 0, err
	}
	resolved := t.ResolvedAt
	err = s.systemMove(ctx, st, t.ID, now, StatusClosed, NoticeAutoClosed, func(t Ticket) bool {
		return t.Status == StatusResolved && !t.ResolvedAt.IsZero() && !t.ResolvedAt.After(before)
	}, map[string]any{"ResolvedTime": rfc3339(resolved)})
	return t.ID, err
}

// resolveWaiting resolves a ticket waiting for the customer since at or
// before before (待客户反馈 → 已解决); the customers are told, with the time
// it closes unless they reply.
func (s *Service) resolveWaiting(ctx context.Context, st Stores, now, before time.Time, skip []int64) (int64, error) {
	t, ok, err := st.Timers.ClaimToResolve(ctx, before, skip)
	if err != nil || !ok {
		return 0, err
	}
	since, err := s.waitingSince(ctx, st, t)
	if err != nil {
		return t.ID, err
	}
	err = s.systemMove(ctx, st, t.ID, now, StatusResolved, NoticeAutoResolved, func(t Ticket) bool {
		return t.Status == StatusWaiting && !since.IsZero() && !since.After(before)
	}, map[string]any{"WaitingTime": rfc3339(since), "CloseTime": rfc3339(now.Add(s.d.Timing.CloseAfter))})
	return t.ID, err
}

// remindWaiting reminds the customers of a ticket waiting for them since at
// or before before, once per wait, with the time it is resolved unless they
// reply.
func (s *Service) remindWaiting(ctx context.Context, st Stores, now, before time.Time, skip []int64) (int64, error) {
	t, ok, err := st.Timers.ClaimToRemind(ctx, before, skip)
	if err != nil || !ok {
		return 0, err
	}
	since, err := s.waitingSince(ctx, st, t)
	if err != nil {
		return t.ID, err
	}
	if t.Status != StatusWaiting || since.IsZero() || since.After(before) {
		return t.ID, errNotDue
	}
	extra := map[string]any{"WaitingTime": rfc3339(since), "ResolveTime": rfc3339(since.Add(s.d.Timing.ResolveAfter))}
	if err := s.notifyCustomers(ctx, st, t, NoticeReminder, now, 0, extra); err != nil {
		return t.ID, err
	}
	if err := st.Timers.Reminded(ctx, t.ID, now); err != nil {
		return t.ID, err
	}
	return t.ID, audit(ctx, st, "ticket_reminder", 0, now, t.Number)
}

// warnBreach warns the assignee, or every agent when the ticket has none,
// of a first response due after now and at or before until, once per
// ticket.
func (s *Service) warnBreach(ctx context.Context, st Stores, now, until time.Time, skip []int64) (int64, error) {
	t, ok, err := st.Timers.ClaimToWarn(ctx, now, until, skip)
	if err != nil || !ok {
		return 0, err
	}
	due := t.FirstResponseDue
	if !t.Open() || !t.Covered || !t.FirstResponseAt.IsZero() || due.IsZero() || !due.After(now) || due.After(until) {
		return t.ID, errNotDue
	}
	if err := s.notifyStaff(ctx, st, t, NoticeBreachWarning, now, nil); err != nil {
		return t.ID, err
	}
	if err := st.Timers.Warned(ctx, t.ID, now); err != nil {
		return t.ID, err
	}
	return t.ID, audit(ctx, st, "ticket_breach_warning", 0, now, t.Number+" due "+rfc3339(due))
}

// systemMove moves the claimed ticket to status to as the system, when due
// still finds it due, and sends the customers the notice of template.
func (s *Service) systemMove(ctx context.Context, st Stores, id int64, now time.Time, to Status, template string,
	due func(Ticket) bool, extra map[string]any) error {
	before, after, err := s.change(ctx, st, id, Loaded{}, now, func(t *Ticket) ([]Event, error) {
		if !due(*t) {
			return nil, errNotDue
		}
		if err := Move(*t, RoleSystem, to, now); err != nil {
			return nil, err
		}
		ev := Event{ActorRole: RoleSystem, Kind: EventStatus, From: string(t.Status), To: string(to)}
		setStatus(t, to, now)
		return []Event{ev}, nil
	})
	if err != nil {
		return err
	}
	if err := s.notifyCustomers(ctx, st, after, template, now, 0, extra); err != nil {
		return err
	}
	return audit(ctx, st, "ticket_status", 0, now, after.Number+" "+changeDetail(before, after))
}

// waitingSince returns when the ticket last moved to 待客户反馈 (zero:
// never).
func (s *Service) waitingSince(ctx context.Context, st Stores, t Ticket) (time.Time, error) {
	hist, err := st.Threads.Events(ctx, t.ID)
	if err != nil {
		return time.Time{}, err
	}
	return WaitingSince(hist), nil
}

// WaitingSince returns the time of the last move to 待客户反馈 in a
// ticket's history, oldest first (zero: none).
func WaitingSince(hist []Event) time.Time {
	for i := len(hist) - 1; i >= 0; i-- {
		if e := hist[i]; e.Kind == EventStatus && e.To == string(StatusWaiting) {
			return e.At
		}
	}
	return time.Time{}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
