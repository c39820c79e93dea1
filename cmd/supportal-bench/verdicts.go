package main

import (
	"fmt"
	"io"
	"time"
)

// The targets of the lookup's bounds (every input answers fast and the
// same way), per request.
const (
	targetKindP99      = 150 * time.Millisecond // every kind, at targetWorkers
	targetWorkers      = 8
	targetPGPerReq     = 3 * time.Millisecond    // PostgreSQL, every kind
	targetCommonPerReq = 2500 * time.Microsecond // server + PostgreSQL, common words
	targetSNServer     = 220 * time.Microsecond  // server alone, exact SN
	targetMixPerReq    = 2 * time.Millisecond    // server + PostgreSQL, the mix
)

// targets says, for each target, whether it was met, with the measured
// figure either way.
func (r report) targets(w io.Writer) {
	check := checker(w)
	if r.Import.Rows > 0 {
		check("import ≥ 25,000 rows/s", r.Import.RowsPerSec >= targetImport, fmt.Sprintf("%.0f rows/s", r.Import.RowsPerSec), "25,000 rows/s")
	}
	var peak int64
	for _, l := range r.Loads {
		peak = max(peak, l.ServerPeakRSS)
		if l.Full {
			continue
		}
		all := l.Summaries[len(l.Summaries)-1]
		perReq := l.ServerCPU + l.PGCPU
		switch {
		case len(l.Summaries) > 2:
			check("mix ≥ 1,000 req/s", all.RPS >= targetMixRPS, fmt.Sprintf("%.0f req/s", all.RPS), "1,000 req/s")
			check("mix p99 ≤ 60 ms", all.P99 <= targetMixP99, ms(all.P99)+" ms", "60 ms")
			check("mix: server + PostgreSQL CPU ≤ 2.0 ms per request", perReq <= targetMixPerReq, ms(perReq)+" ms", "2.0 ms")
		case l.Name == KindSN:
			check("exact SN ≥ 5,000 req/s", all.RPS >= targetSNRPS, fmt.Sprintf("%.0f req/s", all.RPS), "5,000 req/s")
			check("exact SN p99 ≤ 10 ms", all.P99 <= targetSNP99, ms(all.P99)+" ms", "10 ms")
			check("exact SN: server CPU ≤ 0.22 ms per request", l.ServerCPU <= targetSNServer, ms(l.ServerCPU)+" ms", "0.22 ms")
		case l.Name == KindCommon:
			check("common words: server + PostgreSQL CPU ≤ 2.5 ms per request", perReq <= targetCommonPerReq, ms(perReq)+" ms", "2.5 ms")
		}
		at := ""
		if l.Concurrency != targetWorkers {
			at = fmt.Sprintf(" (run at %d workers)", l.Concurrency)
		}
		for _, s := range l.Summaries {
			if s.Kind == "all" {
				continue
			}
			name := l.Name + ", " + s.Kind
			if len(l.Summaries) == 2 {
				name = s.Kind
			}
			check(name+": p99 ≤ 150 ms at 8 workers"+at, s.P99 <= targetKindP99, ms(s.P99)+" ms", "150 ms")
			check(name+": every answer right and the same each time", s.Errors == 0,
				fmt.Sprintf("%d wrong of %d", s.Errors, s.Requests), "0")
		}
		check(fmt.Sprintf("%s: PostgreSQL CPU ≤ 3 ms per request", l.Name), l.PGCPU <= targetPGPerReq, ms(l.PGCPU)+" ms", "3 ms")
	}
	if len(r.Loads) > 0 {
		check("server RSS ≤ 64 MB under load", peak <= targetRSSByte, mib(peak), "64 MB")
	}
}
