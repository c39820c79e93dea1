package memory_test

import (
	"sync"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

func TestVerificationStore(t *testing.T) {
	storetest.Verification(t, func(*testing.T) (storetest.VerificationStores, storetest.NewAccount) {
		s := memory.NewVerificationStore()
		var (
			mu   sync.Mutex
			last int64
		)
		return s, func(_ *testing.T, name string) (int64, int64) {
			mu.Lock()
			defer mu.Unlock()
			last++
			s.SetAccountName(1000+last, name)
			return last, 1000 + last
		}
	})
}

func TestVerificationAuditEvents(t *testing.T) {
	s := memory.NewVerificationStore()
	at := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("CST", 8*60*60))
	if err := s.AuditEvent(t.Context(), at, "verification_rejected", 7, "submission=1"); err != nil {
		t.Fatal(err)
	}
	ev := s.Events()
	if len(ev) != 1 || ev[0].Type != "verification_rejected" || ev[0].ActorID != 7 || ev[0].Detail != "submission=1" ||
		!ev[0].At.Equal(at.Round(time.Microsecond)) || ev[0].At.Location() != time.UTC {
		t.Errorf("Events = %+v", ev)
	}
}
