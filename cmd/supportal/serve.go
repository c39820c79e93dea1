package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"time"

	"supportal/adapters/postgres"
)

// serveHTTP serves on ln until ctx ends, then shuts down gracefully: the
// server stops accepting, requests in flight finish, the tickets' scheduler
// ends after the ticket it handles, and the outbox worker, which runs
// beside the server, sends what they left in the outbox.
func (a *app) serveHTTP(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- a.server.App.Listener(ln) }()
	go a.purgeLoop(ctx)
	stopInbound := a.serveInbound()
	go a.reclock(ctx)
	// The timed rules stop with ctx; their unit of work in progress rolls
	// back or commits before the database is closed.
	timed := make(chan struct{})
	go func() {
		defer close(timed)
		a.timers.Run(ctx)
	}()
	if a.mailPoll > 0 {
		a.worker.Poll = a.mailPoll
	}
	// The worker outlives ctx until the server has stopped, so that a send
	// in progress is not cut short.
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	worked := make(chan struct{})
	go func() {
		defer close(worked)
		a.worker.Run(wctx)
	}()
	var err error
	select {
	case err = <-errc:
		err = fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err == nil {
		err = a.server.Shutdown(sctx)
	}
	stopInbound(sctx)
	<-timed
	stopWorker()
	<-worked
	if _, derr := a.worker.Drain(sctx); derr != nil {
		a.log.Warn("outbox: notices left unsent at shutdown", "err", derr)
	}
	return errors.Join(err, a.close())
}

// listen opens the server's listening socket.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return ln, nil
}

// purgeLoop removes expired sessions, codes, drafts and attempts, and licence
// files that no submission points to, every ten minutes.
func (a *app) purgeLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := a.store.Purge(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("purge failed", "err", err)
		}
		// An hour is far longer than any upload takes to be committed.
		if n, err := a.verification.Sweep(ctx, time.Now().Add(-time.Hour)); err != nil && ctx.Err() == nil {
			a.log.Warn("licence sweep failed", "err", err)
		} else if n > 0 {
			a.log.Info("orphaned licence files removed", "count", n)
		}
		if n, err := a.ticket.Sweep(ctx, a.attachments, time.Now().Add(-time.Hour)); err != nil && ctx.Err() == nil {
			a.log.Warn("ticket file sweep failed", "err", err)
		} else if n > 0 {
			a.log.Info("orphaned ticket files removed", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// defaultMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT
// says otherwise: each argon2id sign-in allocates 19 MiB, and without a limit
// the runtime keeps that freed heap around, which pushes the resident size of
// an otherwise ~45 MiB server near 90 MiB after a few concurrent sign-ins.
const defaultMemoryLimit = 40 << 20

// setMemoryLimit applies defaultMemoryLimit when GOMEMLIMIT is not set.
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	if err := cfg.requireServe(); err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	setMemoryLimit(os.Getenv)
	ln, err := listen(cfg.Listen)
	if err != nil {
		return err
	}
	a, err := build(ctx, cfg, log, nil)
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("supportal listening", "addr", cfg.Listen, "base_url", cfg.BaseURL)
	return a.serveHTTP(ctx, ln)
}

func migrateCmd(ctx context.Context, cfg config, stdout io.Writer) error {
	if cfg.DatabaseURL == "" {
		return errors.New("config: set SUPPORTAL_DATABASE_URL")
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := postgres.Migrate(ctx, db.DB); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
