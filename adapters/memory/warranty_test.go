package memory_test

import (
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

func TestWarrantyStore(t *testing.T) {
	storetest.Warranty(t, func(*testing.T) storetest.WarrantyBackend {
		s, audit := memory.NewWarrantyStore(), memory.NewAudit()
		return storetest.WarrantyBackend{Store: s, Tx: memory.NewWarrantyTx(s, audit), Audit: audit}
	})
}
