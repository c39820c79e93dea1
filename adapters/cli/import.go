package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"supportal/adapters/i18n"
	"supportal/adapters/xlsx"
	"supportal/domain/warranty"
)

const importUsage = `usage: supportal import warranty --file F.csv|F.xlsx [--mode upsert|snapshot] [--dry-run] [--skip-invalid] [--quiet]`

// shownRowErrors is how many row errors a failed import prints.
const shownRowErrors = 20

// Import imports warranty data from a CSV or XLSX file (SPEC §3.3):
// `import warranty --file F`. It shows a progress bar on a terminal, then the
// run's counts; a failed run prints its first row errors and fails, and an
// interrupted one (ctx ends: Ctrl-C, SIGTERM) says that nothing was changed
// and fails. The warranty service records and audits the run.
func (c Commands) Import(ctx context.Context, args []string) error {
	stdout, stderr := c.Stdout, c.Stderr
	if len(args) == 0 || args[0] != "warranty" {
		return errors.New(importUsage)
	}
	fs := flag.NewFlagSet("import warranty", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "", "the CSV (UTF-8) or XLSX file to import; the type is told by content")
	mode := fs.String("mode", string(warranty.ModeUpsert), "upsert (insert and update) or snapshot (also remove the file's customers' lines it does not list)")
	dryRun := fs.Bool("dry-run", false, "count what would change, change nothing")
	skipInvalid := fs.Bool("skip-invalid", false, "apply the valid rows even if some are invalid")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *file == "" || fs.NArg() > 0 {
		return errors.New(importUsage)
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	svc, closeFn, err := c.Open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()

	bar := newProgressBar(info.Size(), stderr, *quiet)
	// Opened by the import, so that a file refused at its header is a
	// recorded run too.
	src := warranty.OpenLater(func() (warranty.Source, error) { return openImportFile(io.TeeReader(f, bar)) })
	defer src.Close()
	o := warranty.ImportOptions{Mode: warranty.Mode(*mode), DryRun: *dryRun, SkipInvalid: *skipInvalid,
		Source: "cli:" + filepath.Base(*file), By: warranty.Actor{User: c.Operator, UserAgent: "supportal-cli"}}
	run, err := svc.Warranty.Import(ctx, src, o)
	_ = bar.Finish()
	printRun(stdout, run)
	if run.Status == warranty.RunCancelled || (err != nil && ctx.Err() != nil) {
		// Interrupted (Ctrl-C, SIGTERM): the batch was rolled back, or
		// never begun.
		return explainKey(warranty.ErrCancelled)
	}
	if err != nil {
		return explain(err)
	}
	return nil
}

// openImportFile reads CSV or XLSX, told apart by the zip archive's first
// bytes rather than by the file's name.
func openImportFile(r io.Reader) (warranty.Source, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(xlsx.Magic))
	if bytes.HasPrefix(head, []byte(xlsx.Magic)) {
		return xlsx.NewSource(br)
	}
	return warranty.NewCSVSource(br)
}

// newProgressBar returns a bar of the bytes read from the file on stderr,
// or one that shows nothing when stderr is not a terminal or quiet is set.
func newProgressBar(size int64, stderr io.Writer, quiet bool) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	visible := ok && !quiet && term.IsTerminal(int(f.Fd()))
	// DefaultBytes' options, on the given writer.
	return progressbar.NewOptions64(size,
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(10),
		progressbar.OptionThrottle(65*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionOnCompletion(func() {
			if visible {
				fmt.Fprintln(stderr)
			}
		}),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionFullWidth(),
		progressbar.OptionSetRenderBlankState(visible),
	)
}

// printRun writes the run's summary and, for a failed run, its first row
// errors in English; a failed run's output ends with an empty line, which
// sets the error that follows it apart.
func printRun(w io.Writer, run warranty.Run) {
	if run.ID == 0 {
		return
	}
	b, err := i18n.Load()
	if err != nil {
		return
	}
	k := run.Counts
	switch run.Status {
	case warranty.RunDryRun:
		fmt.Fprintf(w, "dry run %d (%s): nothing was changed\n", run.ID, run.Mode)
	default:
		fmt.Fprintf(w, "import run %d (%s): %s\n", run.ID, run.Mode, run.Status)
	}
	fmt.Fprintf(w, "read %d, inserted %d, updated %d, unchanged %d, removed %d, rejected %d\n",
		k.Read, k.Inserted, k.Updated, k.Unchanged, k.Removed, k.Rejected)
	if k.Duplicates > 0 {
		fmt.Fprintln(w, b.T(i18n.EN, "import.warning.duplicates", map[string]any{"Count": k.Duplicates}))
	}
	switch {
	case run.Status == warranty.RunFailed:
		// The error's own line follows after an empty one.
		printRowErrors(w, b, run.Errors)
		fmt.Fprintln(w)
	case len(run.Errors) == 0:
	case run.Status == warranty.RunSucceeded, run.Status == warranty.RunDryRun:
		fmt.Fprintln(w, b.T(i18n.EN, "import.cli.skipped", map[string]any{"Count": k.Rejected}))
		printRowErrors(w, b, run.Errors)
	}
}

func printRowErrors(w io.Writer, b *i18n.Bundle, errs []warranty.RowError) {
	for i, e := range errs {
		if i == shownRowErrors {
			fmt.Fprintln(w, b.T(i18n.EN, "import.cli.more", map[string]any{"Count": len(errs) - shownRowErrors}))
			return
		}
		msg := b.T(i18n.EN, e.Key, e.Data)
		if e.Column == "" {
			fmt.Fprintf(w, "line %d: %s\n", e.Line, msg)
		} else {
			fmt.Fprintf(w, "line %d, column %s: %s\n", e.Line, e.Column, msg)
		}
	}
}
