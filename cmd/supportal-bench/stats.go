package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th percentile (0–100) of sorted latencies by the
// nearest-rank method: the smallest value that at least p % of the values
// do not exceed. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// Recorder collects the latencies and errors of one worker, per request
// kind; workers merge theirs at the end, so recording takes no lock.
type Recorder struct {
	lat    map[string][]time.Duration
	errors map[string]int
	first  map[string]string // the first error of each kind, to show why
	// The slowest request of each kind and what it asked for.
	slowest map[string]slow
}

type slow struct {
	d    time.Duration
	what string
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{lat: map[string][]time.Duration{}, errors: map[string]int{}, first: map[string]string{}, slowest: map[string]slow{}}
}

// Add records one request: its latency, what it asked for, and why it
// failed ("" when it did not).
func (r *Recorder) Add(kind string, d time.Duration, what, failure string) {
	r.lat[kind] = append(r.lat[kind], d)
	if d > r.slowest[kind].d {
		r.slowest[kind] = slow{d, what}
	}
	if failure != "" {
		r.errors[kind]++
		if _, ok := r.first[kind]; !ok {
			r.first[kind] = failure
		}
	}
}

// Merge adds o's records to r.
func (r *Recorder) Merge(o *Recorder) {
	for k, v := range o.lat {
		r.lat[k] = append(r.lat[k], v...)
	}
	for k, v := range o.errors {
		r.errors[k] += v
	}
	for k, v := range o.first {
		if _, ok := r.first[k]; !ok {
			r.first[k] = v
		}
	}
	for k, v := range o.slowest {
		if v.d > r.slowest[k].d {
			r.slowest[k] = v
		}
	}
}

// Summary is what one kind of request (or all of them) did in a run.
type Summary struct {
	Kind       string        `json:"kind"`
	Requests   int           `json:"requests"`
	Errors     int           `json:"errors"`
	RPS        float64       `json:"rps"`
	P50        time.Duration `json:"p50"`
	P95        time.Duration `json:"p95"`
	P99        time.Duration `json:"p99"`
	Max        time.Duration `json:"max"`
	FirstError string        `json:"first_error,omitempty"`
	Slowest    string        `json:"slowest,omitempty"` // what the slowest request asked for
}

// Summaries returns one summary per kind in the given order and a last one
// named "all", with rates over elapsed.
func (r *Recorder) Summaries(kinds []string, elapsed time.Duration) []Summary {
	var all []time.Duration
	var out []Summary
	errs := 0
	first := ""
	var slowest slow
	for _, k := range kinds {
		v := r.lat[k]
		all = append(all, v...)
		errs += r.errors[k]
		if first == "" {
			first = r.first[k]
		}
		if r.slowest[k].d > slowest.d {
			slowest = r.slowest[k]
		}
		out = append(out, summarize(k, v, r.errors[k], r.first[k], r.slowest[k].what, elapsed))
	}
	return append(out, summarize("all", all, errs, first, slowest.what, elapsed))
}

func summarize(kind string, v []time.Duration, errs int, first, slowest string, elapsed time.Duration) Summary {
	slices.Sort(v)
	s := Summary{Kind: kind, Requests: len(v), Errors: errs, FirstError: first, Slowest: slowest,
		P50: Percentile(v, 50), P95: Percentile(v, 95), P99: Percentile(v, 99)}
	if len(v) > 0 {
		s.Max = v[len(v)-1]
	}
	if elapsed > 0 {
		s.RPS = float64(len(v)) / elapsed.Seconds()
	}
	return s
}

// ms formats a latency in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// printSummaries writes a plain table of summaries.
func printSummaries(w io.Writer, ss []Summary) {
	fmt.Fprintf(w, "%-12s %9s %7s %10s %9s %9s %9s %9s\n", "kind", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
	for _, s := range ss {
		fmt.Fprintf(w, "%-12s %9d %7d %10.0f %9s %9s %9s %9s\n", s.Kind, s.Requests, s.Errors, s.RPS, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
		if s.FirstError != "" && s.Kind != "all" {
			fmt.Fprintf(w, "  first error of %s: %s\n", s.Kind, s.FirstError)
		}
		if s.Slowest != "" && s.Kind != "all" {
			fmt.Fprintf(w, "  slowest %s: %s\n", s.Kind, s.Slowest)
		}
	}
}
