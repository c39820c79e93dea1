package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/argon2id"
	web "supportal/adapters/http"
	"supportal/adapters/http/home"
	identityweb "supportal/adapters/http/identity"
	"supportal/adapters/i18n"
	"supportal/adapters/minio"
	"supportal/adapters/notify"
	"supportal/adapters/postgres"
	"supportal/adapters/smtp"
	"supportal/adapters/smtp/mailbox"
	"supportal/domain/identity"
)

// app is the wired application: the services and the web server over them.
type app struct {
	db       *sqlx.DB
	identity *identity.Service
	server   *web.Server
	store    *postgres.IdentityStore
	log      *slog.Logger
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// build connects to PostgreSQL, MinIO and SMTP and wires every module. box is
// the development mailbox shown at /dev/mail (nil in production).
func build(ctx context.Context, cfg config, log *slog.Logger, box *mailbox.Box) (*app, error) {
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	files, err := minio.New(ctx, minio.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, UseSSL: cfg.S3UseSSL})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("object storage: %w", err)
	}
	mailer, err := smtp.New(smtp.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUser, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("smtp: %w", err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	views, err := web.LoadViews(bundle)
	if err != nil {
		db.Close()
		return nil, err
	}
	store := postgres.NewIdentityStore(db)
	idsvc := identity.NewService(identity.Deps{
		Accounts: store, Companies: store, Codes: store, Sessions: store, Attempts: store, Drafts: store, Audit: store,
		Hasher: argon2id.New(argon2id.Default, 0), Notifier: notify.New(bundle, mailer), Secret: []byte(cfg.Secret),
		OnAsyncError: func(err error) { log.Error("email not sent", "err", err) },
	})
	srv := web.New(web.Config{Secure: cfg.SecureCookies, BaseURL: cfg.BaseURL, Dev: box != nil}, bundle, views, log, idsvc,
		web.Check{Name: "database", Fn: func(ctx context.Context) error { return db.PingContext(ctx) }},
		web.Check{Name: "object_storage", Fn: files.Ping},
	)
	identityweb.Register(srv, idsvc)
	home.Register(srv, box)
	srv.NotFound()
	idsvc.Warm(ctx)
	return &app{db: db, identity: idsvc, server: srv, store: store, log: log}, nil
}

// serveHTTP listens until ctx ends, then shuts down gracefully: the server
// stops accepting, requests in flight finish, pending emails are sent.
func (a *app) serveHTTP(ctx context.Context, listen string) error {
	errc := make(chan error, 1)
	go func() { errc <- a.server.App.Listen(listen) }()
	go a.purgeLoop(ctx)
	select {
	case err := <-errc:
		return fmt.Errorf("listen %s: %w", listen, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := a.server.Shutdown(sctx)
	a.identity.Close()
	return errors.Join(err, a.db.Close())
}

// purgeLoop removes expired sessions, codes, drafts and attempts every ten minutes.
func (a *app) purgeLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := a.store.Purge(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("purge failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	if err := cfg.requireServe(); err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	a, err := build(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	log.Info("supportal listening", "addr", cfg.Listen, "base_url", cfg.BaseURL)
	return a.serveHTTP(ctx, cfg.Listen)
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
