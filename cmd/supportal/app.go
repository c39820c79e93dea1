package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	web "supportal/adapters/http"
	"supportal/adapters/http/api"
	"supportal/adapters/http/home"
	identityweb "supportal/adapters/http/identity"
	slaweb "supportal/adapters/http/sla"
	ticketweb "supportal/adapters/http/ticket"
	ticketstaff "supportal/adapters/http/ticket/staff"
	verificationweb "supportal/adapters/http/verification"
	warrantyweb "supportal/adapters/http/warranty"
	"supportal/adapters/i18n"
	"supportal/adapters/minio"
	"supportal/adapters/modules"
	"supportal/adapters/notify"
	"supportal/adapters/postgres"
	"supportal/adapters/smtp"
	"supportal/adapters/smtp/inbound"
	"supportal/adapters/smtp/mailbox"
	"supportal/adapters/sniff"
	"supportal/domain/identity"
	"supportal/domain/ticket"
	"supportal/domain/ticket/report"
	"supportal/domain/ticket/sla"
	"supportal/domain/verification"
	"supportal/domain/warranty"
	"supportal/ports"
)

// app is the wired application: the services, the web server over them
// and the worker that sends the mail they leave in the outbox.
type app struct {
	*services
	server *web.Server
	worker *notify.Worker
	// inbound is the SMTP listener of the replies by email (nil: off).
	inbound *inbound.Server
}

// services are the modules wired over their adapters, without the web
// server: the web server and the staff commands work over them.
type services struct {
	db           *sqlx.DB
	identity     *identity.Service
	verification *verification.Service
	warranty     *warranty.Service
	store        *postgres.IdentityStore
	bundle       *i18n.Bundle
	notifier     *notify.Notifier
	log          *slog.Logger
	// mailPoll is how long the outbox worker waits when it found nothing to
	// send (0: the worker's default).
	mailPoll time.Duration

	// slaEngine computes entitlement and SLA clocks (ticket.Clocks) under
	// the settings slaSettings edits.
	slaEngine   *sla.Engine
	slaSettings *sla.Service
	ticket      *ticket.Service
	// ticketDeps are the ticket service's ports, for the demo data's
	// service on an earlier clock.
	ticketDeps ticket.Deps
	// attachments index every stored file, for the sweeper.
	attachments *postgres.AttachmentStore
	// timers applies the tickets' timed rules beside the web server.
	timers *ticket.Scheduler
	// reports are the staff reports over the tickets, and their queries.
	reports       *report.Service
	ticketReports *postgres.TicketReports
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// build connects to PostgreSQL, MinIO and SMTP and wires every module and
// the web server: the one constructor of the application, which serve, dev
// and the tests use. box is the development mailbox shown at /dev/mail (nil
// in production).
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
	s, err := newServices(cfg, log, db, files, mailer)
	if err != nil {
		db.Close()
		return nil, err
	}
	views, err := web.LoadViews(s.bundle)
	if err != nil {
		db.Close()
		return nil, err
	}
	idsvc, vsvc, wsvc := s.identity, s.verification, s.warranty
	// Imports stream their body (api.Register marks the route); every other
	// route keeps bodyLimit.
	srv := web.New(web.Config{Secure: cfg.SecureCookies, BaseURL: cfg.BaseURL, Dev: box != nil, BodyLimit: bodyLimit, StreamRequestBody: true}, s.bundle, views, log, idsvc,
		web.Check{Name: "database", Fn: func(ctx context.Context) error { return db.PingContext(ctx) }},
		web.Check{Name: "object_storage", Fn: files.Ping},
	)
	// The banner and the gates: a company is verified when its latest
	// submission is (one query; VerifiedCreditCode would look the account up again).
	srv.Verified = func(ctx context.Context, a identity.Account) bool {
		ok, err := vsvc.CompanyLocked(ctx, a.CompanyID)
		return err == nil && ok
	}
	idweb := identityweb.Register(srv, idsvc)
	vweb := verificationweb.Register(srv, vsvc)
	idweb.Status = vweb.Status
	srv.GateState = vweb.Gate
	vweb.CompanyName = func(ctx context.Context, a identity.Account) (string, error) {
		co, err := idsvc.Company(ctx, a)
		return co.Name, err
	}
	warrantyweb.Register(srv, wsvc).Log = log
	// The API for internal systems: bearer service tokens from identity.
	api.Register(srv, idsvc, wsvc).Log = log
	slaweb.Register(srv, s.slaSettings)
	ticketweb.Register(srv, s.ticket)
	ticketstaff.Register(srv, s.ticket)
	ticketstaff.RegisterReports(srv, s.reports)
	home.Register(srv, box)
	srv.NotFound()
	idsvc.Warm(ctx)
	in, err := listenInbound(cfg, log, s.ticket)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &app{services: s, server: srv, worker: notify.NewWorker(postgres.NewOutbox(db), s.notifier, log), inbound: in}, nil
}

// newServices wires every module over db; files and mailer are how the
// services reach beyond the database.
func newServices(cfg config, log *slog.Logger, db *sqlx.DB, files ports.FileStore, mailer ports.Mailer) (*services, error) {
	bundle, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	store := postgres.NewIdentityStore(db)
	notifier := notify.New(bundle, mailer)
	notifier.BaseURL = cfg.BaseURL
	// identity and verification need each other through ports: identity asks
	// whether a company's name is locked, verification looks up customers.
	var vsvc *verification.Service
	idDeps := identityDeps(db, cfg.Secret)
	idDeps.Locks = modules.CompanyLocks(func(ctx context.Context, id int64) (bool, error) { return vsvc.CompanyLocked(ctx, id) })
	idDeps.CacheFor = cacheFor
	idsvc := identity.NewService(idDeps)
	vstore := postgres.NewVerificationStore(db)
	vsvc = verification.NewService(verification.Deps{
		Submissions: vstore, Queue: vstore, Customers: modules.Customers{Identity: idsvc}, Tx: postgres.NewVerificationTx(db),
		Files: files, Attachments: postgres.NewAttachmentStore(db), Sniffer: sniff.Sniffer{}, Log: log, CacheFor: cacheFor,
		HoldKey: subkey(cfg.Secret, "verification.held_licence"),
	})
	// 服务查询 and the imports: every lookup is scoped to the credit code the
	// verification service reports for the caller's company.
	ws := postgres.NewWarrantyStore(db)
	wsvc := warranty.NewService(warranty.Deps{Importer: ws, Runs: ws, Lookup: ws, Verifications: vsvc,
		Tx: postgres.NewWarrantyTx(db), CacheFor: cacheFor})
	// SLA: the engine reads the settings once and again after each change.
	slaStore := postgres.NewSLAStore(db)
	slaEngine := sla.NewEngine(slaStore)
	// A change of the settings reloads the engine and moves the targets of
	// the open tickets (tsvc is built below).
	var tsvc *ticket.Service
	slaSettings := sla.NewService(sla.Deps{Store: slaStore, Tx: postgres.NewSLATx(db),
		Changed: func(ctx context.Context) {
			slaEngine.Reload()
			if n, err := tsvc.Retarget(ctx); err != nil {
				log.Error("sla: open tickets keep their old targets", "err", err, "retargeted", n)
			}
		}})
	// 工单: tickets reach the other modules only through their ports.
	tdeps := ticket.Deps{Tickets: postgres.NewTicketStore(db), Threads: postgres.NewTicketThreads(db),
		Tx: postgres.NewTicketTx(db), People: modules.People{Identity: idsvc}, Verified: vsvc,
		Devices: modules.Devices{Warranty: wsvc}, Clocks: slaEngine, Files: files, Sniffer: sniff.Sniffer{}, Log: log,
		Timing: cfg.Timing, Mail: ticket.MailSettings{Key: subkey(cfg.Secret, "ticket.reply_address"), Domain: cfg.MailReplyDomain}}
	tsvc = ticket.NewService(tdeps)
	return &services{db: db, identity: idsvc, verification: vsvc, warranty: wsvc, store: store, bundle: bundle,
		notifier: notifier, log: log, slaEngine: slaEngine, slaSettings: slaSettings, ticket: tsvc, ticketDeps: tdeps,
		attachments: postgres.NewAttachmentStore(db), timers: ticket.NewScheduler(tsvc, cfg.TimerEvery),
		reports: report.NewService(postgres.NewTicketReports(db), nil), ticketReports: postgres.NewTicketReports(db)}, nil
}

// subkey derives the key of one use from the server secret, so that no two
// uses share a key.
func subkey(secret, use string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(use))
	return m.Sum(nil)
}

// close closes the database.
func (s *services) close() error { return s.db.Close() }

// cacheFor is how long the services reuse what every page reads: the
// session and its account, the company's verified credit code, the time of
// the last import. Changes made through this server show at once; changes
// made by another instance or the CLI within cacheFor.
const cacheFor = 5 * time.Second

// bodyLimit admits a 10 MB licence with the rest of its form.
const bodyLimit = 11 << 20
