package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"

	"supportal/domain/identity"
)

// User manages staff accounts: `user create --email … --role …` and
// `user reset-2fa --email …`.
func (c Commands) User(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "reset-2fa" {
		return c.resetSecondFactor(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(`usage: supportal user create --email E --role reviewer|agent|admin [--name N] [--password P]
       supportal user reset-2fa --email E`)
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
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
	pw := *password
	if pw == "" {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	services, closeFn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	a, err := services.Identity.CreateStaffInZone(ctx, *email, *name, r, pw, *zone)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(c.Stdout, "created %s account %s (id %d)\n", a.Role, a.Email, a.ID)
	if *password == "" {
		fmt.Fprintf(c.Stdout, "password: %s\n", pw)
	}
	return nil
}
