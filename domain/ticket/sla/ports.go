package sla

import (
	"context"

	"supportal/ports"
)

// Store keeps the SLA settings. Policy returns them whole; the Save methods
// replace one calendar (with its windows and special days), one tier (with
// its targets) or the SKU rules. SaveCalendar and SaveTier store the
// version given plus one and return Conflict (error.sla.stale) when the
// stored version is not the one given, NotFound (error.sla.not_found) for an
// unknown code.
type Store interface {
	Policies
	SaveCalendar(ctx context.Context, c Calendar) error
	SaveTier(ctx context.Context, t Tier) error
	SaveRules(ctx context.Context, rules []Rule) error
}

// Stores are the stores of one unit of work of the settings.
type Stores struct {
	Settings Store
	Audit    ports.Audit
}

// TxRunner runs units of work over the settings: InTx keeps fn's writes
// when it returns nil and discards them otherwise, returning fn's error.
type TxRunner interface {
	InTx(ctx context.Context, fn func(Stores) error) error
}
