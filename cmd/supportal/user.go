package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"

	"supportal/adapters/i18n"
	"supportal/adapters/postgres"
	"supportal/domain"
	"supportal/domain/identity"
)

// userCmd manages staff accounts: `user create --email … --role …` and
// `user reset-2fa --email …`.
func userCmd(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "reset-2fa" {
		return resetSecondFactorCmd(ctx, cfg, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: supportal user create --email E --role reviewer|agent|admin [--name N] [--password P]
       supportal user reset-2fa --email E`)
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the staff member's email (their sign-in name)")
	role := fs.String("role", "", "reviewer, agent or admin")
	name := fs.String("name", "", "display name (defaults to the email)")
	password := fs.String("password", "", "password (12–128 characters); generated and printed when empty")
	zone := fs.String("time-zone", identity.DefaultTimeZone, "IANA time zone the staff pages show times in")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := identity.ParseStaffRole(*role)
	if err != nil {
		return explain(err)
	}
	if cfg.DatabaseURL == "" {
		return errors.New("config: set SUPPORTAL_DATABASE_URL")
	}
	pw := *password
	if pw == "" {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := cliIdentity(db, cfg)
	if err != nil {
		return err
	}
	a, err := svc.CreateStaffInZone(ctx, *email, *name, r, pw, *zone)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "created %s account %s (id %d)\n", a.Role, a.Email, a.ID)
	if *password == "" {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
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
