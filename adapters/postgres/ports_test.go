package postgres

import (
	"testing"

	"supportal/adapters/storetest"
)

func TestOutboxContract(t *testing.T) {
	storetest.Outbox(t, func(t *testing.T) storetest.OutboxStore { return NewOutbox(migrated(t)) })
}

func TestAuditContract(t *testing.T) {
	storetest.Audit(t, func(t *testing.T) storetest.AuditStore { return NewAudit(migrated(t)) })
}
