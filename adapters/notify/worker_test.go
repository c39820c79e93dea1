package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"supportal/adapters/i18n"
	"supportal/adapters/memory"
	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/smtp"
	"supportal/adapters/smtp/mailbox"
	"supportal/ports"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	os.Exit(code)
}

// TestTwoWorkersSendEachNoticeOnce fills one PostgreSQL outbox and drains it
// with two workers at once, sending through the real SMTP adapter to an
// in-process SMTP server: every recipient gets exactly one email, in the
// language of its notice.
func TestTwoWorkersSendEachNoticeOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := postgres.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := postgres.Migrate(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	box, err := mailbox.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	m, err := smtp.New(smtp.Config{Host: box.Host(), Port: box.Port(), From: "Supportal <no-reply@example.com>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	out := postgres.NewOutbox(db)
	for i := range n {
		lang := []string{i18n.ZH, i18n.EN}[i%2]
		err := out.Enqueue(ctx, ports.Notice{To: fmt.Sprintf("user%02d@example.com", i), Lang: lang, Template: "code_login",
			Data: map[string]any{"Code": fmt.Sprintf("%06d", i), "Count": 10}})
		if err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker := NewWorker(out, New(b, m), log)
			sent, err := worker.Drain(ctx)
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
			counts[w] = sent
		}()
	}
	wg.Wait()
	if counts[0]+counts[1] != n {
		t.Errorf("workers handled %v notices, want %d in all", counts, n)
	}
	if got := len(box.Messages()); got != n {
		t.Fatalf("the mailbox holds %d messages, want %d", got, n)
	}
	for i := range n {
		to := fmt.Sprintf("user%02d@example.com", i)
		msgs := box.For(to)
		if len(msgs) != 1 {
			t.Errorf("%s got %d emails, want 1", to, len(msgs))
			continue
		}
		want := "Your Supportal sign-in code"
		if i%2 == 0 {
			want = "您的 Supportal 登录验证码"
		}
		minutes := "10 minutes" // the count came back from JSON as a number and still picks the plural form
		if i%2 == 0 {
			minutes = "10 分钟"
		}
		if msgs[0].Subject != want || !strings.Contains(msgs[0].Text, fmt.Sprintf("%06d", i)) || !strings.Contains(msgs[0].Text, minutes) {
			t.Errorf("%s got %q / %q", to, msgs[0].Subject, msgs[0].Text)
		}
	}
	if again, err := NewWorker(out, New(b, m), log).Drain(ctx); err != nil || again != 0 {
		t.Errorf("a third drain handled %d notices (%v), want none left", again, err)
	}
}

// TestWorkerRetriesAfterFailure sends through a mailer that is down: the
// notice stays in the outbox and goes out on a later drain, once it is due
// again and the mailer is back, with the request id in the log.
func TestWorkerRetriesAfterFailure(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := memory.NewOutbox()
	ctx := ports.WithRequestID(context.Background(), "req-9")
	if err := out.Enqueue(ctx, ports.Notice{To: "wang@example.com", Lang: i18n.EN, Template: "code_login", Data: map[string]any{"Code": "111222", "Count": 10}}); err != nil {
		t.Fatal(err)
	}
	mailer := &flakyMailer{down: true}
	var logs strings.Builder
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	w := NewWorker(out, New(b, mailer), slog.New(slog.NewTextHandler(&logs, nil)))
	w.Now = func() time.Time { return now }
	if n, err := w.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("first drain = %d, %v", n, err)
	}
	mailer.down = false
	if n, _ := w.Drain(ctx); n != 0 {
		t.Errorf("the failed notice was tried again at once (%d)", n)
	}
	now = now.Add(30 * time.Second)
	if n, err := w.Drain(ctx); err != nil || n != 1 || len(mailer.sent) != 1 || mailer.sent[0].Subject != "Your Supportal sign-in code" {
		t.Fatalf("drain after the delay = %d, %v; sent %+v", n, err, mailer.sent)
	}
	if !strings.Contains(logs.String(), "request_id=req-9") || !strings.Contains(logs.String(), "email not sent") {
		t.Errorf("log lacks the request id or the failure:\n%s", logs.String())
	}
}

type flakyMailer struct {
	down bool
	sent []ports.Mail
}

func (f *flakyMailer) Send(_ context.Context, m ports.Mail) error {
	if f.down {
		return fmt.Errorf("smtp: connection refused")
	}
	f.sent = append(f.sent, m)
	return nil
}
