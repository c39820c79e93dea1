package mailbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func startBox(t *testing.T) *Box {
	t.Helper()
	b, err := Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// deliver sends a minimal plain-text message to b without authenticating.
func deliver(b *Box, to []string, subject, text string) error {
	msg := fmt.Sprintf("From: dev@example.com\r\nSubject: %s\r\n\r\n%s\r\n", subject, text)
	c, err := smtp.Dial(b.Addr())
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail("dev@example.com", to, strings.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

func send(t *testing.T, b *Box, to []string, subject, text string) {
	t.Helper()
	if err := deliver(b, to, subject, text); err != nil {
		t.Fatalf("deliver: %v", err)
	}
}

func TestStartListensOnLoopback(t *testing.T) {
	b := startBox(t)
	if b.Host() != "127.0.0.1" || b.Port() == 0 || b.Addr() != fmt.Sprintf("127.0.0.1:%d", b.Port()) {
		t.Errorf("Host, Port, Addr = %s, %d, %s", b.Host(), b.Port(), b.Addr())
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestWaitReturnsNextMessage(t *testing.T) {
	b := startBox(t)
	send(t, b, []string{"ann@example.com"}, "first", "one")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	after := len(b.For("ann@example.com"))
	delivered := make(chan error, 1)
	go func() {
		time.Sleep(20 * time.Millisecond)
		delivered <- errors.Join(
			deliver(b, []string{"bob@example.com"}, "not for ann", "x"),
			deliver(b, []string{"Ann@Example.com"}, "second", "two"),
		)
	}()

	got, err := b.Wait(ctx, "ann@example.com", after)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-delivered; err != nil {
		t.Fatal(err)
	}
	if got.Subject != "second" || got.Text != "two\n" {
		t.Errorf("Wait = %q / %q, want second / two", got.Subject, got.Text)
	}
}

func TestWaitReturnsAtOnceWhenAlreadyThere(t *testing.T) {
	b := startBox(t)
	send(t, b, []string{"ann@example.com"}, "first", "one")
	got, err := b.Wait(context.Background(), "ANN@example.com", 0)
	if err != nil || got.Subject != "first" {
		t.Errorf("Wait = %q, %v", got.Subject, err)
	}
}

func TestWaitStopsWithContext(t *testing.T) {
	b := startBox(t)
	send(t, b, []string{"ann@example.com"}, "first", "one")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := b.Wait(ctx, "ann@example.com", 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait error = %v, want deadline exceeded", err)
	}
}

func TestQueriesAndHook(t *testing.T) {
	b := startBox(t)
	var mu sync.Mutex
	var hooked []string
	b.OnMessage(func(m Message) {
		mu.Lock()
		defer mu.Unlock()
		hooked = append(hooked, m.Subject)
	})

	send(t, b, []string{"ann@example.com", "bob@example.com"}, "both", "1")
	send(t, b, []string{"bob@example.com"}, "bob only", "2")

	all := b.Messages()
	if len(all) != 2 || all[0].Subject != "both" || all[1].Subject != "bob only" {
		t.Fatalf("Messages = %+v", all)
	}
	if got := b.For("BOB@example.com"); len(got) != 2 {
		t.Errorf("For(bob) has %d messages, want 2", len(got))
	}
	if last, ok := b.Last("ann@example.com"); !ok || last.Subject != "both" {
		t.Errorf("Last(ann) = %q, %v", last.Subject, ok)
	}
	if _, ok := b.Last("nobody@example.com"); ok {
		t.Error("Last(nobody) found a message")
	}
	if all[0].From != "dev@example.com" || all[0].Received.IsZero() {
		t.Errorf("From, Received = %q, %v", all[0].From, all[0].Received)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(hooked, ",") != "both,bob only" {
		t.Errorf("hook saw %q", hooked)
	}
}

func TestAuthAcceptsAnyCredentials(t *testing.T) {
	b := startBox(t)
	c, err := smtp.Dial(b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", "anyone", "anything")); err != nil {
		t.Fatalf("Auth: %v", err)
	}
	if err := c.SendMail("a@example.com", []string{"z@example.com"}, strings.NewReader("Subject: hi\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	if last, ok := b.Last("z@example.com"); !ok || last.User != "anyone" {
		t.Errorf("Last = %+v, %v", last, ok)
	}
}

func TestKeepsAtMostMaxMessages(t *testing.T) {
	b := &Box{changed: make(chan struct{})}
	for i := range MaxMessages + 3 {
		b.add(Message{Subject: fmt.Sprint(i), To: []string{"a@example.com"}})
	}
	msgs := b.Messages()
	if len(msgs) != MaxMessages || msgs[0].Subject != "3" || msgs[len(msgs)-1].Subject != fmt.Sprint(MaxMessages+2) {
		t.Errorf("kept %d messages, first %q", len(msgs), msgs[0].Subject)
	}
}
