package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
)

const tokenUsage = `usage: supportal token create --name N | token list | token revoke --id N`

// Token manages the service tokens internal systems call the API with:
// `token create --name N` (the token is shown once), `token list`,
// `token revoke --id N`.
func (c Commands) Token(ctx context.Context, args []string) error {
	stdout := c.Stdout
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	var name *string
	var id *int64
	switch args[0] {
	case "create":
		name = fs.String("name", "", "what the token is for, e.g. erp-sync (1–50 characters, unique among active tokens)")
	case "list":
	case "revoke":
		id = fs.Int64("id", 0, "the id of the token, as token list shows it")
	default:
		return errors.New(tokenUsage)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || (id != nil && *id <= 0) {
		return errors.New(tokenUsage)
	}
	services, closeFn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	svc := services.Identity
	switch {
	case name != nil:
		secret, t, err := svc.CreateToken(ctx, *name)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "created service token %d (%s)\n", t.ID, t.Name)
		fmt.Fprintf(stdout, "token: %s\n", secret)
		fmt.Fprintln(stdout, "Store it now in the calling system's secrets: it is shown only this once and cannot be recovered.")
		fmt.Fprintln(stdout, `Send it as "Authorization: Bearer <token>".`)
		return nil
	case id != nil:
		if err := svc.RevokeToken(ctx, *id); err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "revoked service token %d\n", *id)
		return nil
	}
	tokens, err := svc.ListTokens(ctx)
	if err != nil {
		return err
	}
	if len(tokens) == 0 {
		fmt.Fprintln(stdout, "no service tokens")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tREVOKED")
	for _, t := range tokens {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, when(&t.CreatedAt), when(t.LastUsedAt), when(t.RevokedAt))
	}
	return tw.Flush()
}
