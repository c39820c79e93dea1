package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"supportal/adapters/cli"
	"supportal/adapters/minio"
	"supportal/adapters/postgres"
	"supportal/adapters/smtp/inbound"
	"supportal/domain/ticket"
)

var _ inbound.Receiver = (*ticket.Service)(nil)

// listenInbound opens the inbound SMTP listener for the replies to ticket
// emails when SUPPORTAL_MAIL_LISTEN is set (nil otherwise).
func listenInbound(cfg config, log *slog.Logger, svc *ticket.Service) (*inbound.Server, error) {
	if cfg.MailListen == "" {
		return nil, nil
	}
	return inbound.Listen(inbound.Config{Addr: cfg.MailListen, Domain: cfg.MailReplyDomain, MaxBytes: cfg.MailMaxBytes, Log: log}, svc)
}

// serveInbound accepts replies by email beside the web server, until the
// function it returns stops the listener, letting the messages in hand
// finish within ctx.
func (a *app) serveInbound() func(ctx context.Context) {
	if a.inbound == nil {
		return func(context.Context) {}
	}
	a.log.Info("supportal accepting ticket replies by email", "addr", a.inbound.Addr())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.inbound.Serve(); err != nil {
			a.log.Error("inbound mail listener stopped", "err", err)
		}
	}()
	return func(ctx context.Context) {
		if err := a.inbound.Close(ctx); err != nil {
			a.log.Warn("inbound mail listener: closing", "err", err)
		}
		<-done
	}
}

// stdin is what "mail receive" reads (a variable for the tests).
var stdin io.Reader = os.Stdin

// mailCommands returns the mail commands over the configuration: "mail
// receive" opens the ticket service over the database and object storage
// (its answers go through the outbox, which serve sends).
func mailCommands(cfg config, stdout, stderr io.Writer) cli.MailCommands {
	listen := cfg.MailListen
	if listen == "" {
		listen = devMailListen
	}
	return cli.MailCommands{Open: func(ctx context.Context) (inbound.Receiver, func() error, error) {
		return openReceiver(ctx, cfg, newLogger(cfg, stderr))
	}, MaxBytes: cfg.MailMaxBytes, Listen: listen, Stdin: stdin, Stdout: stdout, Stderr: stderr}
}

// openReceiver builds the ticket service over the configured database and
// object storage, without a mailer.
func openReceiver(ctx context.Context, cfg config, log *slog.Logger) (inbound.Receiver, func() error, error) {
	if missing := cfg.missing(false); len(missing) > 0 {
		return nil, nil, fmt.Errorf("config: set %s", strings.Join(missing, ", "))
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("database: %w", err)
	}
	files, err := minio.New(ctx, minio.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Bucket: cfg.S3Bucket, UseSSL: cfg.S3UseSSL})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("object storage: %w", err)
	}
	s, err := newServices(cfg, log, db, files, offline{})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s.ticket, s.close, nil
}
