// Package pgtest gives tests fresh PostgreSQL databases. They live on the
// server named by SUPPORTAL_TEST_DATABASE_URL when it is set, otherwise on a
// throwaway cluster that the first caller in a test binary starts. Packages
// that use it stop that cluster from TestMain:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		pgtest.Shutdown()
//		os.Exit(code)
//	}
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"supportal/adapters/postgres/localpg"
)

// EnvURL names the environment variable holding the URL of a server to
// create test databases on instead of starting one. Its user must be allowed
// to create databases.
const EnvURL = "SUPPORTAL_TEST_DATABASE_URL"

// shared is the server every test database in this binary lives on.
var shared struct {
	once   sync.Once
	err    error
	dir    string           // data folder of a throwaway cluster
	server *localpg.Server  // nil when EnvURL is used
	base   *url.URL         // a database to connect to for administration
	admin  *sql.DB          // connected to base
	mu     sync.Mutex       // guards templates
	tmpls  map[string]*tmpl // by name
}

// NewDB returns the URL of a new, empty database and drops it when the test
// ends. The test is skipped when PostgreSQL is not installed and the CI
// environment variable is empty; it fails otherwise.
func NewDB(t testing.TB) string {
	t.Helper()
	return create(t, "")
}

// Shutdown drops the template databases and stops the throwaway cluster, if
// this binary started one. Call it after m.Run; it is safe to call when no
// test used a database. A later NewDB starts afresh.
func Shutdown() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.admin != nil {
		if shared.server == nil { // a shared server outlives us: clean up
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for _, tm := range shared.tmpls {
				if tm.db != "" {
					_ = dropTemplate(ctx, tm.db, nil)
				}
			}
		}
		shared.admin.Close()
		shared.admin = nil
	}
	shared.tmpls = nil
	shared.once, shared.err = sync.Once{}, nil
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		shared.server = nil
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
		shared.dir = ""
	}
}

// server connects to the shared server, starting it on first use, and fails
// or skips t when it cannot.
func server(t testing.TB) {
	t.Helper()
	shared.once.Do(func() { shared.err = connect() })
	if shared.err == nil {
		return
	}
	if errors.Is(shared.err, localpg.ErrNotInstalled) && os.Getenv("CI") == "" {
		t.Skip(shared.err)
	}
	t.Fatal(shared.err)
}

// connect opens the administration connection, starting a cluster when
// EnvURL is not set.
func connect() error {
	raw := os.Getenv(EnvURL)
	if raw == "" {
		dir, err := os.MkdirTemp(fastTempDir(), "supportal-pgtest-")
		if err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		shared.dir = dir
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s, err := localpg.Start(ctx, localpg.Options{Dir: dir, Fast: true})
		if errors.Is(err, localpg.ErrNotInstalled) {
			return fmt.Errorf("pgtest: %w (for tests: %s)", err, EnvURL)
		}
		if err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		shared.server = s
		raw = s.URL()
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("pgtest: %s: %w", EnvURL, err)
	}
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return fmt.Errorf("pgtest: connect to %s: %w", u.Redacted(), err)
	}
	shared.base, shared.admin = u, db
	return nil
}

// fastTempDir returns /dev/shm when it is a RAM file system with room for a
// few clusters, where initdb and CREATE DATABASE run several times faster
// than on disk, and "" (the default temporary folder) otherwise.
func fastTempDir() string {
	const shm, tmpfsMagic, room = "/dev/shm", 0x01021994, 1 << 30
	var st syscall.Statfs_t
	if err := syscall.Statfs(shm, &st); err != nil || st.Type != tmpfsMagic || st.Bavail*uint64(st.Bsize) < room {
		return ""
	}
	return shm
}

// create makes a database, copied from template when it is not empty, and
// returns its URL. The database is dropped when t ends.
func create(t testing.TB, template string) string {
	t.Helper()
	server(t)
	name := "test_" + randomHex(t)
	q := `CREATE DATABASE ` + pq.QuoteIdentifier(name)
	if template != "" {
		q += ` TEMPLATE ` + pq.QuoteIdentifier(template)
	}
	if _, err := shared.admin.Exec(q); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		q := `DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`
		if _, err := shared.admin.Exec(q); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return dbURL(name)
}

// dbURL returns the URL of the named database on the shared server.
func dbURL(name string) string {
	u := *shared.base
	u.Path = "/" + name
	return u.String()
}

// randomHex returns 12 random hexadecimal digits.
func randomHex(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
