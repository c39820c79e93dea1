package memory_test

import (
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

func TestOutboxContract(t *testing.T) {
	storetest.Outbox(t, func(*testing.T) storetest.OutboxStore { return memory.NewOutbox() })
}
