package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lib/pq"

	"supportal/domain/warranty"
)

// rawTable is the scratch table of the raw COPY: the columns of an import
// file, typed like the import's staging table, without any index.
const rawTable = "bench_raw_copy"

// rawCopy streams file into a fresh unindexed table with lib/pq's CopyIn in
// one transaction (the floor any import can reach on this machine), drops the
// table and returns the rows and the time from opening the file to COMMIT.
func rawCopy(ctx context.Context, db *sql.DB, file string) (n int, d time.Duration, err error) {
	const create = `
DROP TABLE IF EXISTS ` + rawTable + `;
CREATE TABLE ` + rawTable + ` (
	customer_credit_code text NOT NULL, customer_name text NOT NULL, device_name text NOT NULL,
	device_sn text NOT NULL, order_no text NOT NULL, service_sku text NOT NULL, service_name text NOT NULL,
	start_date date NOT NULL, end_date date NOT NULL)`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return 0, 0, fmt.Errorf("raw copy: create: %w", err)
	}
	defer func() {
		const drop = `DROP TABLE IF EXISTS ` + rawTable
		if _, derr := db.ExecContext(context.WithoutCancel(ctx), drop); derr != nil && err == nil {
			err = fmt.Errorf("raw copy: drop: %w", derr)
		}
	}()
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, fmt.Errorf("raw copy: %w", err)
	}
	defer f.Close()
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("raw copy: begin: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(rawTable, warranty.Columns...))
	if err != nil {
		return 0, 0, fmt.Errorf("raw copy: prepare: %w", err)
	}
	if n, err = copyRows(ctx, stmt, f); err != nil {
		_ = stmt.Close()
		return n, 0, fmt.Errorf("raw copy: line %d: %w", n+2, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return n, 0, fmt.Errorf("raw copy: end: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return n, 0, fmt.Errorf("raw copy: close: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return n, 0, fmt.Errorf("raw copy: commit: %w", err)
	}
	return n, time.Since(start), nil
}

// copyRows sends every record of the CSV file r (its header first checked)
// to the COPY statement, in warranty.Columns order.
func copyRows(ctx context.Context, stmt *sql.Stmt, r io.Reader) (int, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0, err
	}
	order, err := warranty.ColumnOrder(header)
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(order))
	n := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		for i, p := range order {
			vals[i] = rec[p]
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return n, err
		}
		n++
	}
}
