package memory_test

import (
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

func TestWarrantyStore(t *testing.T) {
	storetest.Warranty(t, func(*testing.T) storetest.WarrantyStores { return memory.NewWarrantyStore() })
}
