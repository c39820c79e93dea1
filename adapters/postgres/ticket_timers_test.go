package postgres

import (
	"testing"

	"supportal/adapters/storetest"
)

// TestTicketTimers runs the timed rules' claims on PostgreSQL, as
// adapters/memory runs them in memory.
func TestTicketTimers(t *testing.T) {
	storetest.TicketTimers(t, func(t *testing.T) storetest.TimerBackend {
		db := migrated(t)
		return storetest.TimerBackend{TicketBackend: ticketBackend(db), Timers: NewTicketStore(db)}
	})
}
