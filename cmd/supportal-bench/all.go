package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"supportal/adapters/postgres"
	"supportal/adapters/postgres/localpg"
)

// allOptions are the flags of all besides the data set and load flags.
type allOptions struct {
	dir, mixes, fullMix, env     string
	dbURL, data                  string
	pgPID                        int
	keep, statements, importOnly bool
	again, analyze, lookups      bool
	reuse                        bool
}

// allCmd runs the whole benchmark on throwaway services: PostgreSQL (default
// settings, fsync on), gen, import, MinIO, a mailbox, the server, a verified
// customer of the largest company, the load mixes; then prints a table.
func allCmd(ctx context.Context, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("all", flag.ContinueOnError)
	spec := genFlags(fs)
	var lf loadFlags
	lf.register(fs)
	var o allOptions
	var tf ticketFlags
	tf.register(fs, 0)
	fs.BoolVar(&o.lookups, "lookups", true, "run the warranty lookup loads (false: only the ticket loads, with --tickets)")
	fs.StringVar(&o.dir, "dir", "", "work folder (default: a new folder under $TMPDIR, removed at the end)")
	fs.BoolVar(&o.keep, "keep", false, "keep the work folder (data, PostgreSQL, logs)")
	fs.StringVar(&o.mixes, "mixes", "fuzzy-rare=60,sn=30,common=10;sn=100;fuzzy-rare=100;common=100", "load runs on the htmx fragment, separated by ;")
	fs.StringVar(&o.fullMix, "full-mix", "fuzzy-rare=60,sn=30,common=10", "load run on full pages (empty: none)")
	fs.BoolVar(&o.statements, "statements", false, "restart PostgreSQL with pg_stat_statements and print each run's costliest statements")
	fs.BoolVar(&o.importOnly, "import-only", false, "stop after the import (no server, no load)")
	fs.StringVar(&o.env, "server-env", "", "extra environment of the server, e.g. GOMEMLIMIT=40MiB,GOGC=50")
	fs.BoolVar(&o.analyze, "analyze", true, "ANALYZE the tables after the import, before the lookups (false: rely on autovacuum)")
	fs.BoolVar(&o.again, "again", true, "time a second import of the same file (every line unchanged)")
	fs.StringVar(&o.dbURL, "database-url", "", "use this database, already imported from --data, instead of starting PostgreSQL, gen and import (lookups only)")
	fs.StringVar(&o.data, "data", "", "with --database-url: the data file that was imported")
	fs.IntVar(&o.pgPID, "pg-pid", 0, "with --database-url: the postmaster's pid, for the CPU columns")
	fs.BoolVar(&o.reuse, "reuse", false, "with --dir of an earlier --keep run and --lookups=false: start its PostgreSQL and run the ticket loads again, without gen, import or loading the ticket data set")
	if err := fs.Parse(args); err != nil {
		return err
	}
	g, err := NewGenerator(*spec)
	if err != nil {
		return err
	}
	tf.finish(spec.Seed)
	top := g.Companies()[0]
	a := &allRun{out: stdout, r: report{Spec: *spec, Concurrency: lf.concurrency, Duration: lf.duration,
		Company: top.Code, CompanyDevices: top.Devices}}
	defer func() { err = errors.Join(err, a.stop()) }()
	o.keep = o.keep || o.reuse
	if err := a.workDir(o.dir, o.keep); err != nil {
		return err
	}
	if o.dbURL != "" {
		return a.existing(ctx, lf, o, tf, spec.Seed)
	}
	if err := a.startPostgres(ctx); err != nil {
		return err
	}
	if o.reuse {
		if o.dir == "" || o.lookups || tf.spec.Tickets == 0 {
			return errors.New("all: --reuse needs --dir of a kept run, --lookups=false and its --tickets")
		}
		a.logf("reusing the database of %s", a.dir)
		if err := migrateReused(ctx, a.url, a.logf); err != nil {
			return err
		}
		if err := a.loads(ctx, lf, o, tf, spec.Seed); err != nil {
			return err
		}
		return a.finish(ctx)
	}
	genArgs := []string{"gen", "--out", a.file()}
	for _, name := range []string{"companies", "devices", "lines-per-device", "seed", "top-share", "second-share", "zipf"} {
		genArgs = append(genArgs, "--"+name, fs.Lookup(name).Value.String())
	}
	if _, err := runChild(ctx, stdout, genArgs...); err != nil {
		return err
	}
	if err := a.importFile(ctx, o.again, o.analyze); err != nil {
		return err
	}
	if tf.spec.Tickets > 0 {
		res, err := loadTicketData(ctx, a.url, *spec, tf, a.pgPID, a.out)
		if err != nil {
			return err
		}
		a.r.Tickets, a.r.TicketImport = tf.spec, &res
	}
	if !o.importOnly {
		if err := a.loads(ctx, lf, o, tf, spec.Seed); err != nil {
			return err
		}
	}
	return a.finish(ctx)
}

// loads runs the lookup loads (unless --lookups=false) and, with a ticket
// data set, the ticket loads.
func (a *allRun) loads(ctx context.Context, lf loadFlags, o allOptions, tf ticketFlags, seed uint64) error {
	if o.lookups {
		if err := a.lookup(ctx, lf, o, seed); err != nil {
			return err
		}
	}
	if tf.spec.Tickets > 0 {
		a.r.Tickets = tf.spec
		return a.ticketLoads(ctx, lf, o, tf)
	}
	return nil
}

// existing runs the lookups against a database imported before (see the
// --database-url flag), e.g. to compare code changes without importing again.
func (a *allRun) existing(ctx context.Context, lf loadFlags, o allOptions, tf ticketFlags, seed uint64) error {
	if o.data == "" || o.statements {
		return errors.New("all: --database-url needs --data, and cannot restart PostgreSQL for --statements")
	}
	a.url, a.data, a.pgPID = o.dbURL, o.data, o.pgPID
	if err := a.loads(ctx, lf, o, tf, seed); err != nil {
		return err
	}
	return a.finish(ctx)
}

// finish prints the report.
func (a *allRun) finish(ctx context.Context) error {
	a.r.Machine = machine(ctx, a.url)
	fmt.Fprintln(a.out)
	a.r.markdown(a.out)
	return nil
}

// allRun is the state of one all run: its work folder, PostgreSQL, what to
// stop at the end and the report.
type allRun struct {
	out   io.Writer
	dir   string
	pg    *localpg.Server
	url   string // of the database
	data  string // the data file, when not the work folder's
	pgPID int
	pgLog *os.File
	srv   *server // once started
	stops []func() error
	r     report
}

func (a *allRun) logf(format string, args ...any) { fmt.Fprintf(a.out, "all: "+format+"\n", args...) }

func (a *allRun) file() string {
	if a.data != "" {
		return a.data
	}
	return filepath.Join(a.dir, "data.csv")
}

// stop stops everything started, last first.
func (a *allRun) stop() error {
	var errs []error
	for i := len(a.stops) - 1; i >= 0; i-- {
		errs = append(errs, a.stops[i]())
	}
	return errors.Join(errs...)
}

// workDir creates the work folder and schedules its removal (unless keep).
// PostgreSQL runs as the postgres user when this runs as root, so the folder
// is world-searchable.
func (a *allRun) workDir(dir string, keep bool) error {
	var err error
	if dir == "" {
		if dir, err = os.MkdirTemp("", "supportal-bench-"); err != nil {
			return err
		}
	} else if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if a.dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	if !keep {
		a.stops = append(a.stops, func() error { return os.RemoveAll(a.dir) })
	}
	a.logf("work folder %s", a.dir)
	return os.Chmod(a.dir, 0o755)
}

// startPostgres starts a throwaway PostgreSQL with its default settings.
func (a *allRun) startPostgres(ctx context.Context) error {
	var err error
	if a.pgLog, err = os.Create(filepath.Join(a.dir, "postgres.log")); err != nil {
		return err
	}
	a.stops = append(a.stops, a.pgLog.Close)
	if a.pg, err = localpg.Start(ctx, localpg.Options{Dir: filepath.Join(a.dir, "postgres"), Log: a.pgLog}); err != nil {
		return err
	}
	a.stops = append(a.stops, func() error { return a.pg.Stop() }) // a.pg may be restarted
	if a.pgPID, err = postmasterPID(filepath.Join(a.dir, "postgres")); err != nil {
		return err
	}
	a.url = a.pg.URL()
	a.logf("PostgreSQL at %s, pid %d (default settings: fsync on, synchronous_commit on)", a.url, a.pgPID)
	return nil
}

// importFile runs the import command in a child process, so that its peak
// RSS is the import's alone.
func (a *allRun) importFile(ctx context.Context, again, analyze bool) error {
	out, err := runChild(ctx, a.out, "import", "--database-url", a.url, "--file", a.file(),
		"--again="+fmt.Sprint(again), "--analyze="+fmt.Sprint(analyze), "--json", "--pg-pid", fmt.Sprint(a.pgPID))
	if err != nil {
		return err
	}
	return decodeLastLine(out, &a.r.Import)
}

// lookup creates the verified customer, starts the server and runs the
// load mixes.
func (a *allRun) lookup(ctx context.Context, lf loadFlags, o allOptions, seed uint64) error {
	t, err := LoadTargets(a.file(), "", lf.sample, seed)
	if err != nil {
		return err
	}
	a.r.Company, a.r.CompanyDevices = t.Code, t.Devices
	if err := createVerifiedCustomer(ctx, a.url, t.Code, t.Name); err != nil {
		return err
	}
	a.logf("customer %s of %s %s (%d devices), verified", benchEmail, t.Code, t.Name, t.Devices)
	if o.statements {
		if a.pg, err = enableStatements(ctx, a.pg, a.dir, a.pgLog); err != nil {
			return err
		}
		if a.pgPID, err = postmasterPID(filepath.Join(a.dir, "postgres")); err != nil {
			return err
		}
		a.url = a.pg.URL()
		a.logf("PostgreSQL restarted with pg_stat_statements at %s, pid %d", a.url, a.pgPID)
	}
	srv, err := a.server(ctx, o.env)
	if err != nil {
		return err
	}
	base, err := localURL(srv.base)
	if err != nil {
		return err
	}
	c := newClient(lf.concurrency)
	sessions, err := signInAll(ctx, c, base, benchEmail, benchPassword, lf.sessions)
	if err != nil {
		return err
	}
	runs := strings.Split(o.mixes, ";")
	if o.fullMix != "" {
		runs = append(runs, "full:"+o.fullMix)
	}
	for i, spec := range runs {
		mix, err := ParseMix(strings.TrimPrefix(spec, "full:"))
		if err != nil {
			return err
		}
		lo := LoadOptions{Base: base, Sessions: sessions, Targets: t, Mix: mix, Concurrency: lf.concurrency, Warmup: lf.warmup,
			Duration: lf.duration, MaxRequests: lf.maxRequests, Full: strings.HasPrefix(spec, "full:"),
			ServerPID: srv.pid(), PGPID: a.pgPID, Seed: uint64(i + 1)}
		if o.statements {
			lo.BeforeMeasure = func() error { return resetStatements(ctx, a.url) }
		}
		res, err := runAndPrint(ctx, c, lo, mixName(mix), a.out)
		if err != nil {
			return err
		}
		a.r.Loads = append(a.r.Loads, res)
		if o.statements {
			if err := statementsReport(ctx, a.url, res.Summaries[len(res.Summaries)-1].Requests, a.out); err != nil {
				return err
			}
		}
	}
	if m, err := ReadMemory(fmt.Sprint(srv.pid())); err == nil {
		a.r.ServerHWM = m.HWM
	}
	return nil
}

// server returns the running server, started on first use.
func (a *allRun) server(ctx context.Context, env string) (*server, error) {
	if a.srv != nil {
		return a.srv, nil
	}
	srv, err := a.startServer(ctx, env)
	a.srv = srv
	return srv, err
}

// startServer builds the supportal binary and serves it over the throwaway
// PostgreSQL, a MinIO server and an in-process mailbox.
func (a *allRun) startServer(ctx context.Context, env string) (*server, error) {
	bin, err := buildServer(ctx, a.dir, a.out)
	if err != nil {
		return nil, err
	}
	d, err := startDeps(ctx, a.dir, a.out)
	if err != nil {
		return nil, err
	}
	a.stops = append(a.stops, d.stop)
	var extra []string
	if env != "" {
		extra = strings.Split(env, ",")
		a.logf("server environment %s", strings.Join(extra, " "))
	}
	srv, err := startServer(ctx, bin, a.url, d, filepath.Join(a.dir, "server.log"), extra)
	if err != nil {
		return nil, err
	}
	a.stops = append(a.stops, srv.stop)
	if m, err := ReadMemory(fmt.Sprint(srv.pid())); err == nil {
		a.r.ServerIdleRSS = m.RSS
	}
	a.logf("server pid %d at %s (idle RSS %s)", srv.pid(), srv.base, mib(a.r.ServerIdleRSS))
	return srv, nil
}

// migrateReused brings a kept database up to the migrations of this
// build, which may be newer than the run that kept it.
func migrateReused(ctx context.Context, url string, logf func(string, ...any)) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := postgres.Migrate(ctx, db.DB); err != nil {
		return fmt.Errorf("all: migrate: %w", err)
	}
	logf("migrated in %.1f s", time.Since(start).Seconds())
	return nil
}
