package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/ports"
)

// txStores is a unit of work of two stores, for the runner's tests.
type txStores struct {
	audit  *AuditStore
	outbox *OutboxStore
}

// TestTxRunnerCommitsOrRollsBackAll writes to two stores in one unit of work:
// when the second write fails, nothing of the first stays; when both succeed,
// both are kept; a store over the transaction still runs multi-statement
// methods inside it.
func TestTxRunnerCommitsOrRollsBackAll(t *testing.T) {
	db := migrated(t)
	ctx := t.Context()
	r := NewTxRunner(db, func(tx *sqlx.Tx) txStores { return txStores{NewAudit(tx), NewOutbox(tx)} })
	count := func() (events, notices int) {
		t.Helper()
		if err := db.GetContext(ctx, &events, `SELECT count(*) FROM audit_log`); err != nil {
			t.Fatal(err)
		}
		if err := db.GetContext(ctx, &notices, `SELECT count(*) FROM outbox`); err != nil {
			t.Fatal(err)
		}
		return events, notices
	}
	event := ports.AuditEvent{At: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Type: "account_created", ActorID: 1}
	notice := ports.Notice{To: "wang@example.com", Lang: "zh-CN", Template: "welcome"}

	broken := errors.New("second write failed")
	err := r.InTx(ctx, func(s txStores) error {
		if err := s.audit.Record(ctx, event); err != nil {
			return err
		}
		return broken
	})
	if !errors.Is(err, broken) {
		t.Fatalf("InTx = %v, want the function's error", err)
	}
	// A write that the database refuses rolls back the first one too.
	err = r.InTx(ctx, func(s txStores) error {
		if err := s.audit.Record(ctx, event); err != nil {
			return err
		}
		return s.outbox.Enqueue(ctx, ports.Notice{To: "x", Lang: "en", Template: "t", Data: map[string]any{"bad": make(chan int)}})
	})
	if err == nil {
		t.Fatal("InTx with an unencodable notice succeeded")
	}
	if e, n := count(); e != 0 || n != 0 {
		t.Fatalf("after failed units of work: %d events, %d notices; want none", e, n)
	}

	if err := r.InTx(ctx, func(s txStores) error {
		if err := s.audit.Record(ctx, event); err != nil {
			return err
		}
		return s.outbox.Enqueue(ctx, notice)
	}); err != nil {
		t.Fatal(err)
	}
	if e, n := count(); e != 1 || n != 1 {
		t.Fatalf("after a committed unit of work: %d events, %d notices; want 1 and 1", e, n)
	}

	// A cancelled context makes the commit fail, and InTx says so.
	cctx, cancel := context.WithCancel(ctx)
	err = r.InTx(cctx, func(s txStores) error {
		if err := s.audit.Record(cctx, event); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if err == nil {
		t.Error("InTx returned nil although the context ended before the commit")
	}
	if e, _ := count(); e != 1 {
		t.Errorf("after a cancelled unit of work: %d events, want 1", e)
	}

	// withTx joins the unit of work it is given.
	if err := r.InTx(ctx, func(s txStores) error {
		return withTx(ctx, s.audit.db, func(tx sqlx.ExtContext) error {
			if tx != s.audit.db {
				t.Error("withTx over a transaction opened another one")
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
}
