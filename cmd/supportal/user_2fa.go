package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"supportal/adapters/postgres"
	"supportal/domain/identity"
)

// resetSecondFactorCmd removes a staff member's second factor and ends their
// sessions, for one who lost both the authenticator app and the recovery
// codes: `user reset-2fa --email E`. The next sign-in enrols again.
func resetSecondFactorCmd(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user reset-2fa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the staff member's email")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("usage: supportal user reset-2fa --email E")
	}
	if cfg.DatabaseURL == "" {
		return errors.New("config: set SUPPORTAL_DATABASE_URL")
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
	a, err := svc.ResetSecondFactor(ctx, *email, identity.Client{UserAgent: "supportal user reset-2fa"})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "reset the second factor of %s account %s; its sessions ended, and it enrols again at its next sign-in\n", a.Role, a.Email)
	return nil
}
