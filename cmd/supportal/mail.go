package main

import (
	"context"
	"log/slog"

	"supportal/adapters/smtp/inbound"
	"supportal/domain/ticket"
)

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
