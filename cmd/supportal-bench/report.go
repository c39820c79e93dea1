package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	_ "github.com/lib/pq" // the driver of machine's version query
)

// report is everything all measured.
type report struct {
	Spec           Spec
	Concurrency    int
	Duration       time.Duration
	Import         ImportResult
	Company        string
	CompanyDevices int
	ServerIdleRSS  int64
	ServerHWM      int64
	Loads          []LoadResult
	Machine        string
	// The ticket data set, its loading and the ticket runs.
	Tickets      TicketSpec
	TicketImport *TicketImport
	TicketLoads  []LoadResult
	TicketNotes  []string
}

// The targets of the performance issue.
const (
	targetImport  = 25000.0 // rows/s end to end into the indexed tables
	targetMixRPS  = 1000.0
	targetMixP99  = 60 * time.Millisecond
	targetSNRPS   = 5000.0
	targetSNP99   = 10 * time.Millisecond
	targetRSSByte = 64 << 20
)

// markdown writes the report as Markdown tables.
func (r report) markdown(w io.Writer) {
	im := r.Import
	fmt.Fprintf(w, "Machine: %s\n\n", r.Machine)
	if im.Rows > 0 {
		r.importTable(w)
	}
	if len(r.Loads) > 0 {
		r.lookupTable(w)
	}
	if im.Rows > 0 || len(r.Loads) > 0 {
		r.targets(w)
	}
	r.tickets(w)
}

// importTable writes the import's table.
func (r report) importTable(w io.Writer) {
	im := r.Import
	fmt.Fprintf(w, "Data: %d companies, %d devices, %d service lines each (%d rows); the largest company %s holds %d devices.\n\n",
		r.Spec.Companies, r.Spec.Devices, r.Spec.LinesPerDevice, im.Rows, r.Company, r.CompanyDevices)
	fmt.Fprintln(w, "| import | rows | time | rows/s | peak RSS | CPU: importer | CPU: PostgreSQL |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	fmt.Fprintf(w, "| import service into empty tables (CSV → validate → COPY → merge into the indexed tables, one transaction) | %d | %s | %.0f | %s | %s | %s |\n",
		im.Rows, secs(im.Elapsed), im.RowsPerSec, mib(im.PeakRSS), secs(im.ImportCPU), secs(im.ImportPGCPU))
	if im.Analyze > 0 {
		fmt.Fprintf(w, "| then `ANALYZE devices, service_lines` (not part of the import service) | | %s | | | | |\n", secs(im.Analyze))
	}
	if im.Again > 0 {
		fmt.Fprintf(w, "| import service, same file again (every line unchanged) | %d | %s | %.0f | | | |\n", im.Rows, secs(im.Again), im.AgainPerSec)
	}
	fmt.Fprintf(w, "| raw `COPY` of the same rows into an unindexed table | %d | %s | %.0f | | %s | %s |\n\n",
		im.CopyRows, secs(im.CopyElapsed), im.CopyPerSec, secs(im.CopyCPU), secs(im.CopyPGCPU))
	fmt.Fprintf(w, "The import runs at %.0f %% of the raw COPY's rate; devices and service_lines take %s on disk.\n\n",
		100*im.RowsPerSec/im.CopyPerSec, mib(im.TablesBytes))

}

// lookupTable writes the lookup runs' table.
func (r report) lookupTable(w io.Writer) {
	fmt.Fprintf(w, "Lookup, %d workers, %s each after a warm-up; server RSS idle %s, VmHWM at the end %s. "+
		"CPU columns are milliseconds of CPU per request; \"ceiling\" is %d cores divided by server + PostgreSQL CPU per request.\n\n",
		r.Concurrency, r.Duration, mib(r.ServerIdleRSS), mib(r.ServerHWM), runtime.NumCPU())
	fmt.Fprintln(w, "| run | response | kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | server RSS peak | CPU server | CPU PostgreSQL | CPU load gen. | ceiling req/s | load avg |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, l := range r.Loads {
		what := "fragment"
		if l.Full {
			what = "full page"
		}
		for _, s := range l.Summaries {
			if len(l.Summaries) == 2 && s.Kind == "all" {
				continue // a single-kind run: "all" repeats it
			}
			run := ""
			if s.Kind == "all" || len(l.Summaries) == 2 {
				run = fmt.Sprintf("%s | %s | %s | %s | %.0f | %s → %s", mib(l.ServerPeakRSS), ms(l.ServerCPU), ms(l.PGCPU), ms(l.ClientCPU),
					ceiling(l), l.LoadAvg[0], l.LoadAvg[1])
			} else {
				run = " | | | | |"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %d | %.0f | %s | %s | %s | %s | %d | %s |\n",
				l.Name, what, s.Kind, s.Requests, s.RPS, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.Errors, run)
		}
	}
	fmt.Fprintln(w)
}

// checker returns the function that prints one target's verdict.
func checker(w io.Writer) func(name string, ok bool, got, want string) {
	return func(name string, ok bool, got, want string) {
		verdict := "met"
		if !ok {
			verdict = "MISSED"
		}
		fmt.Fprintf(w, "- %s: %s (measured %s, target %s)\n", name, verdict, got, want)
	}
}

// ceiling is the rate at which the server and PostgreSQL would fill every
// core of this machine with nothing else running.
func ceiling(l LoadResult) float64 {
	per := l.ServerCPU + l.PGCPU
	if per <= 0 {
		return 0
	}
	return float64(runtime.NumCPU()) * float64(time.Second) / float64(per)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// machine describes this computer and the PostgreSQL server.
func machine(ctx context.Context, dbURL string) string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	pg := "PostgreSQL ?"
	if db, err := sql.Open("postgres", dbURL); err == nil {
		var v string
		if err := db.QueryRowContext(ctx, `SHOW server_version`).Scan(&v); err == nil {
			pg = "PostgreSQL " + v
		}
		db.Close()
	}
	return fmt.Sprintf("%d × %s%s, %s, %s, %s/%s", runtime.NumCPU(), cpu, mem, pg, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
