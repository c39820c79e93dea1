// Command supportal is the whole product in one binary: the web server, the
// development environment, migrations and the staff CLI. This file is the
// composition root: the one place that knows every concrete type.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"syscall"

	"supportal/adapters/cli"
	_ "time/tzdata" // time zones work without /usr/share/zoneinfo
)

const usage = `Usage: supportal <command> [flags]

Commands:
  serve                 run the web server (configuration from SUPPORTAL_* variables)
  dev                   run everything locally: PostgreSQL, MinIO, a mailbox, demo data
  migrate               apply the database migrations
  user create           create a staff account: --email, --role reviewer|agent|admin, [--name], [--password]
  user reset-2fa        remove a staff account's second factor (it enrols again at its next sign-in): --email
  import warranty       import devices and service lines: --file F.csv|F.xlsx, [--mode upsert|snapshot],
                        [--dry-run], [--skip-invalid], [--quiet]
  token create          create a service token for the API: --name N (the token is shown once)
  token list            list the service tokens
  token revoke          revoke a service token: --id N
  mail receive          hand one email on standard input to the tickets (for an MTA pipe):
                        [--rcpt ADDR]... [--sender ADDR]; exit 75 on a temporary failure
  mail send             send a reply to the inbound listener: --to ADDR --from ADDR [--text T] [--file F]...

Run "supportal <command> -h" for the flags of a command. The README lists the
environment variables.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "supportal:", err)
		var ee *cli.ExitError
		if errors.As(err, &ee) {
			os.Exit(ee.Code)
		}
		os.Exit(1)
	}
}

// run dispatches to the sub-command named by args[0].
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, stdout)
	case "dev":
		return dev(ctx, cfg, args[1:], stdout)
	case "migrate":
		return migrateCmd(ctx, cfg, stdout)
	case "user":
		return commands(cfg, getenv, stdout, stderr).User(ctx, args[1:])
	case "import":
		return commands(cfg, getenv, stdout, stderr).Import(ctx, args[1:])
	case "token":
		return commands(cfg, getenv, stdout, stderr).Token(ctx, args[1:])
	case "mail":
		return mailCommands(cfg, stdout, stderr).Mail(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// commands returns the staff commands over the services of the configured
// database (openServices).
func commands(cfg config, getenv func(string) string, stdout, stderr io.Writer) cli.Commands {
	open := func(ctx context.Context) (cli.Services, func() error, error) {
		s, err := openServices(ctx, cfg, newLogger(cfg, stderr))
		if err != nil {
			return cli.Services{}, nil, err
		}
		return cli.Services{Identity: s.identity, Warranty: s.warranty}, s.close, nil
	}
	return cli.Commands{Open: open, Stdout: stdout, Stderr: stderr, Operator: operator(getenv)}
}

// operator returns the operating-system user who runs the binary, "" when
// it cannot tell.
func operator(getenv func(string) string) string {
	if u := getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
