// Package http is Supportal's web edge: the Fiber application, its middleware,
// the error handler that maps domain errors to statuses, and page rendering.
// Each module's pages live in a sub-package that registers its routes here.
package http

import (
	"context"
	"log/slog"
	nethttp "net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"supportal/adapters/i18n"
	"supportal/domain/identity"
	"supportal/views"
)

// Config tunes the web edge.
type Config struct {
	// Secure marks cookies Secure and gives them the __Host- prefix (behind TLS).
	Secure bool
	// BaseURL is the public address, used in emails and logs.
	BaseURL string
	// Dev enables the development mailbox page.
	Dev bool
	// BodyLimit caps request bodies in bytes.
	BodyLimit int
	// StreamRequestBody lets the routes marked with StreamBody read bodies
	// of any size as a stream; every other route keeps BodyLimit.
	StreamRequestBody bool
	// StreamTimeout bounds reading a streamed body (an hour when zero).
	StreamTimeout time.Duration
}

// Authenticator resolves session tokens; the identity service satisfies it.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (identity.Account, identity.Session, error)
}

// Check is a readiness probe of one dependency.
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// Server is the Fiber application with Supportal's middleware.
type Server struct {
	App    *fiber.App
	cfg    Config
	views  *Views
	bundle *i18n.Bundle
	log    *slog.Logger
	auth   Authenticator
	checks []Check
	// streamed holds the paths of the routes that stream their body, each
	// with its file limit (StreamForm) or 0 (StreamBody).
	streamed map[string]int64
	// Verified reports whether a customer's company is verified (for the
	// banner); nil means never.
	Verified func(ctx context.Context, a identity.Account) bool
	// PendingVerifications counts the submissions waiting for a reviewer
	// (for the staff workbench); nil when no module provides it.
	PendingVerifications func(ctx context.Context) (int, error)
	// TicketCounts counts the tickets of the agent's saved views (unassigned,
	// mine, overdue …) for the staff workbench; nil shows no ticket card.
	TicketCounts func(ctx context.Context, staffID int64, role identity.Role) ([]ViewCount, error)
	// GateState says where an unverified company's verification stands, for
	// the banner and the gates; nil (or a nil answer) shows the plain text.
	GateState func(ctx context.Context, a identity.Account) *GateState
}

// GateState is where an unverified company's verification stands: State is
// pending (with SubmittedAt), rejected or revoked (with Reason and Note), or
// none.
type GateState struct {
	State       string
	SubmittedAt time.Time
	Reason      string
	Note        string
}

// readBufferSize bounds a request's header (request line and cookies
// included).
const readBufferSize = 16 << 10

// New builds the application with every cross-cutting middleware installed;
// modules add their routes afterwards.
func New(cfg Config, b *i18n.Bundle, v *Views, log *slog.Logger, auth Authenticator, checks ...Check) *Server {
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 4 << 20
	}
	if cfg.StreamTimeout == 0 {
		cfg.StreamTimeout = defaultStreamTimeout
	}
	s := &Server{cfg: cfg, views: v, bundle: b, log: log, auth: auth, checks: checks}
	s.App = fiber.New(fiber.Config{
		AppName:               "supportal",
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// Long query strings and cookies fit; beyond, fasthttp reports
		// ErrSmallBuffer, answered 431 (errors.go).
		ReadBufferSize: readBufferSize,
		// See body.go: with streaming, the server enforces BodyLimit itself.
		StreamRequestBody:            cfg.StreamRequestBody,
		DisablePreParseMultipartForm: cfg.StreamRequestBody,
	})
	if cfg.StreamRequestBody {
		s.App.Server().HeaderReceived = s.headerReceived
	}
	s.App.Use(requestid.New())
	s.App.Use(s.logRequests)
	s.App.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	s.App.Use(securityHeaders)
	s.App.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	s.App.Get("/readyz", s.ready)
	s.App.Use("/static", staticCache, filesystem.New(filesystem.Config{Root: nethttp.FS(mustSub(views.FS, "static"))}))
	s.App.Use(cleanCookies)
	s.App.Use(s.language)
	// The session comes before anything that may refuse the request, so
	// that every error page shows who is signed in.
	s.App.Use(s.loadSession)
	if cfg.StreamRequestBody {
		s.App.Use(s.limitBody)
	}
	s.App.Use(s.csrf)
	s.App.Use(s.checkInput)
	s.App.Post("/lang", s.switchLanguage)
	return s
}

// NotFound installs the final handler for unknown paths; call it after every
// module has registered its routes.
func (s *Server) NotFound() {
	s.App.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// ready answers 200 when every dependency answers, 503 otherwise.
func (s *Server) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	out := fiber.Map{}
	status := fiber.StatusOK
	for _, ch := range s.checks {
		if err := ch.Fn(ctx); err != nil {
			s.log.WarnContext(ctx, "readiness check failed", "check", ch.Name, "err", err)
			out[ch.Name] = "unavailable"
			status = fiber.StatusServiceUnavailable
			continue
		}
		out[ch.Name] = "ok"
	}
	return c.Status(status).JSON(out)
}

// Redirect sends htmx an HX-Redirect and everyone else a 303.
func (s *Server) Redirect(c *fiber.Ctx, to string) error {
	if IsHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// LocalPath returns p when it is a path on this site, "/" otherwise, so that
// a "next" parameter cannot send users elsewhere.
func LocalPath(p string) string {
	if len(p) == 0 || p[0] != '/' || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
		return "/"
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	return p
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.App.ShutdownWithContext(ctx) }

// ViewCount is the number of tickets of one saved view of the agents'
// queue, as shown ("200+" where counting stopped).
type ViewCount struct {
	View  string
	Count string
}
