package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"supportal/adapters/i18n"
	"supportal/adapters/minio/miniotest"
	"supportal/adapters/postgres"
	"supportal/adapters/postgres/pgtest"
	"supportal/adapters/smtp/mailbox"
)

// chromiumPath returns the browser to drive. Without one the test is skipped
// on a developer machine and fails in CI (CI set), so that CI cannot pass by
// silently running no browser test.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "browser tests need Chromium: none of chromium, chromium-browser, google-chrome is on PATH (Debian: apt-get install chromium)"
	if os.Getenv("CI") == "" {
		t.Skip(msg)
	}
	t.Fatal(msg)
	return ""
}

// testApp is the real application, wired by build and serving on a random
// local port, with a fresh database and bucket and an in-process mailbox.
type testApp struct {
	url    string
	box    *mailbox.Box
	bundle *i18n.Bundle
	a      *app // its services and database, for seeding and checks
	logs   *syncBuffer
	vars   map[string]string // its settings, for the commands
}

// objectStore says where startAppOn keeps files.
type objectStore struct{ endpoint, access, secret, bucket string }

func migrateTemplate(url string) error {
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	return postgres.Migrate(ctx, db.DB)
}

// startApp starts the application for t and stops it when t ends. The
// server's log is printed when t fails.
func startApp(t *testing.T) *testApp {
	t.Helper()
	endpoint, access, secret := miniotest.Server(t)
	return startAppOn(t, objectStore{endpoint, access, secret, miniotest.Bucket(t)})
}

// startAppOn is startApp with files kept in the given bucket.
func startAppOn(t *testing.T, s3 objectStore) *testApp {
	t.Helper()
	return startAppWith(t, s3, nil)
}

// startAppWith is startAppOn with more settings (SUPPORTAL_* variables).
func startAppWith(t *testing.T, s3 objectStore, extra map[string]string) *testApp {
	t.Helper()
	dbURL := pgtest.Template(t, "migrated", migrateTemplate)
	endpoint, access, secret, bucket := s3.endpoint, s3.access, s3.secret, s3.bucket
	box, err := mailbox.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { box.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"SUPPORTAL_DATABASE_URL": dbURL, "SUPPORTAL_S3_ENDPOINT": endpoint, "SUPPORTAL_S3_ACCESS_KEY": access,
		"SUPPORTAL_S3_SECRET_KEY": secret, "SUPPORTAL_S3_BUCKET": bucket, "SUPPORTAL_SMTP_HOST": box.Host(),
		"SUPPORTAL_SMTP_PORT": strconv.Itoa(box.Port()), "SUPPORTAL_SMTP_TLS": "none", "SUPPORTAL_BASE_URL": base,
		"SUPPORTAL_LISTEN": ln.Addr().String(), "SUPPORTAL_SECRET": hex.EncodeToString(key), // 48 characters
	}
	for k, v := range extra {
		vars[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err == nil {
		err = cfg.requireServe()
	}
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := build(t.Context(), cfg, slog.New(slog.NewTextHandler(logs, nil)), box)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	// Served as serve does, outbox worker and purge included, until the
	// test ends (t.Context ends before the cleanups run), with the worker
	// looking for new mail often, since the tests wait for it.
	a.mailPoll = 50 * time.Millisecond
	served := make(chan error, 1)
	go func() { served <- a.serveHTTP(t.Context(), ln) }()
	t.Cleanup(func() {
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &testApp{url: base, box: box, bundle: bundle, a: a, logs: logs, vars: vars}
}

// syncBuffer collects the server's log from its goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
