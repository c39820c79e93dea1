// Package localpg starts and stops a project-local PostgreSQL cluster from the
// system's server binaries, for development and tests. The cluster listens on
// 127.0.0.1 only, has no Unix-domain socket and trusts every local connection,
// so it must never hold real data.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"supportal/adapters/proc"
	"sync"
	"syscall"
	"time"
)

// Database is the name of the database Start creates for the application.
const Database = "supportal"

// Options configure Start.
type Options struct {
	// Dir is the data folder. Start runs initdb when it is missing or empty
	// and reuses the cluster when it already holds one.
	Dir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Log receives the server's output; nil discards it.
	Log io.Writer
	// Fast turns off fsync, synchronous_commit and full_page_writes. A crash
	// may then corrupt the cluster, so use it for throwaway test clusters only.
	Fast bool
}

// Server is a running cluster started by Start.
type Server struct {
	port int
	dir  string // the data folder, after any link in Options.Dir
	proc *os.Process
	done chan struct{}
	out  *proc.Tail

	waitErr  error // set before done is closed
	stopOnce sync.Once
	stopErr  error
}

// Start starts a cluster in opts.Dir, creating it first when needed, and
// makes sure the database named Database exists and that the pg_trgm and
// btree_gin extensions can be created in it. A server left running in the
// same folder by an earlier process is stopped first. When running as root,
// the cluster runs as the postgres system user and Dir is handed to it; when
// that user cannot reach Dir (a folder of mode 0700 on the way), the cluster
// lives in a folder under its home that Dir links to (see Server.Dir).
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	if opts.Dir == "" {
		return nil, errors.New("localpg: start: no data folder given")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("localpg: start: %w", err)
	}
	o, err := runAs()
	if err != nil {
		return nil, fmt.Errorf("localpg: start: %w", err)
	}
	if dir, err = o.place(dir); err != nil {
		return nil, fmt.Errorf("localpg: start: %w", err)
	}
	if err := initDB(ctx, bin, dir, o, opts.Fast); err != nil {
		return nil, fmt.Errorf("localpg: initdb %s: %w", dir, err)
	}
	if err := clearPIDFile(ctx, bin, dir, o); err != nil {
		return nil, fmt.Errorf("localpg: start: %w", err)
	}
	var s *Server
	for attempt := 1; ; attempt++ {
		port := opts.Port
		if port == 0 {
			if port, err = proc.FreePort(); err != nil {
				return nil, fmt.Errorf("localpg: start: %w", err)
			}
		}
		s, err = launch(ctx, bin, dir, port, o, opts)
		if err == nil {
			s.dir = dir
			break
		}
		// A picked port may have been taken in the meantime; try another.
		if opts.Port != 0 || attempt == 3 || !errors.Is(err, errExited) {
			return nil, fmt.Errorf("localpg: start: %w", err)
		}
	}
	if err := s.ensureDatabase(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("localpg: start: %w", err), s.Stop())
	}
	return s, nil
}

// Dir returns the folder that holds the cluster's data: Options.Dir, or the
// folder it links to when the server's user could not reach Options.Dir.
func (s *Server) Dir() string { return s.dir }

// URL returns the connection URL of the application database.
func (s *Server) URL() string {
	return s.urlFor(Database)
}

// urlFor returns the connection URL of the named database.
func (s *Server) urlFor(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Stop shuts the server down in PostgreSQL's fast mode (what `pg_ctl stop -m
// fast` does: roll back open transactions, disconnect clients, checkpoint)
// and waits for it to exit. It escalates to an immediate shutdown after a
// minute. Calling Stop again returns the first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

// stop signals the server until it exits.
func (s *Server) stop() error {
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGINT, time.Minute}, {syscall.SIGQUIT, 10 * time.Second}, {syscall.SIGKILL, 10 * time.Second}} {
		if err := s.proc.Signal(step.sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("localpg: stop: %w", err)
		}
		if waitExit(s.done, step.wait) {
			if s.waitErr != nil && step.sig == syscall.SIGINT {
				return fmt.Errorf("localpg: stop: %w: %s", s.waitErr, s.out)
			}
			return nil
		}
	}
	return errors.New("localpg: stop: server does not exit")
}

// initDB creates a cluster in dir unless it already holds one.
func initDB(ctx context.Context, bin, dir string, o *owner, fast bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
		return o.own(dir)
	}
	if len(entries) > 0 {
		return errors.New("folder is neither empty nor a PostgreSQL data folder")
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	if err := o.own(dir); err != nil {
		return err
	}
	args := []string{"-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"}
	if fast {
		args = append(args, "--no-sync")
	}
	// Collate bytewise, but classify characters by Unicode so that pg_trgm
	// indexes Chinese text; fall back to the C locale where C.UTF-8 is missing.
	out, err := o.command(ctx, 0, filepath.Join(bin, "initdb"),
		append(args, "--locale=C", "--lc-ctype=C.UTF-8")...).CombinedOutput()
	if err != nil && bytes.Contains(out, []byte("locale")) {
		out, err = o.command(ctx, 0, filepath.Join(bin, "initdb"),
			append(args, "--no-locale")...).CombinedOutput()
	}
	if err != nil {
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
