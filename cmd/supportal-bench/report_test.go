package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReportWithoutImport checks the report of lookups run against a
// database imported before: no import table and no import target, and
// every lookup target said met or MISSED with the figure measured.
func TestReportWithoutImport(t *testing.T) {
	ms := time.Millisecond
	r := report{Concurrency: 8, Duration: 10 * time.Second, Loads: []LoadResult{
		{Name: KindAdversarial, Concurrency: 8, ServerCPU: ms, PGCPU: 4 * ms, Summaries: []Summary{
			{Kind: KindAdversarial, Requests: 100, Errors: 2, P99: 90 * ms}, {Kind: "all", Requests: 100, Errors: 2, P99: 90 * ms}}},
		{Name: KindSN, Concurrency: 8, ServerCPU: 200 * time.Microsecond, PGCPU: 200 * time.Microsecond, Summaries: []Summary{
			{Kind: KindSN, Requests: 100, P99: 12 * ms, RPS: 3000}, {Kind: "all", Requests: 100, P99: 12 * ms, RPS: 3000}}},
	}}
	var b strings.Builder
	r.markdown(&b)
	out := b.String()
	for _, no := range []string{"| import", "import ≥", "Data:"} {
		if strings.Contains(out, no) {
			t.Errorf("report without an import shows %q:\n%s", no, out)
		}
	}
	for _, want := range []string{
		"- adversarial: PostgreSQL CPU ≤ 3 ms per request: MISSED (measured 4.00 ms, target 3 ms)",
		"- adversarial: every answer right and the same each time: MISSED (measured 2 wrong of 100, target 0)",
		"- adversarial: p99 ≤ 150 ms at 8 workers: met (measured 90.00 ms, target 150 ms)",
		"- exact SN: server CPU ≤ 0.22 ms per request: met (measured 0.20 ms, target 0.22 ms)",
		"- exact SN p99 ≤ 10 ms: MISSED (measured 12.00 ms, target 10 ms)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report without %q:\n%s", want, out)
		}
	}
}

// TestTypingPrefixes checks the typing kind's inputs: each prefix of a
// model number in turn, then the next model number.
func TestTypingPrefixes(t *testing.T) {
	w := &worker{o: LoadOptions{Targets: Targets{Rare: []string{"AB6420"}}}, rng: rand.New(rand.NewPCG(1, 2))}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // no pause between keystrokes here
	var got []string
	for range 8 {
		got = append(got, w.typed(ctx).Get("name"))
	}
	if want := []string{"A", "AB", "AB6", "AB64", "AB642", "AB6420", "A", "AB"}; !slices.Equal(got, want) {
		t.Errorf("typed %q, want %q", got, want)
	}
	if _, err := ParseMix("adversarial=50,typing=50"); err != nil {
		t.Error(err)
	}
}
