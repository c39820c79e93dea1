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

// TestStartFromUnreachableFolder starts a cluster, as root, in a folder
// below one of mode 0700 (a clone in a mktemp -d folder or under /root),
// which the postgres user cannot traverse: the cluster lives in a folder the
// server can reach, the requested folder links there, and the data is found
// again through it.
func TestStartFromUnreachableFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root starts the server as another user")
	}
	if _, err := BinDir(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	clone, err := os.MkdirTemp("", "supportal-clone-") // mode 0700, as mktemp -d makes it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(clone) })
	if fi, err := os.Stat(clone); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("clone folder mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	dir := filepath.Join(clone, ".data", "postgres")

	s1, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	real := s1.Dir()
	t.Cleanup(func() { os.RemoveAll(real) })
	if strings.HasPrefix(real, clone) {
		t.Fatalf("Dir() = %s, still inside the unreachable folder", real)
	}
	if link, err := filepath.EvalSymlinks(dir); err != nil || link != real {
		t.Errorf("%s resolves to %q, %v; want %s", dir, link, err, real)
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Errorf("the cluster is not reachable through %s: %v", dir, err)
	}
	execSQL(t, s1.URL(), `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('again')`)
	if err := s1.Stop(); err != nil {
		t.Fatal(err)
	}

	s2, err := Start(ctx, Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Stop()
	if s2.Dir() != real {
		t.Errorf("second start Dir() = %s, want %s", s2.Dir(), real)
	}
	var v string
	if err := query(t, s2.URL()).QueryRow(`SELECT v FROM kept`).Scan(&v); err != nil || v != "again" {
		t.Fatalf("kept row = %q, %v; want again", v, err)
	}
}
