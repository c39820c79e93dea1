package localpg

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

func TestBinDirMissing(t *testing.T) {
	t.Setenv("SUPPORTAL_PG_BINDIR", t.TempDir())
	_, err := BinDir()
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("BinDir() error = %v, want ErrNotInstalled", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error message has more than one line: %q", err)
	}
}

func TestStartStopReuse(t *testing.T) {
	if _, err := BinDir(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := filepath.Join(tempDir(t), "data")

	s1, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, s1.URL(), `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')`)
	execSQL(t, s1.URL(), `CREATE EXTENSION pg_trgm; SELECT similarity('保修服务', '保修')`)

	// A server left running on the folder is stopped and replaced.
	s2, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Stop(); err != nil {
		t.Errorf("stopping the replaced server: %v", err)
	}
	if err := s2.Stop(); err != nil {
		t.Fatal(err)
	}

	// A stale pid file is removed; the data survives.
	pid := []byte("999999\n" + dir + "\n")
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), pid, 0o600); err != nil {
		t.Fatal(err)
	}
	s3, err := Start(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Stop()
	var v string
	if err := query(t, s3.URL()).QueryRow(`SELECT v FROM kept`).Scan(&v); err != nil || v != "hello" {
		t.Fatalf("kept row = %q, %v; want hello", v, err)
	}
	if !strings.HasPrefix(s3.URL(), "postgres://postgres@127.0.0.1:") {
		t.Errorf("URL() = %s", s3.URL())
	}
	if err := s3.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := query(t, s3.URL()).Ping(); err == nil {
		t.Error("server still answers after Stop")
	}
}

// tempDir returns a temporary folder that the postgres user can reach.
func tempDir(t *testing.T) string {
	dir := t.TempDir()
	for p := dir; p != os.TempDir() && p != filepath.Dir(p); p = filepath.Dir(p) {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func query(t *testing.T, url string) *sql.DB {
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, url, q string) {
	if _, err := query(t, url).Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
