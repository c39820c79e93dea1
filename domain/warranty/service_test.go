package warranty_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/domain"
	"supportal/domain/warranty"
)

// TestLastUpdatedCache checks 数据最后更新时间 with the cache on: an import
// through the service shows at once, one recorded by another process (the
// CLI) once the cached value expires.
func TestLastUpdatedCache(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	store := memory.NewWarrantyStore()
	tx := memory.NewWarrantyTx(store, memory.NewAudit())
	svc := warranty.NewService(warranty.Deps{Importer: store, Runs: store, Lookup: store, Tx: tx, Verifications: unverified{},
		Now: func() time.Time { return now }, CacheFor: 5 * time.Second})
	if _, ok, err := svc.LastUpdated(ctx); ok || err != nil {
		t.Fatalf("before any import: ok %v, %v", ok, err)
	}
	imp := func(s *warranty.Service) {
		t.Helper()
		data := strings.Join(warranty.Columns, ",") + "\n91310110666007217T,示例,AnyBackup,SN1,,SVC,基础维保,2025-01-01,2027-01-01\n"
		src, err := warranty.NewCSVSource(strings.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, src, warranty.ImportOptions{Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	imp(svc)
	if at, ok, _ := svc.LastUpdated(ctx); !ok || !at.Equal(now) {
		t.Fatalf("right after an import through the service: %v, %v", at, ok)
	}
	// Another process imports a minute later.
	cli := warranty.NewService(warranty.Deps{Importer: store, Runs: store, Lookup: store, Tx: tx, Verifications: unverified{},
		Now: func() time.Time { return now.Add(time.Minute) }})
	imp(cli)
	if at, _, _ := svc.LastUpdated(ctx); !at.Equal(now) {
		t.Errorf("within the cache's lifetime: %v, want the cached %v", at, now)
	}
	now = now.Add(5 * time.Second)
	if at, _, _ := svc.LastUpdated(ctx); !at.Equal(now.Add(-5 * time.Second).Add(time.Minute)) {
		t.Errorf("after the cache's lifetime: %v, want the other process's run", at)
	}
}

// unverified is a warranty.Verifications for tests that look nothing up.
type unverified struct{}

func (unverified) VerifiedCreditCode(context.Context, int64) (string, error) {
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// TestNewServiceRefusesNilPorts checks that a service missing a port fails
// at start-up, naming the port, rather than at its first call.
func TestNewServiceRefusesNilPorts(t *testing.T) {
	store := memory.NewWarrantyStore()
	full := func() warranty.Deps {
		return warranty.Deps{Importer: store, Runs: store, Lookup: store, Verifications: unverified{},
			Tx: memory.NewWarrantyTx(store, memory.NewAudit())}
	}
	for _, tt := range []struct {
		port  string
		clear func(*warranty.Deps)
	}{
		{"Importer", func(d *warranty.Deps) { d.Importer = nil }},
		{"Runs", func(d *warranty.Deps) { d.Runs = nil }},
		{"Lookup", func(d *warranty.Deps) { d.Lookup = nil }},
		{"Verifications", func(d *warranty.Deps) { d.Verifications = nil }},
		{"Tx", func(d *warranty.Deps) { d.Tx = nil }},
	} {
		d := full()
		tt.clear(&d)
		func() {
			defer func() {
				if got, want := recover(), "warranty: NewService: no "+tt.port; got != want {
					t.Errorf("without %s: panic %v, want %q", tt.port, got, want)
				}
			}()
			warranty.NewService(d)
		}()
	}
	warranty.NewService(full()) // every port given: no panic
}
