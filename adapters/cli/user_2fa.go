package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"supportal/domain/identity"
)

// resetSecondFactor removes a staff member's second factor and ends their
// sessions, for one who lost both the authenticator app and the recovery
// codes: `user reset-2fa --email E`. The next sign-in enrols again.
func (c Commands) resetSecondFactor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user reset-2fa", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	email := fs.String("email", "", "the staff member's email")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("usage: supportal user reset-2fa --email E")
	}
	services, closeFn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	a, err := services.Identity.ResetSecondFactor(ctx, *email, identity.Client{UserAgent: "supportal user reset-2fa"})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(c.Stdout, "reset the second factor of %s account %s; its sessions ended, and it enrols again at its next sign-in\n", a.Role, a.Email)
	return nil
}
