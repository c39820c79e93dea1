package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"supportal/adapters/smtp/inbound"
)

const mailUsage = `usage: supportal mail receive [--rcpt ADDR]... [--sender ADDR] < MESSAGE
       supportal mail send --to ADDR --from ADDR [--text T] [--subject S] [--file F]... [--server HOST:PORT]`

// ExTempFail is the exit status of a temporary failure (sysexits.h
// EX_TEMPFAIL): an MTA keeps the message and delivers it again later.
const ExTempFail = 75

// ExitError asks main to exit with Code after printing Err.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }

func (e *ExitError) Unwrap() error { return e.Err }

// MailCommands run "mail receive" (one message from standard input, for an
// MTA's pipe) and "mail send" (a reply to the listener, for development).
type MailCommands struct {
	// Open builds the inbound-mail service (the ticket service over the
	// database and object storage) and the function that closes it.
	Open func(ctx context.Context) (inbound.Receiver, func() error, error)
	// MaxBytes is the size limit of a received message.
	MaxBytes int64
	// Listen is the inbound listener "mail send" speaks to by default.
	Listen         string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Mail runs "mail receive" or "mail send".
func (c MailCommands) Mail(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(mailUsage)
	}
	switch args[0] {
	case "receive":
		return c.receive(ctx, args[1:])
	case "send":
		return c.send(ctx, args[1:])
	}
	return errors.New(mailUsage)
}

// list is a flag that may be given several times.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// receive hands the message on standard input to the inbound-mail
// service: exit 0 when it was posted or dropped (the reason is printed and
// logged), ExTempFail when it could not be handled now (the database or
// object storage unreachable, the input cut short).
func (c MailCommands) receive(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mail receive", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	var rcpts list
	fs.Var(&rcpts, "rcpt", "the envelope recipient (repeatable; default: the reply addresses among To and Cc)")
	sender := fs.String("sender", "-", `the envelope sender; "" or "<>" for the null sender of a bounce (default: unknown)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(mailUsage)
	}
	svc, closeFn, err := c.Open(ctx)
	if err != nil {
		return &ExitError{Code: ExTempFail, Err: err}
	}
	defer closeFn()
	s := strings.TrimSpace(*sender)
	env := inbound.Envelope{Recipients: rcpts, NullSender: s == "" || s == "<>"}
	got, err := inbound.Deliver(ctx, svc, env, c.Stdin, c.MaxBytes)
	switch {
	case errors.Is(err, inbound.ErrUnreadable):
		fmt.Fprintln(c.Stdout, "dropped: the message is not an email:", err)
		return nil
	case err != nil:
		return &ExitError{Code: ExTempFail, Err: err}
	case len(got) == 0:
		fmt.Fprintln(c.Stdout, "dropped: no recipient")
	}
	for _, r := range got {
		if r.Posted {
			fmt.Fprintf(c.Stdout, "posted: message %d on ticket %d\n", r.Message.ID, r.TicketID)
			for _, f := range r.Refused {
				fmt.Fprintln(c.Stdout, "  file left out:", f)
			}
			continue
		}
		fmt.Fprintln(c.Stdout, "dropped:", r.Reason)
	}
	return nil
}
