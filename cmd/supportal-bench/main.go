// Command supportal-bench measures Supportal's warranty import and lookup on
// a realistic data set: it generates the data, loads it through the import
// service, and drives a running server over HTTP with signed-in sessions.
//
//	supportal-bench gen    --devices 1000000 --out data.csv
//	supportal-bench import --database-url URL --file data.csv
//	supportal-bench load   --base-url http://127.0.0.1:8080 --email … --password … --file data.csv --server-pid N
//	supportal-bench tickets --database-url URL --tickets 1000000
//	supportal-bench all    --devices 200000 [--tickets 200000]
//
// all does everything on a throwaway PostgreSQL and MinIO and prints a
// Markdown table; the README's "Performance" section lists its results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: supportal-bench <command> [flags]

Commands:
  gen      write a generated data set as an import CSV file
  import   import a CSV file through the warranty import service, then COPY it raw for comparison
  load     drive a running server's warranty lookup with signed-in sessions (127.0.0.1 only)
  tickets  generate a ticket data set over the companies of the gen flags and COPY it into a database
  all      start PostgreSQL, MinIO and the server, then gen, import, load and print a Markdown table;
           with --tickets N also the ticket data set and the ticket loads (--ticket-runs, --lookups=false
           for the ticket loads alone); with --database-url and --tickets the loads of a loaded data set

Run "supportal-bench <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "supportal-bench:", err)
		os.Exit(1)
	}
}

// run dispatches to the sub-command named by args[0].
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "gen":
		return genCmd(ctx, args[1:], stdout)
	case "import":
		return importCmd(ctx, args[1:], stdout)
	case "load":
		return loadCmd(ctx, args[1:], stdout)
	case "tickets":
		return ticketsCmd(ctx, args[1:], stdout)
	case "all":
		return allCmd(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
