package memory_test

import (
	"sync/atomic"
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

// TestTicketContract runs the ticket stores' contract on the memory store,
// as adapters/postgres runs it on PostgreSQL; accounts and companies are
// only ids here.
func TestTicketContract(t *testing.T) {
	storetest.Tickets(t, func(t *testing.T) storetest.TicketBackend {
		s := memory.NewTicketStore()
		var ids atomic.Int64
		return storetest.TicketBackend{
			Tickets: s,
			Threads: s,
			Ratings: s,
			Inbound: s,
			Customer: func(t *testing.T, companyID int64, name string) (int64, int64) {
				if companyID == 0 {
					companyID = ids.Add(1)
				}
				return companyID, ids.Add(1)
			},
			Agent: func(t *testing.T, name string) int64 { return ids.Add(1) },
		}
	})
}

// TestTicketTimersContract runs the timed rules' claims on the memory store.
func TestTicketTimersContract(t *testing.T) {
	storetest.TicketTimers(t, func(t *testing.T) storetest.TimerBackend {
		s := memory.NewTicketStore()
		var ids atomic.Int64
		return storetest.TimerBackend{Timers: s, TicketBackend: storetest.TicketBackend{
			Tickets: s,
			Threads: s,
			Ratings: s,
			Inbound: s,
			Customer: func(t *testing.T, companyID int64, name string) (int64, int64) {
				if companyID == 0 {
					companyID = ids.Add(1)
				}
				return companyID, ids.Add(1)
			},
			Agent: func(t *testing.T, name string) int64 { return ids.Add(1) },
		}}
	})
}

// TestTicketReportsContract runs the report queries' contract on the
// memory store.
func TestTicketReportsContract(t *testing.T) {
	storetest.TicketReports(t, func(t *testing.T) storetest.ReportBackend {
		s := memory.NewTicketStore()
		var ids atomic.Int64
		return storetest.ReportBackend{Reports: s, TicketBackend: storetest.TicketBackend{
			Tickets: s, Threads: s, Ratings: s,
			Customer: func(t *testing.T, companyID int64, name string) (int64, int64) {
				if companyID == 0 {
					companyID = ids.Add(1)
				}
				return companyID, ids.Add(1)
			},
			Agent: func(t *testing.T, name string) int64 { return ids.Add(1) },
		}}
	})
}
