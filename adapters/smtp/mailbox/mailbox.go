// Package mailbox is an in-process SMTP server that accepts every message and
// keeps it in memory. The dev command points the mailer at it so sign-in codes
// can be read at /dev/mail, and tests use it to see what a user would receive.
package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// MaxMessages is how many messages a Box keeps; older ones are dropped.
const MaxMessages = 500

// Message is one received email, decoded for reading.
type Message struct {
	// From is the decoded From header, or the envelope sender when the
	// message has none.
	From string
	// To holds the envelope recipients (RCPT TO), which include Bcc.
	To []string
	// User is the name the client authenticated as, or "" when it did not
	// authenticate.
	User string
	// Subject is the decoded Subject header.
	Subject string
	// ReplyTo is the decoded Reply-To header ("": none).
	ReplyTo string
	// Text and HTML are the first text/plain and text/html bodies, with
	// transfer encodings undone and line endings normalised to "\n".
	Text string
	HTML string
	// Received is when the server accepted the message.
	Received time.Time
	// Raw is the message exactly as received. To and Raw are shared between
	// copies and must not be modified.
	Raw []byte
}

// Box is a running in-memory SMTP server. Its methods are safe for
// concurrent use.
type Box struct {
	srv  *smtp.Server
	addr *net.TCPAddr

	mu       sync.Mutex
	messages []Message
	changed  chan struct{} // closed and replaced whenever a message arrives
	hooks    []func(Message)

	closeOnce sync.Once
	closeErr  error
}

// Start listens on addr ("" means 127.0.0.1 on a free port) and serves SMTP
// until Close. Any credentials are accepted over AUTH PLAIN, without TLS, and
// mail is accepted with or without authentication.
func Start(addr string) (*Box, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailbox: start: %w", err)
	}
	b := &Box{addr: l.Addr().(*net.TCPAddr), changed: make(chan struct{})}
	srv := smtp.NewServer(backend{box: b})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = maxMessageBytes
	srv.MaxRecipients = 100
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0)
	b.srv = srv
	go func() { _ = srv.Serve(l) }()
	return b, nil
}

// Addr returns the address the server listens on, as "host:port".
func (b *Box) Addr() string { return b.addr.String() }

// Host returns the IP address the server listens on.
func (b *Box) Host() string { return b.addr.IP.String() }

// Port returns the TCP port the server listens on.
func (b *Box) Port() int { return b.addr.Port }

// Close stops the server and drops open connections. Messages already
// received stay readable. Calling Close again does nothing.
func (b *Box) Close() error {
	b.closeOnce.Do(func() {
		if err := b.srv.Close(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			b.closeErr = fmt.Errorf("mailbox: close: %w", err)
		}
	})
	return b.closeErr
}

// OnMessage registers fn to be called with every message received from now
// on. Hooks run one after another on the connection's goroutine, after the
// message is stored and before the client is told it was accepted.
func (b *Box) OnMessage(fn func(Message)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hooks = append(b.hooks, fn)
}

// Messages returns every kept message, oldest first.
func (b *Box) Messages() []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Message(nil), b.messages...)
}

// For returns the kept messages addressed to addr, oldest first. Addresses
// are compared case-insensitively.
func (b *Box) For(addr string) []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.forLocked(addr)
}

// Last returns the newest message addressed to addr, and false when there is
// none.
func (b *Box) Last(addr string) (Message, bool) {
	msgs := b.For(addr)
	if len(msgs) == 0 {
		return Message{}, false
	}
	return msgs[len(msgs)-1], true
}

// Wait blocks until more than after messages addressed to to have been kept,
// then returns the newest of them. Pass len(b.For(to)) taken before an action
// to wait for the mail that action sends. Wait returns ctx's error when ctx
// ends first.
func (b *Box) Wait(ctx context.Context, to string, after int) (Message, error) {
	for {
		b.mu.Lock()
		msgs := b.forLocked(to)
		changed := b.changed
		b.mu.Unlock()
		if len(msgs) > after {
			return msgs[len(msgs)-1], nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("mailbox: wait for mail to %s: %w", to, ctx.Err())
		}
	}
}

func (b *Box) forLocked(addr string) []Message {
	addr = normalize(addr)
	var out []Message
	for _, m := range b.messages {
		for _, rcpt := range m.To {
			if normalize(rcpt) == addr {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// add keeps m, wakes waiters and runs the hooks.
func (b *Box) add(m Message) {
	b.mu.Lock()
	b.messages = append(b.messages, m)
	if n := len(b.messages) - MaxMessages; n > 0 {
		b.messages = append([]Message(nil), b.messages[n:]...)
	}
	close(b.changed)
	b.changed = make(chan struct{})
	hooks := slices.Clone(b.hooks)
	b.mu.Unlock()

	for _, fn := range hooks {
		fn(m)
	}
}

func normalize(addr string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
}
