// Package cli holds the staff commands of the binary (import, user, token):
// each parses its flags, then works over the same services as the web
// server, which main builds for it.
package cli

import (
	"context"
	"errors"
	"io"
	"time"

	"supportal/adapters/i18n"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/warranty"
)

// Services are the application's services the commands work over.
type Services struct {
	Identity *identity.Service
	Warranty *warranty.Service
}

// Commands run the staff commands, writing to Stdout and Stderr.
type Commands struct {
	// Open builds the services; a command calls it once its flags are
	// parsed, and calls the close function it returns when it is done.
	Open           func(ctx context.Context) (Services, func() error, error)
	Stdout, Stderr io.Writer
	// Operator is the operating-system user who runs the command, for
	// the audit log ("" when unknown).
	Operator string
}

// explain turns domain errors into English sentences for the terminal.
func explain(err error) error {
	b, lerr := i18n.Load()
	if lerr != nil {
		return err
	}
	var es domain.Errors
	if errors.As(err, &es) {
		msgs := make([]error, 0, len(es))
		for _, e := range es {
			msgs = append(msgs, errors.New(b.T(i18n.EN, e.Key, e.Data)))
		}
		return errors.Join(msgs...)
	}
	de := domain.As(err)
	if de.Kind == domain.Internal {
		return err
	}
	return errors.New(b.T(i18n.EN, de.Key, de.Data))
}

// explainKey returns the English text of the domain error e.
func explainKey(e *domain.Error) error {
	b, err := i18n.Load()
	if err != nil {
		return e
	}
	return errors.New(b.T(i18n.EN, e.Key, e.Data))
}

// when formats a time for the terminal, "-" when it has not happened.
func when(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
