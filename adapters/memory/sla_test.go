package memory_test

import (
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
	"supportal/domain/ticket/sla"
)

func TestSLAContract(t *testing.T) {
	storetest.SLA(t, func(t *testing.T) storetest.SLAUnit {
		s, audit := memory.NewSLAStore(sla.Default(storetest.ChinaDays(t))), memory.NewAudit()
		return storetest.SLAUnit{Store: s, Tx: memory.NewSLATx(s, audit), Audit: audit}
	})
}
