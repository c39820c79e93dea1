package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"supportal/adapters/postgres/localpg"
)

// enableStatements restarts the throwaway PostgreSQL with pg_stat_statements
// loaded, so that each load run can show which statements PostgreSQL spent
// its time on (all --statements). It returns the restarted server.
func enableStatements(ctx context.Context, pg *localpg.Server, dir string, log io.Writer) (*localpg.Server, error) {
	db, err := sql.Open("postgres", pg.URL())
	if err != nil {
		return pg, err
	}
	_, err = db.ExecContext(ctx, `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`)
	db.Close()
	if err != nil {
		return pg, fmt.Errorf("statements: %w", err)
	}
	if err := pg.Stop(); err != nil {
		return pg, err
	}
	restarted, err := localpg.Start(ctx, localpg.Options{Dir: filepath.Join(dir, "postgres"), Log: log})
	if err != nil {
		return pg, err // stopped; Stop again is a no-op
	}
	pg = restarted
	if db, err = sql.Open("postgres", pg.URL()); err != nil {
		return pg, err
	}
	defer db.Close()
	for _, q := range []string{`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`,
		`ALTER SYSTEM SET pg_stat_statements.track_planning = on`, `SELECT pg_reload_conf()`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return pg, fmt.Errorf("statements: %w", err)
		}
	}
	return pg, nil
}

// resetStatements clears pg_stat_statements.
func resetStatements(ctx context.Context, dbURL string) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `SELECT pg_stat_statements_reset()`)
	return err
}

// statementsReport prints the statements that took the most time since the
// last reset, per request of the run.
func statementsReport(ctx context.Context, dbURL string, requests int, w io.Writer) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	const q = `
SELECT calls, total_exec_time, total_plan_time, rows, regexp_replace(query, '\s+', ' ', 'g')
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY total_exec_time + total_plan_time DESC
LIMIT 15`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("statements: %w", err)
	}
	defer rows.Close()
	fmt.Fprintf(w, "statements (per request of %d): calls, exec ms, plan ms, rows, query\n", requests)
	n := float64(max(requests, 1))
	for rows.Next() {
		var calls, nrows int64
		var exec, plan float64
		var query string
		if err := rows.Scan(&calls, &exec, &plan, &nrows, &query); err != nil {
			return err
		}
		if len(query) > 150 {
			query = query[:150] + "…"
		}
		fmt.Fprintf(w, "  %6.2f %8.3f %8.3f %8.1f  %s\n", float64(calls)/n, exec/n, plan/n, float64(nrows)/n, strings.TrimSpace(query))
	}
	return rows.Err()
}
