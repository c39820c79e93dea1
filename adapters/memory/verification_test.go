package memory_test

import (
	"fmt"
	"sync"
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
	"supportal/domain/identity"
	"supportal/ports"
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

func TestVerificationTx(t *testing.T) {
	storetest.VerificationTx(t, func(t *testing.T) storetest.VerificationUnit {
		s, ids := memory.NewVerificationStore(), memory.NewIdentityStore()
		outbox, audit := memory.NewOutbox(), memory.NewAudit()
		n := 0
		return storetest.VerificationUnit{
			Tx: memory.NewVerificationTx(s, memory.CompanyNames{Store: ids}, outbox, audit), Store: s, Audit: audit,
			Account: func(t *testing.T, name string) (int64, int64) {
				t.Helper()
				n++
				a := identity.Account{Email: fmt.Sprintf("c%d@example.com", n), Kind: identity.KindCustomer, Name: name}
				c := identity.Company{Name: name}
				if err := ids.CreateCustomer(t.Context(), &a, &c); err != nil {
					t.Fatal(err)
				}
				s.SetAccountName(a.ID, name)
				return c.ID, a.ID
			},
			CompanyName: func(t *testing.T, id int64) string {
				c, err := ids.CompanyByID(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				return c.Name
			},
			Notices: func(*testing.T) []ports.Notice { return outbox.Notices() },
		}
	})
}
