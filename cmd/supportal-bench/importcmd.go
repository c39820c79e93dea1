package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"supportal/adapters/postgres"
	"supportal/domain"
	"supportal/domain/warranty"
)

// ImportResult is what the import command measured.
type ImportResult struct {
	Rows         int             `json:"rows"`
	Counts       warranty.Counts `json:"counts"`
	Elapsed      time.Duration   `json:"elapsed"`
	RowsPerSec   float64         `json:"rows_per_sec"`
	PeakRSS      int64           `json:"peak_rss"` // VmHWM of this process after the import
	Analyze      time.Duration   `json:"analyze,omitempty"`
	Again        time.Duration   `json:"again,omitempty"`
	AgainPerSec  float64         `json:"again_per_sec,omitempty"`
	CopyRows     int             `json:"copy_rows"`
	CopyElapsed  time.Duration   `json:"copy_elapsed"`
	CopyPerSec   float64         `json:"copy_per_sec"`
	TablesBytes  int64           `json:"tables_bytes"` // devices + service_lines with their indexes
	DatabaseSize int64           `json:"database_size"`
	// CPU time of this process and of PostgreSQL (with --pg-pid) during the
	// first import and the raw COPY: what is left of the elapsed time is
	// waiting, mostly for the disk.
	ImportCPU, ImportPGCPU time.Duration
	CopyCPU, CopyPGCPU     time.Duration
}

// importCmd migrates the database, imports a CSV file through the warranty
// import service and, for comparison, COPYs the same file into an unindexed
// table.
func importCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	url := fs.String("database-url", os.Getenv("SUPPORTAL_DATABASE_URL"), "PostgreSQL URL (default $SUPPORTAL_DATABASE_URL)")
	file := fs.String("file", "data.csv", "the CSV file to import")
	again := fs.Bool("again", false, "import the same file a second time (every line unchanged) and time it")
	noCopy := fs.Bool("no-copy", false, "skip the raw COPY comparison")
	analyze := fs.Bool("analyze", false, "ANALYZE devices and service_lines after the import (timed apart), as autovacuum would later")
	asJSON := fs.Bool("json", false, "end with the result as one JSON line")
	pgPID := fs.Int("pg-pid", 0, "the PostgreSQL postmaster's process id, to measure its CPU time (0: do not)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" {
		return errors.New("import: give --database-url or set SUPPORTAL_DATABASE_URL")
	}
	db, err := postgres.Open(ctx, *url)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := postgres.Migrate(ctx, db.DB); err != nil {
		return err
	}
	store := postgres.NewWarrantyStore(db)
	svc := warranty.NewService(warranty.Deps{Importer: store, Runs: store, Lookup: store, Tx: postgres.NewWarrantyTx(db),
		Verifications: noLookup{}})

	var res ImportResult
	cpu0, pg0 := SelfCPU(), cpuOf(*pgPID, TreeCPU)
	run, d, err := importOnce(ctx, svc, *file)
	if err != nil {
		return err
	}
	res.ImportCPU, res.ImportPGCPU = SelfCPU()-cpu0, cpuOf(*pgPID, TreeCPU)-pg0
	res.Rows, res.Counts, res.Elapsed, res.RowsPerSec = run.Counts.Read, run.Counts, d, perSec(run.Counts.Read, d)
	m, err := ReadMemory("self")
	if err != nil {
		return err
	}
	res.PeakRSS = m.HWM
	fmt.Fprintf(stdout, "import: %d rows in %s = %.0f rows/s (inserted %d, updated %d, unchanged %d); peak RSS of this process %s; CPU: this process %s, PostgreSQL %s\n",
		res.Rows, d.Round(time.Millisecond), res.RowsPerSec, run.Counts.Inserted, run.Counts.Updated, run.Counts.Unchanged, mib(res.PeakRSS),
		secs(res.ImportCPU), secs(res.ImportPGCPU))
	if *analyze {
		start := time.Now()
		if _, err := db.ExecContext(ctx, `ANALYZE devices, service_lines`); err != nil {
			return fmt.Errorf("import: analyze: %w", err)
		}
		res.Analyze = time.Since(start)
		fmt.Fprintf(stdout, "import: ANALYZE devices, service_lines took %s\n", res.Analyze.Round(time.Millisecond))
	}
	if *again {
		run, d, err := importOnce(ctx, svc, *file)
		if err != nil {
			return err
		}
		res.Again, res.AgainPerSec = d, perSec(run.Counts.Read, d)
		fmt.Fprintf(stdout, "import again: %d rows in %s = %.0f rows/s (unchanged %d)\n",
			run.Counts.Read, d.Round(time.Millisecond), res.AgainPerSec, run.Counts.Unchanged)
	}
	const sizes = `SELECT pg_total_relation_size('devices') + pg_total_relation_size('service_lines'), pg_database_size(current_database())`
	if err := db.QueryRowContext(ctx, sizes).Scan(&res.TablesBytes, &res.DatabaseSize); err != nil {
		return fmt.Errorf("import: sizes: %w", err)
	}
	fmt.Fprintf(stdout, "import: devices + service_lines take %s on disk (database %s)\n", mib(res.TablesBytes), mib(res.DatabaseSize))
	if !*noCopy {
		cpu0, pg0 := SelfCPU(), cpuOf(*pgPID, TreeCPU)
		n, d, err := rawCopy(ctx, db.DB, *file)
		if err != nil {
			return err
		}
		res.CopyCPU, res.CopyPGCPU = SelfCPU()-cpu0, cpuOf(*pgPID, TreeCPU)-pg0
		res.CopyRows, res.CopyElapsed, res.CopyPerSec = n, d, perSec(n, d)
		fmt.Fprintf(stdout, "raw COPY: %d rows in %s = %.0f rows/s into an unindexed table (CPU: this process %s, PostgreSQL %s); the import runs at %.0f %% of it\n",
			n, d.Round(time.Millisecond), res.CopyPerSec, secs(res.CopyCPU), secs(res.CopyPGCPU), 100*res.RowsPerSec/res.CopyPerSec)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	return nil
}

// importOnce runs one upsert import of file and times it end to end:
// reading, validation, COPY into staging, merge and commit.
func importOnce(ctx context.Context, svc *warranty.Service, file string) (warranty.Run, time.Duration, error) {
	f, err := os.Open(file)
	if err != nil {
		return warranty.Run{}, 0, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	start := time.Now()
	src, err := warranty.NewCSVSource(f)
	if err != nil {
		return warranty.Run{}, 0, fmt.Errorf("import: %w", err)
	}
	run, err := svc.Import(ctx, src, warranty.ImportOptions{Mode: warranty.ModeUpsert, Source: "bench:" + file})
	d := time.Since(start)
	if err != nil {
		return run, d, fmt.Errorf("import: %w (run %d: %s, %d rejected, first errors %+v)", err, run.ID, run.Message, run.Counts.Rejected, firstErrors(run.Errors))
	}
	return run, d, nil
}

func firstErrors(es []warranty.RowError) []warranty.RowError {
	if len(es) > 3 {
		return es[:3]
	}
	return es
}

func perSec(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// noLookup is the Verifications of the import benchmark, which looks nothing
// up: every company is unverified.
type noLookup struct{}

func (noLookup) VerifiedCreditCode(context.Context, int64) (string, error) {
	return "", domain.E(domain.Forbidden, "error.verification.required")
}
