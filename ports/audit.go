package ports

import (
	"context"
	"time"
)

// AuditEvent is one line of the audit log: what happened (Type, e.g.
// "login_failed", "verification_approved", "warranty_import"), when, who did
// it (ActorID, 0 for a system or a service token; Email as typed for a
// failed sign-in), from where, and a short detail.
type AuditEvent struct {
	At        time.Time
	Type      string
	ActorID   int64
	Email     string
	IP        string
	UserAgent string
	Detail    string
}

// Audit appends events to the audit log. A use case records its events
// through the audit of its unit of work, so that an event is kept exactly
// when the change it records is committed.
type Audit interface {
	Record(ctx context.Context, e AuditEvent) error
}
