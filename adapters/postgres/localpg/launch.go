package localpg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"supportal/adapters/proc"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// errExited reports that the server exited before it accepted connections.
var errExited = errors.New("server exited during start-up")

// startTimeout bounds how long launch waits for the server to accept
// connections; crash recovery of a large dev cluster can take a while.
const startTimeout = 2 * time.Minute

// launch runs postgres on dir and port and waits until it accepts
// connections. The server receives SIGINT (a fast shutdown) if this process
// dies, so a killed test binary leaves no server behind.
func launch(ctx context.Context, bin, dir string, port int, o *owner, opts Options) (*Server, error) {
	args := []string{
		"-D", dir,
		"-p", strconv.Itoa(port),
		"-k", "", // no Unix-domain socket: TCP on loopback only
		"-c", "listen_addresses=127.0.0.1",
	}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := o.command(context.Background(), syscall.SIGINT, filepath.Join(bin, "postgres"), args...)
	s := &Server{port: port, done: make(chan struct{}), out: &proc.Tail{}}
	var w io.Writer = s.out
	if opts.Log != nil {
		w = io.MultiWriter(opts.Log, s.out)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.proc = cmd.Process
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx); err != nil {
		if !errors.Is(err, errExited) {
			err = errors.Join(err, s.Stop())
		}
		return nil, err
	}
	return s, nil
}

// waitReady polls the server until it accepts connections, it exits, ctx
// ends or startTimeout passes.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	db, err := sql.Open("postgres", s.urlFor("postgres")+"&connect_timeout=2")
	if err != nil {
		return err
	}
	defer db.Close()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pingCtx, cancelPing := context.WithTimeout(ctx, 2*time.Second)
		err = db.PingContext(pingCtx)
		cancelPing()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("%w (%v): %s", errExited, s.waitErr, s.out)
		case <-ctx.Done():
			return fmt.Errorf("wait for server on port %d: %w (last error: %v): %s", s.port, ctx.Err(), err, s.out)
		case <-tick.C:
		}
	}
}

// ensureDatabase creates the application database when it is missing and
// checks, in a transaction it rolls back, that the extensions the migrations
// need can be created.
func (s *Server) ensureDatabase(ctx context.Context) error {
	admin, err := sql.Open("postgres", s.urlFor("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	var exists bool
	const q = `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`
	if err := admin.QueryRowContext(ctx, q, Database).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", Database, err)
	}
	if !exists {
		_, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(Database))
		var pqErr *pq.Error
		if err != nil && !(errors.As(err, &pqErr) && pqErr.Code == "42P04") { // duplicate_database
			return fmt.Errorf("create database %s: %w", Database, err)
		}
	}

	db, err := sql.Open("postgres", s.URL())
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("check extensions: %w", err)
	}
	defer tx.Rollback()
	for _, ext := range []string{"pg_trgm", "btree_gin"} {
		if _, err := tx.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS `+ext); err != nil {
			return fmt.Errorf("extension %s is not available (install the postgresql-contrib package): %w", ext, err)
		}
	}
	return nil
}
