// Package api serves the machine API under /api/v1 that internal systems
// call (SPEC §3.3): requests carry a bearer service token, answers are JSON,
// and errors come from the server's error handler as
// {"error": message, "code": message id}.
package api

import (
	"context"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/warranty"
)

// TokenAuth resolves bearer service tokens; the identity service satisfies
// it. AuthenticateToken returns Unauthenticated (error.token.invalid) for a
// malformed, unknown or revoked token.
type TokenAuth interface {
	AuthenticateToken(ctx context.Context, plaintext string) (identity.ServiceToken, error)
}

// Importer runs warranty imports; the warranty service satisfies it. Import
// returns Invalid for a rejected batch or file, Conflict
// (import.error.running) while another import runs.
type Importer interface {
	Import(ctx context.Context, src warranty.Source, o warranty.ImportOptions) (warranty.Run, error)
}

// ImportsPath is the route of warranty imports.
const ImportsPath = "/api/v1/warranty/imports"

// Handler holds the API's dependencies.
type Handler struct {
	s        *web.Server
	tokens   TokenAuth
	importer Importer
	// Log receives what cannot change an answer already decided (an
	// import cancelled by its client).
	Log *slog.Logger
	// MaxImportBytes bounds an import's body (413 beyond).
	MaxImportBytes int64
}

// DefaultMaxImportBytes is the largest import body accepted unless the
// handler says otherwise: far more than any ERP export.
const DefaultMaxImportBytes = 4 << 30

// Register installs the API routes on the server. The import route streams
// its body (web.Server.StreamBody), so it is not bound by the server's body
// limit. The importer audits every import itself, naming the caller's token.
func Register(s *web.Server, tokens TokenAuth, importer Importer) *Handler {
	h := &Handler{s: s, tokens: tokens, importer: importer, Log: slog.Default(), MaxImportBytes: DefaultMaxImportBytes}
	s.StreamBody(ImportsPath)
	v1 := s.App.Group("/api/v1", h.bearer)
	v1.Post("/warranty/imports", h.importWarranty)
	return h
}

const localToken = "api.token"

var errTokenInvalid = domain.E(domain.Unauthenticated, "error.token.invalid")

// bearer lets requests with an active service token through and answers 401
// to every other, before its body is read.
func (h *Handler) bearer(c *fiber.Ctx) error {
	scheme, secret, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	var err error = errTokenInvalid
	if ok && strings.EqualFold(scheme, "Bearer") {
		var t identity.ServiceToken
		if t, err = h.tokens.AuthenticateToken(c.UserContext(), strings.TrimSpace(secret)); err == nil {
			c.Locals(localToken, t)
			return c.Next()
		}
	}
	if domain.KindOf(err) == domain.Unauthenticated {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="supportal"`)
	}
	return err
}

// token returns the caller's service token.
func token(c *fiber.Ctx) identity.ServiceToken {
	t, _ := c.Locals(localToken).(identity.ServiceToken)
	return t
}
