package inbound_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"supportal/adapters/smtp/inbound"
	"supportal/domain/ticket"
)

// fake takes the addresses good@… and keeps what it receives.
type fake struct {
	mu   sync.Mutex
	got  []ticket.InboundMail
	fail error
}

func (f *fake) CheckRecipient(addr string) string {
	if strings.HasPrefix(strings.ToLower(addr), "good") {
		return ""
	}
	return ticket.DropForged
}

func (f *fake) Receive(_ context.Context, in ticket.InboundMail) (ticket.Received, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return ticket.Received{}, f.fail
	}
	f.got = append(f.got, in)
	return ticket.Received{Posted: true}, nil
}

func start(t *testing.T, f *fake, max int64) string {
	t.Helper()
	s, err := inbound.Listen(inbound.Config{Addr: "127.0.0.1:0", MaxBytes: max}, f)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve() }()
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s.Addr()
}

const msg = "From: Wang <wang@example.com>\r\nTo: good@mail.example.com\r\nSubject: Re: T1\r\nMessage-ID: <m1@example.com>\r\n\r\nfixed now\r\n"

func code(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// TestListener: the SIZE extension is advertised; an address the service
// does not take is refused with 550 at RCPT time while another recipient
// of the same message is kept; a message reaches the service with its
// envelope (a null sender marked); one over the limit gets 552 and is
// reported as too large; one with a line longer than SMTP allows gets 554;
// a temporary failure of the service gets 451.
func TestListener(t *testing.T) {
	f := &fake{}
	addr := start(t, f, 4096)
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.example.com"); err != nil {
		t.Fatal(err)
	}
	if ok, size := c.Extension("SIZE"); !ok || size != "4096" {
		t.Errorf("SIZE = %v %q", ok, size)
	}
	if err := c.Mail("", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support+forged@mail.example.com", nil); code(err) != 550 {
		t.Errorf("forged RCPT: %v, want 550", err)
	}
	if err := c.Rcpt("good@mail.example.com", nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("DATA: %v", err)
	}
	if len(f.got) != 1 || f.got[0].Recipient != "good@mail.example.com" || !f.got[0].NullSender || f.got[0].From != "wang@example.com" ||
		f.got[0].MessageID != "m1@example.com" || !strings.Contains(f.got[0].Reply, "fixed now") {
		t.Fatalf("received %+v", f.got)
	}

	big := msg + strings.Repeat(strings.Repeat("x", 70)+"\r\n", 80)
	err = send(addr, "wang@example.com", "good@mail.example.com", big)
	if code(err) != 552 {
		t.Errorf("oversized: %v, want 552", err)
	}
	if len(f.got) != 2 || !f.got[1].TooLarge || f.got[1].NullSender {
		t.Errorf("oversized reached the service as %+v", f.got[1:])
	}

	long := msg + strings.Repeat("y", 3000) + "\r\n"
	if err := send(addr, "wang@example.com", "good@mail.example.com", long); code(err) != 554 {
		t.Errorf("a line of 3,000 characters: %v, want 554", err)
	}

	f.fail = errors.New("database down")
	err = send(addr, "wang@example.com", "good@mail.example.com", msg)
	if code(err) != 451 {
		t.Errorf("temporary failure: %v, want 451", err)
	}
}

// send delivers one message in plain text (the listener offers no TLS).
func send(addr, from, to, body string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return err
	}
	return w.Close()
}
