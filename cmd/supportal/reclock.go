package main

import (
	"context"
	"time"
)

// reclockBatch is how many tickets reclock recomputes at a time.
const reclockBatch = 200

// reclock recomputes, once at start-up, the SLA results of the covered
// tickets stored before migration 00024 kept them, so that the reports
// count them as their pages show them. Each ticket is recomputed under its
// lock; several instances doing it at once recompute some tickets twice,
// with the same result. It stops at the first failure (logged): the next
// start goes on.
func (a *app) reclock(ctx context.Context) {
	start, total := time.Now(), 0
	for ctx.Err() == nil {
		ids, err := a.ticketReports.Unclocked(ctx, reclockBatch)
		if err == nil && len(ids) > 0 {
			var n int
			n, err = a.ticket.Reclock(ctx, ids)
			total += n
		}
		if err != nil {
			if ctx.Err() == nil {
				a.log.Error("tickets: SLA results not recomputed", "err", err, "recomputed", total)
			}
			return
		}
		if len(ids) < reclockBatch {
			break
		}
	}
	if total > 0 {
		a.log.Info("tickets: SLA results recomputed", "tickets", total, "took", time.Since(start).Round(time.Millisecond))
	}
}
