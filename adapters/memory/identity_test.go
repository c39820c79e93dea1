package memory_test

import (
	"context"
	"testing"

	"supportal/adapters/memory"
	"supportal/adapters/storetest"
)

func TestIdentityStore(t *testing.T) {
	storetest.Identity(t, func(*testing.T) storetest.IdentityStores { return memory.NewIdentityStore() })
}

func TestHasher(t *testing.T) {
	ctx := context.Background()
	var h memory.Hasher
	hash, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify(ctx, hash, "correct horse"); !ok || err != nil {
		t.Errorf("Verify(right) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := h.Verify(ctx, hash, "wrong horse"); ok || err != nil {
		t.Errorf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
	if _, err := h.Verify(ctx, "$argon2id$...", "x"); err == nil {
		t.Error("Verify(foreign hash) succeeded")
	}
}

func TestNotifier(t *testing.T) {
	ctx := context.Background()
	var n memory.Notifier
	if _, ok := n.Last("a@example.com"); ok {
		t.Error("Last on an empty notifier found a notice")
	}
	data := map[string]any{"Code": "123456"}
	for _, to := range []string{"a@example.com", "b@example.com", "a@example.com"} {
		if err := n.Notify(ctx, to, "en", "code_login", data); err != nil {
			t.Fatal(err)
		}
		data = map[string]any{"Code": "654321"}
	}
	last, ok := n.Last("a@example.com")
	if !ok || last.Template != "code_login" || last.Lang != "en" || last.Data["Code"] != "654321" {
		t.Errorf("Last = %+v, %v", last, ok)
	}
	last.Data["Code"] = "changed"
	if again, _ := n.Last("a@example.com"); again.Data["Code"] != "654321" {
		t.Error("Last handed out the notifier's own data map")
	}
	if all := n.All(); len(all) != 3 || all[1].To != "b@example.com" {
		t.Errorf("All = %+v", all)
	}
}

func TestIdentityTx(t *testing.T) {
	storetest.IdentityTx(t, func(*testing.T) storetest.IdentityUnit {
		st, box, audit := memory.NewIdentityStore(), memory.NewOutbox(), memory.NewAudit()
		return storetest.IdentityUnit{Tx: memory.NewIdentityTx(st, box, audit), Stores: st, Audit: audit, Outbox: box}
	})
}
