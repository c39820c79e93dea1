package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"supportal/adapters/postgres"
)

// TestImportCLICancelled interrupts an import as SIGINT does (main's
// context ends) while it reads its file, a pipe the test writes: the CLI
// says nothing was changed and fails, the data is as before, and the run is
// on record as cancelled.
func TestImportCLICancelled(t *testing.T) {
	e, url := migratedEnv(t)
	if out, _, err := runCLI(t, e, "import", "warranty", "--file", writeFile(t, "first.csv", importHeader+importRow("SN-0", "2026-01-01"))); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	fifo := filepath.Join(t.TempDir(), "data.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"import", "warranty", "--file", fifo}, e, &out, &errOut) }()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	write := func(from, to int) error {
		for i := from; i < to; i++ {
			if _, err := io.WriteString(w, importRow(fmt.Sprintf("SN-%06d", i), "2027-01-01")); err != nil {
				return err
			}
		}
		return nil
	}
	// The pipe holds 64 KiB: writing 300 KiB waits until the CLI has read
	// most of it, so the import is under way when it is interrupted.
	io.WriteString(w, importHeader+importRow("SN-0", "2030-12-31"))
	if err := write(1, 3000); err != nil {
		cancel()
		t.Fatalf("the CLI stopped reading: %v\n%s", <-done, out.String())
	}
	cancel()
	// The CLI stops reading once it sees the interruption, and closes the
	// file: these writes may fail.
	_ = write(3000, 3100)
	w.Close()
	err = <-done
	if err == nil || err.Error() != "Import cancelled; nothing was changed." || !strings.Contains(out.String(), "cancelled") {
		t.Fatalf("interrupted import: %v\n%s", err, out.String())
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var devices int
	var end, status, message string
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.GetContext(context.Background(), &devices, `SELECT count(*) FROM devices`))
	must(db.GetContext(context.Background(), &end, `SELECT max(end_date)::text FROM service_lines`))
	must(db.QueryRowxContext(context.Background(), `SELECT status, message FROM import_runs ORDER BY id DESC LIMIT 1`).Scan(&status, &message))
	if devices != 1 || end != "2026-01-01" || status != "cancelled" || message != "import.error.cancelled" {
		t.Errorf("after the interrupted import: %d devices, latest end %s, run %s %q", devices, end, status, message)
	}
}

// TestImportCLIConflicts imports a file listing one device with two names
// and a row twice: the conflict is named with both lines and the columns,
// and with --skip-invalid the duplicate is reported as applied once.
func TestImportCLIConflicts(t *testing.T) {
	e, _ := migratedEnv(t)
	renamed := strings.Replace(importRow("SN-1", "2026-01-01"), "AnyBackup 一体机", "另一台设备", 1)
	renamed = strings.Replace(renamed, "SVC-STD-1Y", "SVC-UPG", 1)
	data := importHeader + importRow("SN-1", "2026-01-01") + importRow("SN-2", "2026-01-01") + renamed + importRow("SN-2", "2026-01-01")
	p := writeFile(t, "conflicts.csv", data)
	out, _, err := runCLI(t, e, "import", "warranty", "--file", p)
	if err == nil || !strings.Contains(out, "rejected 2") ||
		!strings.Contains(out, "line 4: Line 2 lists the same device (customer_credit_code and device_sn) with a different device_name.") ||
		!strings.Contains(out, "line 2: Line 4 lists the same device") {
		t.Fatalf("conflicting rows: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, e, "import", "warranty", "--file", p, "--skip-invalid")
	if err != nil || !strings.Contains(out, "inserted 1, updated 0, unchanged 0, removed 0, rejected 2") ||
		!strings.Contains(out, "1 duplicate row") || !strings.Contains(out, "applied once.") {
		t.Fatalf("skipping the conflicts: %v\n%s", err, out)
	}
}

// TestImportCLIBadHeaderRecorded checks that a file refused at its header
// fails with the reason and is a failed run on record.
func TestImportCLIBadHeaderRecorded(t *testing.T) {
	e, url := migratedEnv(t)
	out, _, err := runCLI(t, e, "import", "warranty", "--file", writeFile(t, "header.csv", "a,b\n1,2\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "The header is missing the columns customer_credit_code") || !strings.Contains(out, "failed") {
		t.Fatalf("bad header: %v\n%s", err, out)
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status, message string
	if err := db.QueryRowxContext(context.Background(), `SELECT status, message FROM import_runs ORDER BY id DESC LIMIT 1`).Scan(&status, &message); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || message != "import.error.header" {
		t.Errorf("recorded run: %s %q", status, message)
	}
}
