package pgtest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
)

// tmpl is a template database prepared once per test binary.
type tmpl struct {
	once sync.Once
	db   string // set when prepared without error
	err  error
}

// Template returns the URL of a new database copied from the template
// database called name, which it first prepares, once per test binary, by
// creating an empty database and passing its URL to prepare (to run the
// migrations, say). prepare must close its connections before it returns.
// The copy is dropped when the test ends. When prepare fails, every test
// asking for that template fails.
func Template(t testing.TB, name string, prepare func(url string) error) string {
	t.Helper()
	server(t)
	shared.mu.Lock()
	if shared.tmpls == nil {
		shared.tmpls = make(map[string]*tmpl)
	}
	tm := shared.tmpls[name]
	if tm == nil {
		tm = &tmpl{}
		shared.tmpls[name] = tm
	}
	shared.mu.Unlock()

	tm.once.Do(func() {
		tm.err = errors.New("preparation did not finish") // prepare may panic
		tm.db, tm.err = prepareTemplate(t, name, prepare)
	})
	if tm.err != nil {
		t.Fatalf("pgtest: template %s: %v", name, tm.err)
	}
	return create(t, tm.db)
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// prepareTemplate creates a database, runs prepare on it and turns it into a
// template that accepts no connections, so that CREATE DATABASE … TEMPLATE
// never finds it busy.
func prepareTemplate(t testing.TB, name string, prepare func(url string) error) (string, error) {
	label := notIdent.ReplaceAllString(strings.ToLower(name), "_")
	if len(label) > 30 {
		label = label[:30]
	}
	db := "tmpl_" + label + "_" + randomHex(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := shared.admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(db)); err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	if err := prepare(dbURL(db)); err != nil {
		return "", dropTemplate(ctx, db, fmt.Errorf("prepare: %w", err))
	}
	const q = `ALTER DATABASE %s WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`
	if _, err := shared.admin.ExecContext(ctx, fmt.Sprintf(q, pq.QuoteIdentifier(db))); err != nil {
		return "", dropTemplate(ctx, db, fmt.Errorf("mark as template: %w", err))
	}
	// Connections that prepare leaked would make every copy fail.
	const kill = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`
	if _, err := shared.admin.ExecContext(ctx, kill, db); err != nil {
		return "", dropTemplate(ctx, db, fmt.Errorf("disconnect: %w", err))
	}
	return db, nil
}

// dropTemplate drops a template database and returns cause, or the drop's
// error when cause is nil.
func dropTemplate(ctx context.Context, db string, cause error) error {
	_, err := shared.admin.ExecContext(ctx, `ALTER DATABASE `+pq.QuoteIdentifier(db)+` WITH IS_TEMPLATE false`)
	if err == nil {
		_, err = shared.admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(db)+` WITH (FORCE)`)
	}
	if cause != nil {
		return cause
	}
	return err
}
