package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// loadFlags are the flags of the load command that all shares.
type loadFlags struct {
	concurrency int
	sessions    int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int64
	sample      int
}

func (l *loadFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&l.concurrency, "concurrency", 32, "concurrent workers (one connection each)")
	fs.IntVar(&l.sessions, "sessions", 4, "signed-in sessions the workers share (each sign-in costs one argon2id hash)")
	fs.DurationVar(&l.duration, "duration", 30*time.Second, "measured time of each run")
	fs.DurationVar(&l.warmup, "warmup", 3*time.Second, "unmeasured time before each run")
	fs.Int64Var(&l.maxRequests, "max-requests", 2_000_000, "measured requests of each run at most")
	fs.IntVar(&l.sample, "sample", 10000, "devices of the company sampled from the file for search inputs")
}

// loadCmd drives a running server's lookup with signed-in sessions.
func loadCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var lf loadFlags
	lf.register(fs)
	base := fs.String("base-url", "http://127.0.0.1:8080", "the server (127.0.0.1, ::1 or localhost only)")
	email := fs.String("email", "", "a customer of a verified company")
	password := fs.String("password", "", "the customer's password")
	mixFlag := fs.String("mix", "fuzzy-rare=60,sn=30,common=10", "request kinds and weights")
	file := fs.String("file", "data.csv", "the imported CSV file, to pick the company's real SNs and name fragments")
	code := fs.String("credit-code", "", "the customer's company (default: the company with the most devices in --file)")
	pid := fs.Int("server-pid", 0, "the server's process id, to sample its RSS and CPU (0: do not)")
	pgPID := fs.Int("pg-pid", 0, "the PostgreSQL postmaster's process id, for its CPU per request (0: do not)")
	pages := fs.String("pages", "both", "fragment (htmx results), full (whole pages) or both, one run each")
	seed := fs.Uint64("seed", 1, "random seed of the request sequence")
	asJSON := fs.Bool("json", false, "end with the results as one JSON line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := localURL(*base)
	if err != nil {
		return err
	}
	mix, err := ParseMix(*mixFlag)
	if err != nil {
		return err
	}
	var fulls []bool
	switch *pages {
	case "fragment":
		fulls = []bool{false}
	case "full":
		fulls = []bool{true}
	case "both":
		fulls = []bool{false, true}
	default:
		return fmt.Errorf("load: --pages %q: want fragment, full or both", *pages)
	}
	if *email == "" || *password == "" {
		return errors.New("load: give --email and --password of a verified customer")
	}
	t, err := LoadTargets(*file, *code, lf.sample, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "load: company %s %s: %d devices, %d sampled\n", t.Code, t.Name, t.Devices, len(t.SNs))
	c := newClient(lf.concurrency)
	sessions, err := signInAll(ctx, c, u, *email, *password, lf.sessions)
	if err != nil {
		return err
	}
	var results []LoadResult
	for _, full := range fulls {
		o := LoadOptions{Base: u, Sessions: sessions, Targets: t, Mix: mix, Concurrency: lf.concurrency, Warmup: lf.warmup,
			Duration: lf.duration, MaxRequests: lf.maxRequests, Full: full, ServerPID: *pid, PGPID: *pgPID, Seed: *seed}
		res, err := runAndPrint(ctx, c, o, *mixFlag, stdout)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(results)
	}
	return nil
}

// signInAll signs n sessions in, one after another, and checks the first
// with one lookup.
func signInAll(ctx context.Context, c *http.Client, base *url.URL, email, password string, n int) ([]string, error) {
	out := make([]string, max(n, 1))
	for i := range out {
		var err error
		if out[i], err = signIn(ctx, c, base, email, password); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+"/warranty", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", out[0])
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("load: check the session: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("load: GET /warranty as the customer answered %s %s (is the company verified?)",
			resp.Status, resp.Header.Get("Location"))
	}
	return out, nil
}

// runAndPrint runs one load and prints its table.
func runAndPrint(ctx context.Context, c *http.Client, o LoadOptions, name string, stdout io.Writer) (LoadResult, error) {
	what := "htmx results fragment"
	if o.Full {
		what = "full pages"
	}
	fmt.Fprintf(stdout, "\nload: %s, %s, %d workers, %s (+%s warm-up)\n", name, what, o.Concurrency, o.Duration, o.Warmup)
	res, err := RunLoad(ctx, c, o)
	if err != nil {
		return res, err
	}
	res.Name = name
	printSummaries(stdout, res.Summaries)
	if o.ServerPID > 0 {
		fmt.Fprintf(stdout, "server RSS: peak %s during the run (VmHWM since start %s)\n", mib(res.ServerPeakRSS), mib(res.ServerHWM))
	}
	fmt.Fprintf(stdout, "CPU per request: server %s ms, PostgreSQL %s ms, load generator %s ms; load average %s → %s\n",
		ms(res.ServerCPU), ms(res.PGCPU), ms(res.ClientCPU), res.LoadAvg[0], res.LoadAvg[1])
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

// mixName shortens a mix for tables: "sn=100" → "sn".
func mixName(mix []MixEntry) string {
	if len(mix) == 1 {
		return mix[0].Kind
	}
	parts := make([]string, len(mix))
	for i, m := range mix {
		parts[i] = fmt.Sprintf("%d %% %s", m.Weight, m.Kind)
	}
	return strings.Join(parts, ", ")
}
