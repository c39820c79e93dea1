package ticket

import "time"

// Outcome is where one SLA metric of a ticket stands for the reports.
type Outcome int

// The outcomes of a metric.
const (
	// OutcomeNone: the ticket has no target for the metric (uncovered).
	OutcomeNone Outcome = iota
	// OutcomePending: the target is neither met nor breached yet.
	OutcomePending
	// OutcomeMet: the metric was met in time.
	OutcomeMet
	// OutcomeBreached: the metric was met late, or its due time passed.
	OutcomeBreached
)

// FirstResponseOutcome returns the first-response outcome at now from the
// stored result of the clocks (service.go's clocks stores it on every
// event): the breach known then, or, while the clock still runs (open, no
// public staff reply yet), its due time passing. It agrees with the
// Breached and Met of the Clocks' State at now.
func (t Ticket) FirstResponseOutcome(now time.Time) Outcome {
	running := t.Open() && t.FirstResponseAt.IsZero()
	return outcome(t.Covered, t.FirstResponseDue, t.FirstResponseBreached, running, !t.FirstResponseAt.IsZero(), now)
}

// ResolutionOutcome returns the resolution outcome at now, as
// FirstResponseOutcome does: the clock runs while the ticket is 新建 or
// 处理中 (待客户反馈 pauses it) and is met when the ticket is resolved or
// closed.
func (t Ticket) ResolutionOutcome(now time.Time) Outcome {
	running := t.Status == StatusNew || t.Status == StatusInProgress
	return outcome(t.Covered, t.ResolutionDue, t.ResolutionBreached, running, !t.Open(), now)
}

// outcome decides one metric: breached when the stored result says so or a
// running clock's due time has passed; met when the metric was reached
// under a target; pending otherwise.
func outcome(covered bool, due time.Time, breached, running, reached bool, now time.Time) Outcome {
	switch {
	case !covered:
		return OutcomeNone
	case breached || running && !due.IsZero() && now.After(due):
		return OutcomeBreached
	case reached && !due.IsZero():
		return OutcomeMet
	case due.IsZero() && !running && !reached:
		return OutcomePending // paused
	case due.IsZero():
		return OutcomeNone
	}
	return OutcomePending
}
