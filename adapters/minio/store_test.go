package minio_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"supportal/adapters/minio"
	"supportal/adapters/minio/localminio"
	"supportal/adapters/minio/miniotest"
	"supportal/ports"
)

// newStore returns a store on a fresh bucket of the shared test server.
func newStore(t *testing.T) *minio.Store {
	t.Helper()
	endpoint, access, secret := miniotest.Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := minio.New(ctx, minio.Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: miniotest.Bucket(t)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutOpenRoundTrip(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	meta := map[string]string{"original-name": "保修卡 scan.pdf", "Uploader": "u-42", "tricky": "=?not encoded"}
	for _, size := range []int64{7, -1} {
		body := "%PDF-1 hello " + time.Now().String()
		if size >= 0 {
			size = int64(len(body))
		}
		if err := s.Put(ctx, "docs/a.pdf", strings.NewReader(body), size, "application/pdf", meta); err != nil {
			t.Fatal(err)
		}
		rc, info, err := s.Open(ctx, "docs/a.pdf")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != body {
			t.Fatalf("size %d: content = %q, %v; want %q", size, got, err, body)
		}
		if info.Key != "docs/a.pdf" || info.Size != int64(len(body)) || info.ContentType != "application/pdf" {
			t.Errorf("size %d: info = %+v", size, info)
		}
		if time.Since(info.Modified) > time.Minute {
			t.Errorf("Modified = %v, want about now", info.Modified)
		}
		want := map[string]string{"original-name": "保修卡 scan.pdf", "uploader": "u-42", "tricky": "=?not encoded"}
		for k, v := range want {
			if info.Meta[k] != v {
				t.Errorf("size %d: Meta[%q] = %q, want %q (all: %v)", size, k, info.Meta[k], v, info.Meta)
			}
		}
	}
}

func TestPutLargeUnknownSize(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB: two parts
	if err := s.Put(ctx, "big", io.MultiReader(bytes.NewReader(body)), -1, "", nil); err != nil {
		t.Fatal(err)
	}
	rc, info, err := s.Open(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("read back %d bytes, %v; want %d", len(got), err, len(body))
	}
	if info.ContentType != "application/octet-stream" {
		t.Errorf("ContentType = %q, want the default", info.ContentType)
	}
}

func TestOpenMissing(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	_, _, err := s.Open(context.Background(), "nope")
	if !errors.Is(err, ports.ErrFileNotFound) {
		t.Fatalf("Open(missing) error = %v, want ports.ErrFileNotFound", err)
	}
}

func TestDeleteIdempotent(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	if err := s.Put(ctx, "k", strings.NewReader("x"), 1, "text/plain", nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := s.Delete(ctx, "k"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if _, _, err := s.Open(ctx, "k"); !errors.Is(err, ports.ErrFileNotFound) {
		t.Fatalf("Open after Delete: %v, want ports.ErrFileNotFound", err)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	put := func(keys ...string) {
		for _, k := range keys {
			if err := s.Put(ctx, k, strings.NewReader(k), int64(len(k)), "text/plain", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	put("up/b/2", "up/a", "up/b/1", "other/x")
	time.Sleep(1100 * time.Millisecond) // S3 times have one-second resolution
	cutoff := time.Now()
	time.Sleep(1100 * time.Millisecond)
	put("up/new")

	var got []string
	err := s.List(ctx, "up/", cutoff, func(fi ports.FileInfo) error {
		if fi.Size != int64(len(fi.Key)) || fi.Modified.IsZero() {
			t.Errorf("info = %+v", fi)
		}
		got = append(got, fi.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"up/a", "up/b/1", "up/b/2"}; !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}

	stop := errors.New("stop")
	calls := 0
	err = s.List(ctx, "", time.Now().Add(time.Hour), func(ports.FileInfo) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("List with failing fn = %v after %d calls, want stop after 1", err, calls)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	if err := newStore(t).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestServerDown(t *testing.T) {
	t.Parallel()
	miniotest.Server(t) // skips or fails like the other tests when MinIO is unavailable
	ctx := context.Background()
	srv, err := localminio.Start(ctx, localminio.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	s, err := minio.New(ctx, minio.Config{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey(), SecretKey: srv.SecretKey(), Bucket: "files"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "before", strings.NewReader("x"), 1, "", nil); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	putCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err = s.Put(putCtx, "after", strings.NewReader("x"), 1, "", nil)
	if err == nil {
		t.Fatal("Put to a stopped server succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Put failed after %v, want within the 2s deadline", d)
	}
	t.Logf("Put: %v (after %v)", err, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping of a stopped server succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Ping failed after %v, want within its own timeout", d)
	}
}
