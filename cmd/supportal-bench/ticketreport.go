package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// The targets of the ticket loads.
const (
	targetTicketPageRPS = 1000.0 // 我的工单 and a ticket's page
	targetTicketPageP99 = 60 * time.Millisecond
	targetQueueRPS      = 500.0 // each view of the agents' queue
	targetQueueP99      = 100 * time.Millisecond
	targetCreateRate    = 200.0 // new tickets a second
)

// tickets writes the ticket data set's loading, the ticket runs and their
// targets; nothing when there was no ticket data set.
func (r report) tickets(w io.Writer) {
	if r.TicketImport == nil && len(r.TicketLoads) == 0 && len(r.TicketNotes) == 0 {
		return
	}
	fmt.Fprintln(w)
	if ti := r.TicketImport; ti != nil {
		fmt.Fprintf(w, "Tickets: %d companies, %d accounts (%d agents), %d tickets (%d open; %d of the largest company), %d messages, %d events, %d followers; the ticket tables take %s.\n\n",
			ti.Companies, ti.Accounts, r.Tickets.Agents, ti.Tickets, ti.Open, ti.TopTickets, ti.Messages, ti.Events, ti.Followers, mib(ti.Bytes))
		fmt.Fprintln(w, "| load (COPY into the indexed tables) | rows | time | rows/s |")
		fmt.Fprintln(w, "|---|---:|---:|---:|")
		fmt.Fprintf(w, "| companies, accounts, verified submissions | %d | %s | |\n", ti.Companies+ti.Accounts+2*ti.Companies, secs(ti.People))
		fmt.Fprintf(w, "| tickets | %d | %s | %.0f |\n", ti.Tickets, secs(ti.TicketsDur), perSec(ti.Tickets, ti.TicketsDur))
		n := ti.Messages + ti.Events + ti.Followers
		fmt.Fprintf(w, "| messages, events, followers (three connections at once) | %d | %s | %.0f |\n", n, secs(ti.Threads), perSec(n, ti.Threads))
		fmt.Fprintf(w, "| `VACUUM (ANALYZE)` | | %s | |\n", secs(ti.Analyze))
		fmt.Fprintf(w, "| all (CPU: bench %s, PostgreSQL %s) | %d | %s | %.0f |\n\n", secs(ti.SelfCPU), secs(ti.PGCPU),
			ti.Tickets+n, secs(ti.Elapsed), perSec(ti.Tickets+n, ti.Elapsed))
	}
	if len(r.TicketLoads) > 0 {
		fmt.Fprintf(w, "Ticket loads, full pages, %d workers, %s each after a warm-up. CPU columns are milliseconds per request; "+
			"\"ceiling\" is %d cores divided by server + PostgreSQL CPU per request.\n\n", r.Concurrency, r.Duration, runtime.NumCPU())
		fmt.Fprintln(w, "| run | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | server RSS peak | CPU server | CPU PostgreSQL | CPU load gen. | ceiling req/s |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, l := range r.TicketLoads {
			s := l.Summaries[len(l.Summaries)-1]
			fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %d | %s | %s | %s | %s | %.0f |\n", l.Name, s.Requests, s.RPS,
				ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.Errors, mib(l.ServerPeakRSS), ms(l.ServerCPU), ms(l.PGCPU), ms(l.ClientCPU), ceiling(l))
			if s.FirstError != "" {
				fmt.Fprintf(w, "|  — first error: %s | | | | | | | | | | | | |\n", strings.ReplaceAll(s.FirstError, "|", "/"))
			}
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.TicketNotes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	check := checker(w)
	for _, l := range r.TicketLoads {
		s := l.Summaries[len(l.Summaries)-1]
		rps, p99 := fmt.Sprintf("%.0f req/s", s.RPS), ms(s.P99)+" ms"
		if s.Errors > 0 {
			rps += fmt.Sprintf(", %d errors", s.Errors)
		}
		ok := s.Errors == 0
		if s.Requests > 0 && s.Errors == s.Requests {
			fmt.Fprintf(w, "- %s: UNTESTED (every request failed: %s)\n", l.Name, s.FirstError)
			continue
		}
		switch {
		case l.Name == RunList || l.Name == RunDetail:
			check(l.Name+" ≥ 1,000 req/s", ok && s.RPS >= targetTicketPageRPS, rps, "1,000 req/s")
			check(l.Name+" p99 ≤ 60 ms", ok && s.P99 <= targetTicketPageP99, p99, "60 ms")
		case strings.HasPrefix(l.Name, runQueue):
			check(l.Name+" ≥ 500 req/s", ok && s.RPS >= targetQueueRPS, rps, "500 req/s")
			check(l.Name+" p99 ≤ 100 ms", ok && s.P99 <= targetQueueP99, p99, "100 ms")
		case strings.HasPrefix(l.Name, runReport):
			check(l.Name+" p99 ≤ 500 ms at 8 staff users", ok && s.P99 <= targetReportP99, p99+" ("+rps+")", "500 ms")
		case l.Name == RunCreate:
			created := float64(s.Requests-s.Errors) / l.Elapsed.Seconds()
			check("create ≥ 200 tickets/s", created >= targetCreateRate, fmt.Sprintf("%.0f tickets/s (p99 %s)", created, p99), "200 tickets/s")
		}
	}
}
