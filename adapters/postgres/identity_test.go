package postgres

import (
	"context"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/minio/miniotest"
	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/storetest"
	"supportal/domain"
	"supportal/domain/identity"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	miniotest.Shutdown()
	os.Exit(code)
}

// migrated returns a connection to a fresh, fully migrated database that is
// closed when the test ends.
func migrated(t testing.TB) *sqlx.DB {
	t.Helper()
	url := pgtest.Template(t, "migrated", func(url string) error {
		ctx := context.Background()
		db, err := Open(ctx, url)
		if err != nil {
			return err
		}
		defer db.Close()
		return Migrate(ctx, db.DB)
	})
	return open(t, url)
}

// open connects to url for the rest of the test.
func open(t testing.TB, url string) *sqlx.DB {
	t.Helper()
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestIdentityStore(t *testing.T) {
	storetest.Identity(t, func(t *testing.T) storetest.IdentityStores {
		return NewIdentityStore(migrated(t))
	})
}

// TestCreateCustomerAtomic checks that a refused account leaves no company
// behind, which the contract suite cannot see through the ports.
func TestCreateCustomerAtomic(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	s := NewIdentityStore(db)
	for i, email := range []string{"atomic@example.com", "Atomic@Example.com"} {
		a := identity.Account{Email: email, Kind: identity.KindCustomer, Role: identity.RoleCustomer, Name: "n", PasswordHash: "h"}
		c := identity.Company{Name: "c"}
		err := s.CreateCustomer(ctx, &a, &c)
		if i == 1 && domain.KindOf(err) != domain.Conflict {
			t.Fatalf("second customer: err = %v, want Conflict", err)
		}
		if i == 0 && err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM companies`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
}
