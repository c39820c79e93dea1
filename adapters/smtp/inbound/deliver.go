// Package inbound receives the replies to ticket emails: an SMTP listener
// (Listen) that refuses unknown reply addresses at RCPT time, and Deliver,
// which the listener and the "supportal mail receive" command share, to
// read one message with the mailin parser and hand it to the ticket
// module's inbound-mail service.
package inbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"supportal/adapters/mailin"
	"supportal/domain/ticket"
)

// DefaultMaxBytes is the size limit of an inbound message when none is
// configured: 30 MB, about 22 MB of attached files once base64-encoded.
const DefaultMaxBytes = 30 << 20

// Receiver is the inbound-mail service (*ticket.Service). CheckRecipient
// returns "" for an address that takes replies, else the reason it does
// not; Receive returns an error only for a temporary failure.
type Receiver interface {
	CheckRecipient(addr string) string
	Receive(ctx context.Context, in ticket.InboundMail) (ticket.Received, error)
}

// Envelope is what the transport knows of a message: the recipients it is
// delivered to (none: the reply addresses among its To and Cc) and whether
// its envelope sender was empty (MAIL FROM:<>, a bounce).
type Envelope struct {
	Recipients []string
	NullSender bool
}

// ErrUnreadable is returned by Deliver for a message that is not an email
// at all: a permanent failure, nothing was handed on.
var ErrUnreadable = errors.New("inbound: the message cannot be read as an email")

// Deliver reads one message of at most limit bytes from body and hands it
// to r once for each of its recipients, returning what became of it. A
// message over the limit is handed on as TooLarge (and dropped by r). An
// error is either ErrUnreadable, a failure reading body, or r's temporary
// failure.
func Deliver(ctx context.Context, r Receiver, env Envelope, body io.Reader, limit int64) ([]ticket.Received, error) {
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	rr := &reader{r: body}
	msg, err := mailin.Parse(rr, limit)
	switch {
	case errors.Is(err, mailin.ErrTooLarge):
		return TooLarge(ctx, r, env)
	case err != nil && rr.err != nil:
		return nil, fmt.Errorf("inbound: read message: %w", rr.err)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	in := ticket.InboundMail{NullSender: env.NullSender, MessageID: msg.MessageID, From: msg.From, Subject: msg.Subject,
		Date: msg.Date, Auto: msg.Auto, AutoReason: msg.AutoReason, Reply: msg.Reply}
	return each(ctx, r, recipients(r, env, msg), in, msg.Attachments)
}

// TooLarge tells r that a message to env's recipients was over the size
// limit, so that each drop is logged and audited.
func TooLarge(ctx context.Context, r Receiver, env Envelope) ([]ticket.Received, error) {
	return each(ctx, r, recipients(r, env, nil), ticket.InboundMail{TooLarge: true, NullSender: env.NullSender}, nil)
}

// each hands in to r for each recipient, with the files read from their
// start each time.
func each(ctx context.Context, r Receiver, rcpts []string, in ticket.InboundMail, files []mailin.Attachment) ([]ticket.Received, error) {
	var out []ticket.Received
	for _, rcpt := range rcpts {
		one := in
		one.Recipient, one.Files = rcpt, nil
		for _, f := range files {
			one.Files = append(one.Files, ticket.Upload{Name: f.Name, Size: int64(len(f.Data)), R: bytes.NewReader(f.Data)})
		}
		res, err := r.Receive(ctx, one)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// reader keeps the error of the reader under the parser, which tells a
// failed transfer from a message that is not an email.
type reader struct {
	r   io.Reader
	err error
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// recipients returns the envelope's recipients, each once, or without
// them the reply addresses among the message's To and Cc (the first To
// when none is one, so that the drop is recorded).
func recipients(r Receiver, env Envelope, m *mailin.Message) []string {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		if k := strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>")); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, a := range env.Recipients {
		add(a)
	}
	if len(out) > 0 || m == nil {
		return out
	}
	for _, a := range append(append([]string(nil), m.To...), m.Cc...) {
		if r.CheckRecipient(a) == "" {
			add(a)
		}
	}
	if len(out) == 0 && len(m.To) > 0 {
		add(m.To[0])
	}
	return out
}
