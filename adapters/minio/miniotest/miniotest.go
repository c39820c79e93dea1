// Package miniotest gives tests an S3 server: the one named by
// SUPPORTAL_TEST_S3_ENDPOINT, SUPPORTAL_TEST_S3_ACCESS_KEY and
// SUPPORTAL_TEST_S3_SECRET_KEY when the endpoint is set, otherwise a MinIO
// server that the first caller in a test binary starts. Packages that use it
// stop that server from TestMain:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		miniotest.Shutdown()
//		os.Exit(code)
//	}
package miniotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"supportal/adapters/minio/localminio"
)

// Environment variables naming a server to use instead of starting one.
const (
	EnvEndpoint  = "SUPPORTAL_TEST_S3_ENDPOINT"
	EnvAccessKey = "SUPPORTAL_TEST_S3_ACCESS_KEY"
	EnvSecretKey = "SUPPORTAL_TEST_S3_SECRET_KEY"
)

// shared is the server this test binary uses.
var shared struct {
	mu       sync.Mutex
	started  bool
	err      error
	skip     bool // err means the binary cannot be had
	dir      string
	server   *localminio.Server
	endpoint string
	access   string
	secret   string
}

// Server returns the endpoint (host:port, plain HTTP) and root credentials
// of the shared server, starting it on first use. The test is skipped when
// the MinIO binary cannot be had and the CI environment variable is empty;
// it fails otherwise.
func Server(t testing.TB) (endpoint, access, secret string) {
	t.Helper()
	shared.mu.Lock()
	if !shared.started {
		shared.started = true
		shared.err = start()
	}
	endpoint, access, secret = shared.endpoint, shared.access, shared.secret
	err, skip := shared.err, shared.skip
	shared.mu.Unlock()
	if err != nil {
		if skip && os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	return endpoint, access, secret
}

// Shutdown stops the server if this binary started it. Call it after m.Run;
// it is safe to call when no test used a server. A later Server starts afresh.
func Shutdown() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "miniotest:", err)
		}
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	shared.started, shared.err, shared.skip, shared.dir, shared.server = false, nil, false, "", nil
}

// start fills shared from the environment or by starting a server.
func start() error {
	if ep := os.Getenv(EnvEndpoint); ep != "" {
		shared.endpoint, shared.access, shared.secret = ep, os.Getenv(EnvAccessKey), os.Getenv(EnvSecretKey)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute) // a first build takes minutes
	defer cancel()
	if _, err := localminio.Binary(ctx, os.Stderr); err != nil {
		shared.skip = true
		return err
	}
	dir, err := os.MkdirTemp("", "supportal-miniotest-")
	if err != nil {
		return fmt.Errorf("miniotest: %w", err)
	}
	shared.dir = dir
	s, err := localminio.Start(ctx, localminio.Options{Dir: dir})
	if err != nil {
		return err
	}
	shared.server = s
	shared.endpoint, shared.access, shared.secret = s.Endpoint(), s.AccessKey(), s.SecretKey()
	return nil
}

// Bucket returns a new random bucket name on the shared server; the bucket
// is not created. When the test ends, the bucket and everything in it are
// removed if something created it.
func Bucket(t testing.TB) string {
	t.Helper()
	endpoint, access, secret := Server(t)
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "test-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		if err := removeBucket(endpoint, access, secret, name); err != nil {
			t.Logf("miniotest: remove bucket %s: %v", name, err)
		}
	})
	return name
}

// removeBucket deletes every object in bucket and then the bucket.
func removeBucket(endpoint, access, secret, bucket string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, "")})
	if err != nil {
		return err
	}
	if ok, err := c.BucketExists(ctx, bucket); err != nil || !ok {
		return err
	}
	objects := c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true})
	for r := range c.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
		if r.Err != nil {
			return r.Err
		}
	}
	return c.RemoveBucket(ctx, bucket)
}
