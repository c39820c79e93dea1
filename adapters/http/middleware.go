package http

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"supportal/adapters/i18n"
	"supportal/domain"
)

type ctxKey string

const (
	localLang    = "lang"
	localLogged  = "logged"
	localCSRF    = "csrf"
	localAccount = "account"
	localSession = "session"
)

// csp allows only the site's own scripts and styles: no inline script.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"object-src 'none'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

func securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.Protocol() == "https" {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

func staticCache(c *fiber.Ctx) error {
	if c.Query("v") != "" {
		c.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Set("Cache-Control", "public, max-age=3600")
	}
	return c.Next()
}

// logRequests puts the request id and a logger into the request's context and
// writes one structured line per request.
func (s *Server) logRequests(c *fiber.Ctx) error {
	if c.Locals(localLogged) != nil {
		return c.Next() // routed again (switchLanguage): logged once, by the first pass
	}
	c.Locals(localLogged, true)
	start := time.Now()
	rid, _ := c.Locals("requestid").(string)
	c.SetUserContext(withRequestID(c.UserContext(), rid))
	err := c.Next()
	if err != nil {
		if herr := s.App.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	if !strings.HasPrefix(c.Path(), "/static/") {
		s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("request_id", rid), slog.String("method", c.Method()), slog.String("path", c.Path()),
			slog.Int("status", c.Response().StatusCode()), slog.Duration("duration", time.Since(start)))
	}
	return nil
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	rid, _ := c.Locals("requestid").(string)
	s.log.Error("panic", "request_id", rid, "panic", e)
}

// language picks the request's language from the cookie or Accept-Language.
func (s *Server) language(c *fiber.Ctx) error {
	lang := i18n.Match(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
	if isAPI(c.Path()) && c.Get(fiber.HeaderAcceptLanguage) == "" {
		lang = i18n.EN // programs calling the API get English unless they ask
	}
	c.Locals(localLang, lang)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	return c.Next()
}

// isAPI reports whether path belongs to the API for programs (under /api/).
// Fiber's router ignores case, so /API/v1/… reaches the same handlers and
// must be treated alike.
func isAPI(path string) bool {
	const prefix = "/api/"
	return len(path) >= len(prefix) && strings.EqualFold(path[:len(prefix)], prefix) ||
		strings.EqualFold(path, "/api")
}

// Lang returns the request's language.
func Lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok {
		return l
	}
	return i18n.ZH
}

func (s *Server) cookieName(name string) string {
	if s.cfg.Secure {
		return "__Host-" + name
	}
	return name
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

var errCSRF = domain.E(domain.Forbidden, "error.csrf")

// csrf implements the double-submit cookie: every browser gets a random token
// in an HttpOnly cookie, pages repeat it in a hidden field and in htmx's
// headers, and a state-changing request must send it back. The bearer-token
// API carries no cookies and is exempt.
func (s *Server) csrf(c *fiber.Ctx) error {
	name := s.cookieName("csrf")
	tok := c.Cookies(name)
	if len(tok) != 43 {
		tok = randomToken()
		c.Cookie(s.csrfCookie(tok))
		c.Request().Header.DelCookie(name)
	}
	c.Locals(localCSRF, tok)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if isAPI(c.Path()) {
		return c.Next()
	}
	sent := c.Get("X-CSRF-Token")
	if sent == "" {
		sent = FormValue(c, "_csrf")
	}
	if c.Cookies(name) == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(tok)) != 1 {
		return errCSRF
	}
	return c.Next()
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
