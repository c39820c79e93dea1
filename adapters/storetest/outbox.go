package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"supportal/ports"
)

// OutboxStore is what the contract suite needs of an outbox.
type OutboxStore interface {
	ports.Outbox
	Deliver(ctx context.Context, now time.Time, retry func(int) (time.Duration, bool), send func(context.Context, ports.Delivery) error) (bool, error, error)
}

// Outbox runs the contract suite of the mail outbox against a fresh store
// from newStore for each sub-test.
func Outbox(t *testing.T, newStore func(t *testing.T) OutboxStore) {
	t.Run("order and data", func(t *testing.T) { testOutboxOrder(t, newStore(t)) })
	t.Run("retry and give up", func(t *testing.T) { testOutboxRetry(t, newStore(t)) })
	t.Run("many at once", func(t *testing.T) { testOutboxMany(t, newStore(t)) })
}

// testOutboxMany: notices enqueued together are kept in their order with
// their data; a batch with a notice whose data cannot be stored keeps none.
func testOutboxMany(t *testing.T, o OutboxStore) {
	ctx := ports.WithRequestID(t.Context(), "req-9")
	bad := ports.Notice{To: "x@example.com", Lang: "en", Template: "bad", Data: map[string]any{"F": func() {}}}
	if err := o.Enqueue(ctx, ports.Notice{To: "a@example.com", Lang: "en", Template: "t"}, bad); err == nil {
		t.Error("a batch with data that cannot be stored was taken")
	}
	must(t, o.Enqueue(ctx))
	must(t, o.Enqueue(ctx,
		ports.Notice{To: "a@example.com", Lang: "zh-CN", Template: "ticket_new_agent", Data: map[string]any{"Number": "T1", "Title": "阵列\"告警\""}},
		ports.Notice{To: "b@example.com", Lang: "en", Template: "ticket_new_agent", RequestID: "req-own"},
		ports.Notice{To: "c@example.com", Lang: "en", Template: "ticket_new_agent", Data: map[string]any{"N": 3}}))
	var got []string
	for {
		d, found, _ := deliverOne(t, o, base, noRetry, sendOK)
		if !found {
			break
		}
		got = append(got, fmt.Sprintf("%s %s %s %v", d.Notice.To, d.Notice.Lang, d.Notice.RequestID, d.Notice.Data))
	}
	want := []string{`a@example.com zh-CN req-9 map[Number:T1 Title:阵列"告警"]`, "b@example.com en req-own map[]",
		"c@example.com en req-9 map[N:3]"}
	if !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
}

// deliverOne delivers the next due notice with send and fails the test
// unless the store's answers match found.
func deliverOne(t *testing.T, o OutboxStore, now time.Time, retry func(int) (time.Duration, bool), send func(context.Context, ports.Delivery) error) (ports.Delivery, bool, error) {
	t.Helper()
	var got ports.Delivery
	found, sendErr, err := o.Deliver(t.Context(), now, retry, func(ctx context.Context, d ports.Delivery) error {
		got = d
		return send(ctx, d)
	})
	must(t, err)
	return got, found, sendErr
}

func noRetry(int) (time.Duration, bool) { return 0, false }

func sendOK(context.Context, ports.Delivery) error { return nil }

func testOutboxOrder(t *testing.T, o OutboxStore) {
	ctx := ports.WithRequestID(t.Context(), "req-42")
	must(t, o.Enqueue(ctx, ports.Notice{To: "wang@example.com", Lang: "zh-CN", Template: "code_login",
		Data: map[string]any{"Code": "493017", "Minutes": 10, "Verified": true}}))
	must(t, o.Enqueue(t.Context(), ports.Notice{To: "li@example.com", Lang: "en", Template: "decision", RequestID: "req-7"}))

	d, found, sendErr := deliverOne(t, o, base, noRetry, sendOK)
	if !found || sendErr != nil {
		t.Fatalf("first delivery found=%v, send error %v", found, sendErr)
	}
	n := d.Notice
	if n.To != "wang@example.com" || n.Lang != "zh-CN" || n.Template != "code_login" || n.RequestID != "req-42" || d.Attempts != 0 {
		t.Errorf("first delivery = %+v", d)
	}
	if n.Data["Code"] != "493017" || n.Data["Minutes"] != float64(10) || n.Data["Verified"] != true {
		t.Errorf("data = %#v, want the enqueued values through JSON", n.Data)
	}
	d, found, _ = deliverOne(t, o, base, noRetry, sendOK)
	if !found || d.Notice.To != "li@example.com" || d.Notice.RequestID != "req-7" || len(d.Notice.Data) != 0 {
		t.Errorf("second delivery = %+v, found %v", d, found)
	}
	if _, found, _ := deliverOne(t, o, base.Add(time.Hour), noRetry, sendOK); found {
		t.Error("a sent notice was delivered again")
	}
}

func testOutboxRetry(t *testing.T, o OutboxStore) {
	must(t, o.Enqueue(t.Context(), ports.Notice{To: "wang@example.com", Lang: "en", Template: "code_login"}))
	down := errors.New("smtp: connection refused")
	fail := func(context.Context, ports.Delivery) error { return down }
	var asked []int
	retry := func(attempts int) (time.Duration, bool) {
		asked = append(asked, attempts)
		return time.Minute, attempts < 2
	}
	if _, found, sendErr := deliverOne(t, o, base, retry, fail); !found || !errors.Is(sendErr, down) {
		t.Fatalf("failing delivery: found %v, send error %v", found, sendErr)
	}
	if _, found, _ := deliverOne(t, o, base.Add(59*time.Second), retry, sendOK); found {
		t.Error("a failed notice was due again before its retry delay")
	}
	d, found, _ := deliverOne(t, o, base.Add(time.Minute), retry, fail)
	if !found || d.Attempts != 1 {
		t.Fatalf("retry: found %v, attempts %d; want 1 earlier attempt", found, d.Attempts)
	}
	if _, found, _ := deliverOne(t, o, base.Add(24*time.Hour), retry, sendOK); found {
		t.Error("a notice given up was delivered again")
	}
	if len(asked) != 2 || asked[0] != 1 || asked[1] != 2 {
		t.Errorf("retry asked with attempts %v, want [1 2]", asked)
	}
}
