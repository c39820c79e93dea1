package memory_test

import (
	"sync/atomic"
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

// ticketBackend is the contract suites' view of a fresh memory store;
// accounts and companies are only ids here.
func ticketBackend() (*memory.TicketStore, storetest.TicketBackend) {
	s := memory.NewTicketStore()
	var ids atomic.Int64
	return s, storetest.TicketBackend{
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
}

// TestTicketContract runs the ticket stores' contract on the memory store,
// as adapters/postgres runs it on PostgreSQL.
func TestTicketContract(t *testing.T) {
	storetest.Tickets(t, func(t *testing.T) storetest.TicketBackend {
		_, b := ticketBackend()
		return b
	})
}

// TestTicketTimersContract runs the timed rules' claims on the memory store.
func TestTicketTimersContract(t *testing.T) {
	storetest.TicketTimers(t, func(t *testing.T) storetest.TimerBackend {
		s, b := ticketBackend()
		return storetest.TimerBackend{Timers: s, TicketBackend: b}
	})
}

// TestTicketReportsContract runs the report queries' contracts on the
// memory store.
func TestTicketReportsContract(t *testing.T) {
	backend := func(t *testing.T) storetest.ReportBackend {
		s, b := ticketBackend()
		return storetest.ReportBackend{Reports: s, TicketBackend: b}
	}
	storetest.TicketReports(t, backend)
	storetest.TicketReportZones(t, backend)
}
