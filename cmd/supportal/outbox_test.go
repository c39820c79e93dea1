package main

import (
	"context"
	"testing"
	"time"

	"supportal/adapters/postgres"
	"supportal/ports"
)

// TestServeSendsOutbox checks that the running application sends what is
// left in the outbox, in the recipient's language, through its mailer.
func TestServeSendsOutbox(t *testing.T) {
	ta := startApp(t)
	const to = "outbox@example.com"
	n := ports.Notice{To: to, Lang: "en", Template: "password_changed", Data: map[string]any{}}
	if err := postgres.NewOutbox(ta.a.db).Enqueue(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	m, err := ta.box.Wait(ctx, to, 0)
	if err != nil {
		t.Fatalf("the notice was not sent: %v", err)
	}
	if want := ta.bundle.T("en", "mail.password_changed.subject", nil); m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
}
