package ticket

import (
	"context"
	"time"
)

// Scheduler runs the timed rules of a service at a fixed interval. Several
// schedulers, in several instances of the server, may run over one
// database: each rule claims its tickets one at a time (see Timers), so
// every due ticket is handled once.
type Scheduler struct {
	svc   *Service
	every time.Duration
}

// NewScheduler returns the scheduler of svc's timed rules, run every every
// (a minute when zero or negative).
func NewScheduler(svc *Service, every time.Duration) *Scheduler {
	if every <= 0 {
		every = time.Minute
	}
	return &Scheduler{svc: svc, every: every}
}

// Run applies the timed rules at once and then every interval, until ctx
// ends; a run in progress when ctx ends stops after its current ticket.
// Failures are logged; the next run tries again.
func (sc *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(sc.every)
	defer t.Stop()
	log := sc.svc.d.Log
	for {
		r, err := sc.svc.RunTimers(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("ticket timers failed", "err", err)
		}
		if r.Total() > 0 {
			log.Info("ticket timers", "closed", r.Closed, "resolved", r.Resolved, "reminded", r.Reminded, "warned", r.Warned)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
