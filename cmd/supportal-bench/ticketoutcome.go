package main

import (
	"math/rand/v2"
	"time"

	"supportal/domain/ticket"
)

// outcomes sets what the reports read of a generated ticket: the results
// of its SLA clocks as the service stores them (whether the first response
// and the resolution were breached, the resolution's due time) and, for
// some resolved and closed tickets, the customer's rating. They come from
// a generator of the ticket's own (seed and id), so that the rest of the
// data set is the same as without them.
func (g *TicketGen) outcomes(t *GenTicket) {
	if !t.Covered && !(t.Status == ticket.StatusResolved || t.Status == ticket.StatusClosed) {
		return
	}
	rng := rand.New(rand.NewPCG(g.spec.Seed^0x5e1f, uint64(t.ID)))
	day := 24 * time.Hour
	if t.Covered {
		t.FirstResponseBreached = !t.FirstResponseDue.IsZero() &&
			(t.FirstResponseAt.After(t.FirstResponseDue) || t.FirstResponseAt.IsZero() && g.spec.Now.After(t.FirstResponseDue))
		// Resolution targets from 8 hours to 10 days, most met.
		target := time.Duration(8+rng.IntN(232)) * time.Hour
		switch t.Status {
		case ticket.StatusResolved, ticket.StatusClosed:
			t.ResolutionDue = t.CreatedAt.Add(target)
			t.ResolutionBreached = t.ResolvedAt.After(t.ResolutionDue)
		case ticket.StatusWaiting: // paused: no due time; breached before the pause for some
			t.ResolutionBreached = rng.IntN(5) == 0
		default:
			t.ResolutionDue = t.CreatedAt.Add(target)
			if t.ResolutionDue.Before(g.spec.Now) {
				t.ResolutionBreached = true
			}
		}
	}
	if (t.Status == ticket.StatusResolved || t.Status == ticket.StatusClosed) && rng.IntN(10) < 4 {
		at := t.ResolvedAt.Add(time.Duration(rng.Int64N(int64(3 * day)))).Truncate(time.Second)
		if at.After(g.spec.Now) {
			at = g.spec.Now
		}
		t.Rating = ticket.Rating{Score: 5 - weighted(rng, 45, 30, 12, 6, 7), ByID: t.OpenedBy, ByName: t.OpenedByName,
			FirstAt: at, At: at}
	}
}

// rating is a score for COPY: NULL when the ticket is not rated.
func rating(score int) any {
	if score == 0 {
		return nil
	}
	return score
}
