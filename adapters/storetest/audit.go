package storetest

import (
	"context"
	"testing"
	"time"

	"supportal/ports"
)

// AuditStore is what the contract suite needs of an audit log.
type AuditStore interface {
	ports.Audit
	Events(ctx context.Context, since time.Time, limit int) ([]ports.AuditEvent, error)
}

// Audit runs the contract suite of the audit log against a fresh store.
func Audit(t *testing.T, newStore func(t *testing.T) AuditStore) {
	t.Run("record and read back", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		staff := ports.AuditEvent{At: base.Add(time.Minute), Type: "verification_approved", ActorID: 7, Detail: "submission 3 version 2"}
		failed := ports.AuditEvent{At: base, Type: "login_failed", Email: "Wang@Example.com", IP: "203.0.113.9", UserAgent: "Mozilla/5.0", Detail: "password"}
		system := ports.AuditEvent{At: base.Add(2 * time.Minute), Type: "warranty_import", Detail: "source erp.csv"}
		for _, e := range []ports.AuditEvent{staff, failed, system} {
			must(t, s.Record(ctx, e))
		}
		got, err := s.Events(ctx, base, 10)
		must(t, err)
		want := []ports.AuditEvent{failed, staff, system}
		if len(got) != len(want) {
			t.Fatalf("Events = %+v, want %d events", got, len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			sameTime(t, w.Type+" at", g.At, w.At)
			g.At, w.At = time.Time{}, time.Time{}
			if g != w {
				t.Errorf("event %d = %+v, want %+v", i, g, w)
			}
		}
		if got, _ := s.Events(ctx, base.Add(time.Minute), 1); len(got) != 1 || got[0].Type != "verification_approved" {
			t.Errorf("Events since the second, at most 1 = %+v", got)
		}
	})
}
