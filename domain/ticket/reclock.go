package ticket

import (
	"context"
	"fmt"

	"supportal/domain"
)

// Reclock recomputes the SLA targets and results of the tickets ids from
// their whole histories and stores them, each in its own unit of work
// under its lock, as Retarget does for the open tickets; a ticket that no
// longer exists is skipped. It serves tickets stored before their results
// were kept (the reports read them). It returns how many it recomputed.
func (s *Service) Reclock(ctx context.Context, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		err := s.d.Tx.InTx(ctx, func(st Stores) error {
			_, err := st.Tickets.Retime(ctx, id, func(cur *Ticket) error {
				hist, err := st.Threads.Events(ctx, cur.ID)
				if err != nil {
					return err
				}
				return s.clocks(ctx, cur, hist, s.now())
			})
			return err
		})
		if err != nil && domain.KindOf(err) == domain.NotFound {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("ticket: reclock %d: %w", id, err)
		}
		n++
	}
	return n, nil
}
