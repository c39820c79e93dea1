package localminio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"supportal/adapters/proc"
	"syscall"
	"time"
)

// Module is the pinned MinIO server that Binary installs.
const Module = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// cacheName is the folder under <user cache>/supportal holding the binary.
const cacheName = "minio-7aac2a2c5b7c"

// Binary returns the path of a MinIO server executable: the one named by the
// environment variable SUPPORTAL_MINIO_BIN, or the pinned Module, built with
// `go install` into the user's cache folder the first time (a few minutes).
// A lock file keeps concurrent callers, in this or other processes, from
// building it twice. Progress lines go to log, which may be nil.
func Binary(ctx context.Context, log io.Writer) (string, error) {
	if bin := os.Getenv("SUPPORTAL_MINIO_BIN"); bin != "" {
		if err := executable(bin); err != nil {
			return "", fmt.Errorf("localminio: SUPPORTAL_MINIO_BIN: %w", err)
		}
		return bin, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("localminio: %w", err)
	}
	dir := filepath.Join(cache, "supportal", cacheName)
	bin := filepath.Join(dir, "minio")
	if executable(bin) == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("localminio: %w", err)
	}
	unlock, err := lock(ctx, dir+".lock")
	if err != nil {
		return "", fmt.Errorf("localminio: lock %s: %w", dir, err)
	}
	defer unlock()
	if executable(bin) == nil { // another process built it while we waited
		return bin, nil
	}
	if err := build(ctx, dir, log); err != nil {
		return "", fmt.Errorf("localminio: build %s: %w", Module, err)
	}
	return bin, nil
}

// build runs `go install` from a temporary folder outside any module, so the
// project's go.mod is never touched, into a staging folder whose executable
// is then renamed into dir: a build that is interrupted leaves no half
// written binary behind.
func build(ctx context.Context, dir string, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return errors.New("the go command is not on PATH: install Go or set SUPPORTAL_MINIO_BIN")
	}
	work, err := os.MkdirTemp("", "supportal-minio-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	stage, err := os.MkdirTemp(filepath.Dir(dir), ".minio-stage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)

	fmt.Fprintf(log, "localminio: building MinIO once into %s (takes about 3 minutes)\n", dir)
	start := time.Now()
	out := &proc.Tail{}
	cmd := exec.CommandContext(ctx, goBin, "install", Module)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOBIN="+stage, "GOFLAGS=-mod=mod", "GOWORK=off", "GO111MODULE=on")
	w := io.MultiWriter(log, out)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	if err := os.Rename(filepath.Join(stage, "minio"), filepath.Join(dir, "minio")); err != nil {
		return err
	}
	fmt.Fprintf(log, "localminio: built MinIO in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// lock takes an exclusive flock on path, polling so that ctx can end the
// wait, and returns the function that releases it.
func lock(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// executable reports why path is not an executable file, or nil.
func executable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case fi.IsDir() || fi.Mode().Perm()&0o111 == 0:
		return &fs.PathError{Op: "exec", Path: path, Err: fs.ErrPermission}
	}
	return nil
}
