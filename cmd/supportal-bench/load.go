package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The request kinds of a mix.
const (
	KindRare   = "fuzzy-rare" // a model number: few matches
	KindSN     = "sn"         // an exact serial number: one match
	KindCommon = "common"     // a common word: thousands of matches, capped count
)

// MixEntry is one request kind and its weight.
type MixEntry struct {
	Kind   string
	Weight int
}

// ParseMix parses "fuzzy-rare=60,sn=30,common=10".
func ParseMix(s string) ([]MixEntry, error) {
	var mix []MixEntry
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		w, err := strconv.Atoi(v)
		if !ok || err != nil || w < 0 {
			return nil, fmt.Errorf("mix %q: want kind=weight,…", s)
		}
		if k != KindRare && k != KindSN && k != KindCommon && k != KindAdversarial && k != KindTyping {
			return nil, fmt.Errorf("mix %q: unknown kind %q (fuzzy-rare, sn, common, adversarial, typing)", s, k)
		}
		if w > 0 {
			mix = append(mix, MixEntry{k, w})
		}
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("mix %q: no kind has a weight", s)
	}
	return mix, nil
}

// kindsOf lists the kinds of a mix in order.
func kindsOf(mix []MixEntry) []string {
	ks := make([]string, len(mix))
	for i, m := range mix {
		ks[i] = m.Kind
	}
	return ks
}

// LoadOptions configure one load run.
type LoadOptions struct {
	Base        *url.URL
	Sessions    []string // Cookie headers of signed-in sessions; worker i uses i mod len
	Targets     Targets
	Mix         []MixEntry
	Concurrency int
	Warmup      time.Duration // requests not measured, before Duration
	Duration    time.Duration
	MaxRequests int64 // measured requests at most
	Full        bool  // full pages instead of the htmx results fragment
	ServerPID   int   // sampled for RSS and CPU when > 0
	PGPID       int   // the postmaster, for PostgreSQL's CPU when > 0
	Seed        uint64
	// BeforeMeasure, when set, is called after the warm-up.
	BeforeMeasure func() error
	// Request, when set, makes the requests instead of the lookup's mix:
	// it returns the kind (one of Kinds), the request and a check of the
	// answer ("" when it is right), or ok false when there is nothing left
	// to ask (the worker stops).
	Request func(w *worker) (kind string, req *http.Request, check Check, ok bool)
	Kinds   []string
	// answers keeps the first answer to each search, to check that the
	// same search always gets the same answer (set by RunLoad).
	answers *answers
}

// Check tells why an answer is wrong, or "" when it is right.
type Check func(resp *http.Response, body []byte) string

// LoadResult is what a load run measured.
type LoadResult struct {
	Name          string        `json:"name"`
	Full          bool          `json:"full"`
	Concurrency   int           `json:"concurrency"`
	Elapsed       time.Duration `json:"elapsed"`
	Summaries     []Summary     `json:"summaries"`
	ServerPeakRSS int64         `json:"server_peak_rss"` // highest VmRSS sampled during the run
	ServerHWM     int64         `json:"server_hwm"`      // VmHWM: the server's peak since it started
	// CPU time per measured request of the server, PostgreSQL and this
	// load generator, and the 1-minute load average before and after.
	ServerCPU time.Duration `json:"server_cpu"`
	PGCPU     time.Duration `json:"pg_cpu"`
	ClientCPU time.Duration `json:"client_cpu"`
	LoadAvg   [2]string     `json:"load_avg"`
}

// RunLoad drives the lookup with o.Concurrency workers for o.Warmup, then
// measures for o.Duration or until o.MaxRequests requests have been made.
func RunLoad(ctx context.Context, c *http.Client, o LoadOptions) (LoadResult, error) {
	if !o.Full { // a full page holds the session's CSRF token
		o.answers = &answers{}
	}
	var sampler *RSSSampler
	if o.ServerPID > 0 {
		sampler = SampleRSS(strconv.Itoa(o.ServerPID), 100*time.Millisecond)
	}
	if o.Warmup > 0 {
		if _, _, err := phase(ctx, c, o, o.Warmup, 1<<62); err != nil {
			return LoadResult{}, err
		}
	}
	if o.BeforeMeasure != nil {
		if err := o.BeforeMeasure(); err != nil {
			return LoadResult{}, err
		}
	}
	var res LoadResult
	res.LoadAvg[0] = loadAvg()
	srv0, pg0, cli0 := cpuOf(o.ServerPID, ProcCPU), cpuOf(o.PGPID, TreeCPU), SelfCPU()
	rec, elapsed, err := phase(ctx, c, o, o.Duration, o.MaxRequests)
	if err != nil {
		return LoadResult{}, err
	}
	srv1, pg1, cli1 := cpuOf(o.ServerPID, ProcCPU), cpuOf(o.PGPID, TreeCPU), SelfCPU()
	res.LoadAvg[1] = loadAvg()
	kinds := o.Kinds
	if o.Request == nil {
		kinds = kindsOf(o.Mix)
	}
	res.Full, res.Concurrency, res.Elapsed, res.Summaries = o.Full, o.Concurrency, elapsed, rec.Summaries(kinds, elapsed)
	if n := time.Duration(res.Summaries[len(res.Summaries)-1].Requests); n > 0 {
		res.ServerCPU, res.PGCPU, res.ClientCPU = (srv1-srv0)/n, (pg1-pg0)/n, (cli1-cli0)/n
	}
	if sampler != nil {
		var last Memory
		res.ServerPeakRSS, last = sampler.Stop()
		res.ServerHWM = last.HWM
	}
	return res, nil
}

// cpuOf returns fn(pid), or 0 for pid 0.
func cpuOf(pid int, fn func(int) time.Duration) time.Duration {
	if pid <= 0 {
		return 0
	}
	return fn(pid)
}

// phase runs the workers for d (or max requests) and merges their records.
func phase(ctx context.Context, c *http.Client, o LoadOptions, d time.Duration, max int64) (*Recorder, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var issued atomic.Int64
	recs := make([]*Recorder, o.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.Concurrency {
		recs[w] = NewRecorder()
		wg.Go(func() {
			wk := worker{c: c, o: o, cookie: o.Sessions[w%len(o.Sessions)], rec: recs[w],
				rng: rand.New(rand.NewPCG(o.Seed, uint64(w)))}
			for ctx.Err() == nil && issued.Add(1) <= max {
				if o.Request == nil {
					wk.one(ctx)
				} else if !wk.custom(ctx) {
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := NewRecorder()
	for _, r := range recs {
		all.Merge(r)
	}
	return all, elapsed, nil
}

// worker issues requests one after another on its own connection.
type worker struct {
	c      *http.Client
	o      LoadOptions
	cookie string
	rec    *Recorder
	rng    *rand.Rand
	buf    bytes.Buffer
	typing typingState
}

// one issues one request of a kind drawn from the mix and records it.
// Requests cut off by the end of the phase are not recorded.
func (w *worker) one(ctx context.Context) {
	kind, q := w.query()
	if kind == KindTyping {
		q = w.typed(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.o.Base.String()+"/warranty?"+q.Encode(), nil)
	if err != nil {
		w.rec.Add(kind, 0, q.Encode(), err.Error())
		return
	}
	req.Header.Set("Cookie", w.cookie)
	req.Header.Set("Accept-Language", "zh-CN")
	if !w.o.Full {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "results")
	}
	start := time.Now()
	resp, err := w.c.Do(req)
	failure := ""
	if err == nil {
		w.buf.Reset()
		_, err = io.Copy(&w.buf, resp.Body)
		resp.Body.Close()
	}
	d := time.Since(start)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil:
		failure = err.Error()
	case resp.StatusCode != http.StatusOK:
		failure = fmt.Sprintf("%s %s", resp.Status, strings.TrimSpace(resp.Header.Get("Location")))
	case kind == KindSN && !bytes.Contains(w.buf.Bytes(), []byte(q.Get("sn"))):
		failure = "200 without the serial number asked for"
	case bytes.Contains(w.buf.Bytes(), tooBroad):
		failure = "too broad"
	default:
		failure = w.o.answers.check(q.Encode(), w.buf.Bytes())
	}
	w.rec.Add(kind, d, q.Encode(), failure)
}

// custom issues one request of o.Request and records it; it returns false
// when o.Request has nothing left to ask.
func (w *worker) custom(ctx context.Context) bool {
	kind, req, check, ok := w.o.Request(w)
	if !ok {
		return false
	}
	req = req.WithContext(ctx)
	start := time.Now()
	resp, err := w.c.Do(req)
	if err == nil {
		w.buf.Reset()
		_, err = io.Copy(&w.buf, resp.Body)
		resp.Body.Close()
	}
	d := time.Since(start)
	failure := ""
	switch {
	case ctx.Err() != nil:
		return true
	case err != nil:
		failure = err.Error()
	default:
		failure = check(resp, w.buf.Bytes())
	}
	w.rec.Add(kind, d, req.Method+" "+req.URL.RequestURI(), failure)
	return true
}

// query draws a request kind from the mix and its search input.
func (w *worker) query() (string, url.Values) {
	t := &w.o.Targets
	total := 0
	for _, m := range w.o.Mix {
		total += m.Weight
	}
	r := w.rng.IntN(total)
	kind := w.o.Mix[len(w.o.Mix)-1].Kind
	for _, m := range w.o.Mix {
		if r -= m.Weight; r < 0 {
			kind = m.Kind
			break
		}
	}
	switch kind {
	case KindSN:
		return kind, url.Values{"sn": {t.SNs[w.rng.IntN(len(t.SNs))]}}
	case KindAdversarial:
		return kind, w.adversarial()
	case KindTyping:
		return kind, nil // typed, after the worker's pause
	case KindRare:
		f := t.Rare[w.rng.IntN(len(t.Rare))]
		if w.rng.IntN(2) == 0 { // the lookup is case-insensitive: type it both ways
			f = strings.ToLower(f)
		}
		return kind, url.Values{"name": {f}}
	default:
		return kind, url.Values{"name": {t.Common[w.rng.IntN(len(t.Common))]}}
	}
}
