package postgres

import (
	"testing"

	"supportal/adapters/storetest"
)

func TestSLAContract(t *testing.T) {
	storetest.SLA(t, func(t *testing.T) storetest.SLAUnit {
		db := migrated(t)
		return storetest.SLAUnit{Store: NewSLAStore(db), Tx: NewSLATx(db), Audit: NewAudit(db)}
	})
}
