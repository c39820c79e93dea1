package localminio

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBinaryFromEnv(t *testing.T) {
	t.Setenv("SUPPORTAL_MINIO_BIN", filepath.Join(t.TempDir(), "missing"))
	if _, err := Binary(context.Background(), nil); err == nil {
		t.Fatal("Binary() with a missing SUPPORTAL_MINIO_BIN: want an error")
	}
}

func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := Binary(ctx, os.Stderr); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := 0; i < 2; i++ { // the second start reuses the data folder
		s, err := Start(ctx, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if s.AccessKey() != DevAccessKey || s.SecretKey() != DevSecretKey {
			t.Errorf("credentials = %s/%s, want the dev defaults", s.AccessKey(), s.SecretKey())
		}
		resp, err := http.Get("http://" + s.Endpoint() + "/minio/health/live")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := s.Stop(); err != nil {
			t.Errorf("second Stop: %v", err)
		}
		if c, err := net.DialTimeout("tcp", s.Endpoint(), time.Second); err == nil {
			c.Close()
			t.Fatal("server still listens after Stop")
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".minio.sys")); err != nil {
		t.Errorf("data folder not used: %v", err)
	}
}
