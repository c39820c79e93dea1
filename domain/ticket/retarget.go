package ticket

import (
	"context"
	"fmt"
)

// retargetPage is how many open tickets Retarget reads at a time.
const retargetPage = 200

// Retarget recomputes the SLA targets of every open, covered ticket under
// the tiers and calendars the Clocks apply now, after an admin changed
// them, so that the queue's order follows the new settings. Each ticket is
// recomputed in its own unit of work, under its lock, from its whole
// history; its version and activity time are kept (Tickets.Retime), so a
// page loaded before the change still saves. It returns how many tickets
// it recomputed.
func (s *Service) Retarget(ctx context.Context) (int, error) {
	f := Filter{Statuses: []Status{StatusNew, StatusInProgress, StatusWaiting}, Covered: new(true),
		Sort: SortActivity, Limit: retargetPage}
	n := 0
	for {
		rows, _, err := s.d.Tickets.List(ctx, f, 1)
		if err != nil {
			return n, fmt.Errorf("ticket: retarget: %w", err)
		}
		for _, t := range rows {
			err := s.d.Tx.InTx(ctx, func(st Stores) error {
				_, err := st.Tickets.Retime(ctx, t.ID, func(cur *Ticket) error {
					hist, err := st.Threads.Events(ctx, cur.ID)
					if err != nil {
						return err
					}
					return s.clocks(ctx, cur, hist, s.now())
				})
				return err
			})
			if err != nil {
				return n, fmt.Errorf("ticket: retarget %s: %w", t.Number, err)
			}
			n++
		}
		if len(rows) < retargetPage {
			return n, nil
		}
		f.Offset += retargetPage
	}
}
