package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"supportal/adapters/postgres"
	"supportal/ports"
)

// openServices builds the services over the configured database alone, for
// the staff commands: they change the database only, so their services get
// the offline file store and mailer, and the commands need no object storage
// or SMTP settings.
func openServices(ctx context.Context, cfg config, log *slog.Logger) (*services, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("config: set SUPPORTAL_DATABASE_URL")
	}
	if cfg.Secret == "" { // the identity service keys codes and second factors with it
		return nil, errors.New("config: set SUPPORTAL_SECRET")
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	s, err := newServices(cfg, log, db, offline{}, offline{})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// offline is the file store and the mailer of the staff commands' services.
// No command reaches them; should one ever do, it fails at once rather than
// reaching a server the command was not configured for.
type offline struct{}

var (
	_ ports.FileStore = offline{}
	_ ports.Mailer    = offline{}
)

var errOffline = errors.New("supportal: the staff commands reach neither object storage nor mail")

func (offline) Put(context.Context, string, io.Reader, int64, string, map[string]string) error {
	return errOffline
}

func (offline) Open(context.Context, string) (io.ReadCloser, ports.FileInfo, error) {
	return nil, ports.FileInfo{}, errOffline
}

func (offline) Delete(context.Context, string) error { return errOffline }

func (offline) List(context.Context, string, time.Time, func(ports.FileInfo) error) error {
	return errOffline
}

func (offline) Ping(context.Context) error { return errOffline }

func (offline) Send(context.Context, ports.Mail) error { return errOffline }
