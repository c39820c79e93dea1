package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"supportal/adapters/argon2id"
	"supportal/adapters/postgres"
	"supportal/domain/ticket"
)

// ticketFlags are the ticket data set and run flags shared by tickets and all.
type ticketFlags struct {
	spec             TicketSpec
	runs             string
	creatorCompanies int
	devicesPer       int
}

func (t *ticketFlags) register(fs *flag.FlagSet, tickets int) {
	fs.IntVar(&t.spec.Tickets, "tickets", tickets, "tickets of the ticket data set (all: 0 for none)")
	fs.IntVar(&t.spec.Messages, "messages", 0, "messages of the ticket data set, about (0: 5 per ticket)")
	fs.IntVar(&t.spec.Open, "open", 20000, "open tickets (新建, 处理中, 待客户反馈), at most half the tickets")
	fs.IntVar(&t.spec.Agents, "agents", 20, "agent accounts")
	fs.IntVar(&t.spec.Customers, "customers", 5, "customer accounts of every company")
	fs.IntVar(&t.spec.TopCustomers, "top-customers", 50, "customer accounts of the largest company")
	fs.Float64Var(&t.spec.TopShare, "ticket-top-share", 0.10, "share of the tickets held by the largest company")
	fs.StringVar(&t.runs, "ticket-runs", strings.Join(TicketRuns, ","), "ticket load runs: list, detail, queue:<view>, create, report:page|year|company|export")
	fs.IntVar(&t.creatorCompanies, "creator-companies", 80, "companies whose customers open the tickets of the create run "+
		"(each account up to 20 an hour, each company up to 100 a day)")
	fs.IntVar(&t.devicesPer, "ticket-devices", 64, "devices of each company that tickets refer to, from the warranty data")
}

// finish fills the defaults that depend on other flags.
func (t *ticketFlags) finish(seed uint64) {
	if t.spec.Messages == 0 {
		t.spec.Messages = 5 * t.spec.Tickets
	}
	t.spec.Open = min(t.spec.Open, t.spec.Tickets/2)
	t.spec.Seed = seed
	t.spec.Now = time.Now().UTC().Truncate(time.Hour)
}

// ticketsCmd generates a ticket data set over the companies of the device
// data set flags and loads it into a migrated database.
func ticketsCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tickets", flag.ContinueOnError)
	spec := genFlags(fs)
	var tf ticketFlags
	tf.register(fs, 100000)
	url := fs.String("database-url", os.Getenv("SUPPORTAL_DATABASE_URL"), "PostgreSQL URL (default $SUPPORTAL_DATABASE_URL)")
	pgPID := fs.Int("pg-pid", 0, "the PostgreSQL postmaster's process id, for its CPU time (0: do not)")
	asJSON := fs.Bool("json", false, "end with the result as one JSON line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" {
		return errors.New("tickets: give --database-url or set SUPPORTAL_DATABASE_URL")
	}
	tf.finish(spec.Seed)
	res, err := loadTicketData(ctx, *url, *spec, tf, *pgPID, stdout)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	return nil
}

// loadTicketData migrates the database, generates the data set (tickets
// refer to devices of the warranty data when there are any) and loads it.
func loadTicketData(ctx context.Context, dbURL string, devSpec Spec, tf ticketFlags, pgPID int, stdout io.Writer) (TicketImport, error) {
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return TicketImport{}, err
	}
	defer db.Close()
	if err := postgres.Migrate(ctx, db.DB); err != nil {
		return TicketImport{}, err
	}
	var taken int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE email LIKE '%@bench.example.com'`).Scan(&taken); err != nil || taken > 0 {
		return TicketImport{}, fmt.Errorf("tickets: the database has a ticket data set already (%d accounts, %v)", taken, err)
	}
	b, err := ReadBases(ctx, db.DB)
	if err != nil {
		return TicketImport{}, err
	}
	g0, err := NewTicketGen(tf.spec, devSpec, b, nil)
	if err != nil {
		return TicketImport{}, err
	}
	codes := make([]string, len(g0.Companies()))
	for i, c := range g0.Companies() {
		codes[i] = c.Code
	}
	devs, err := ReadDevices(ctx, db.DB, codes, tf.devicesPer)
	if err != nil {
		return TicketImport{}, err
	}
	g, err := NewTicketGen(tf.spec, devSpec, b, devs)
	if err != nil {
		return TicketImport{}, err
	}
	hash, err := argon2id.New(argon2id.Default, 0).Hash(ctx, benchPassword)
	if err != nil {
		return TicketImport{}, err
	}
	fmt.Fprintf(stdout, "tickets: loading %d tickets, about %d messages, %d open, over %d companies (%d with devices)\n",
		tf.spec.Tickets, tf.spec.Messages, tf.spec.Open, len(codes), len(devs))
	res, err := LoadTickets(ctx, db.DB, g, hash, pgPID)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(stdout, "tickets: %d companies, %d accounts, %d tickets (%d open, %d of the largest company), %d messages, %d events, %d followers "+
		"in %s (people %s, tickets %s, threads %s, ANALYZE %s); CPU: this process %s, PostgreSQL %s; the ticket tables take %s\n",
		res.Companies, res.Accounts, res.Tickets, res.Open, res.TopTickets, res.Messages, res.Events, res.Followers,
		secs(res.Elapsed), secs(res.People), secs(res.TicketsDur), secs(res.Threads), secs(res.Analyze), secs(res.SelfCPU), secs(res.PGCPU), mib(res.Bytes))
	return res, nil
}

// ticketLoads signs the customer, the agents and the creators in and runs
// every ticket run against the server; a run that cannot start (a page
// missing) is reported and skipped.
func (a *allRun) ticketLoads(ctx context.Context, lf loadFlags, o allOptions, tf ticketFlags) error {
	srv, err := a.server(ctx, withoutTimers(o.env))
	if err != nil {
		return err
	}
	base, err := localURL(srv.base)
	if err != nil {
		return err
	}
	db, err := sql.Open("postgres", a.url)
	if err != nil {
		return err
	}
	t, err := ReadTicketTargets(ctx, db, tf.spec, lf.sessions, tf.creatorCompanies)
	db.Close()
	if err != nil {
		return err
	}
	c := newClient(lf.concurrency)
	customers, err := signInAll(ctx, c, base, benchEmail, benchPassword, lf.sessions)
	if err != nil {
		return err
	}
	if err := resetSecondFactors(ctx, a.url, t.Agents); err != nil {
		return err
	}
	var agents []string
	for _, e := range t.Agents {
		ck, err := staffSignIn(ctx, c, base, e, benchPassword)
		if err != nil {
			return err
		}
		agents = append(agents, ck)
	}
	a.logf("signed in: %d sessions of %s (company %d, %d tickets), %d agents", len(customers), benchEmail, t.CompanyID, len(t.IDs), len(agents))
	for i, run := range strings.Split(tf.runs, ",") {
		run = strings.TrimSpace(run)
		lo := LoadOptions{Base: base, Sessions: customers, Concurrency: lf.concurrency, Warmup: lf.warmup, Duration: lf.duration,
			MaxRequests: lf.maxRequests, Full: true, ServerPID: srv.pid(), PGPID: a.pgPID, Seed: uint64(100 + i), Kinds: []string{run}}
		switch {
		case run == RunList:
			lo.Request = listRequest(&t)
		case run == RunDetail:
			lo.Request = detailRequest(&t)
		case strings.HasPrefix(run, runQueue):
			lo.Request, lo.Sessions = queueRequest(strings.TrimPrefix(run, runQueue)), agents
		case strings.HasPrefix(run, runReport):
			req, err := reportRequest(run, &t, time.Now())
			if err != nil {
				return err
			}
			// The reports' target is at 8 staff users at once.
			lo.Request, lo.Sessions, lo.Concurrency = req, agents, min(lf.concurrency, reportConcurrency)
		case run == RunCreate:
			a.logf("signing in %d customers of %d companies to open tickets", len(t.Creators), tf.creatorCompanies)
			cs, err := prepareCreators(ctx, c, base, t.Creators)
			if err != nil {
				a.r.TicketNotes = append(a.r.TicketNotes, fmt.Sprintf("%s: not run: %v", run, err))
				a.logf("%s: not run: %v", run, err)
				continue
			}
			lo.Request, lo.Sessions = createRequest(cs, ticket.DefaultLimits.PerAccountHour), make([]string, len(cs))
			lo.Warmup = 0 // a warm-up would spend the creation limits; the server is warm from the runs before
		default:
			return fmt.Errorf("all: unknown ticket run %q (list, detail, queue:<view>, create, report:…)", run)
		}
		res, err := runAndPrint(ctx, c, lo, run, a.out)
		if err != nil {
			return err
		}
		a.r.TicketLoads = append(a.r.TicketLoads, res)
		if run == RunReportPage {
			a.r.TicketNotes = append(a.r.TicketNotes, fmt.Sprintf("the report runs use %d workers (the reports' target)", lo.Concurrency))
		}
	}
	if m, err := ReadMemory(fmt.Sprint(srv.pid())); err == nil {
		a.r.ServerHWM = m.HWM
	}
	return nil
}
