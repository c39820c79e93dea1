package memory_test

import (
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

func TestOutboxContract(t *testing.T) {
	storetest.Outbox(t, func(*testing.T) storetest.OutboxStore { return memory.NewOutbox() })
}

func TestAuditContract(t *testing.T) {
	storetest.Audit(t, func(*testing.T) storetest.AuditStore { return memory.NewAudit() })
}
