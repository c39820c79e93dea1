package pgtest_test

import (
	"database/sql"
	"os"
	"testing"

	_ "github.com/lib/pq"

	"supportal/adapters/postgres/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	os.Exit(code)
}

func TestNewDBDistinct(t *testing.T) {
	a, b := pgtest.NewDB(t), pgtest.NewDB(t)
	if a == b {
		t.Fatalf("two databases share the URL %s", a)
	}
	exec(t, a, `CREATE TABLE only_in_a (id int)`)
	var n int
	const q = `SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_a'`
	if err := open(t, b).QueryRow(q).Scan(&n); err != nil || n != 0 {
		t.Fatalf("table count in b = %d, %v; want 0", n, err)
	}
	exec(t, b, `CREATE EXTENSION pg_trgm`)
}

func TestTemplate(t *testing.T) {
	prepared := 0
	prepare := func(url string) error {
		prepared++
		db, err := sql.Open("postgres", url)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Exec(`CREATE TABLE device (sn text PRIMARY KEY); INSERT INTO device VALUES ('SN1')`)
		return err
	}
	for i := 0; i < 3; i++ {
		url := pgtest.Template(t, "migrated", prepare)
		exec(t, url, `INSERT INTO device VALUES ('SN2')`) // copies are independent
		var n int
		if err := open(t, url).QueryRow(`SELECT count(*) FROM device`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("copy %d: device count = %d, %v; want 2", i, n, err)
		}
	}
	if prepared != 1 {
		t.Errorf("prepare ran %d times, want 1", prepared)
	}
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t *testing.T, url, q string) {
	t.Helper()
	if _, err := open(t, url).Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestParallel(t *testing.T) {
	prepare := func(url string) error {
		db, err := sql.Open("postgres", url)
		if err != nil {
			return err
		}
		// Leaked on purpose: Template must cope with an open connection.
		_, err = db.Exec(`CREATE TABLE ticket (id int)`)
		return err
	}
	for i := 0; i < 6; i++ {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			exec(t, pgtest.NewDB(t), `CREATE TABLE t (id int)`)
			exec(t, pgtest.Template(t, "leaky", prepare), `INSERT INTO ticket VALUES (1)`)
		})
	}
}
