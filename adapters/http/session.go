package http

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/ports"
)

// localToken holds the raw token of a valid session cookie.
const localToken = "session_token"

// withRequestID returns ctx carrying the request's id, where the services
// and the mail outbox find it (ports.RequestID).
func withRequestID(ctx context.Context, id string) context.Context {
	return ports.WithRequestID(ctx, id)
}

// RequestID returns the id of the request that ctx belongs to.
func RequestID(ctx context.Context) string { return ports.RequestID(ctx) }

// loadSession resolves the session cookie into the signed-in account; an
// expired or tampered cookie is dropped.
func (s *Server) loadSession(c *fiber.Ctx) error {
	tok := c.Cookies(s.cookieName("sid"))
	if tok == "" {
		return c.Next()
	}
	a, sess, err := s.auth.Authenticate(c.UserContext(), tok)
	switch {
	case err == nil:
		c.Locals(localAccount, a)
		c.Locals(localSession, sess)
		c.Locals(localToken, tok)
	case domain.KindOf(err) == domain.Unauthenticated:
		s.ClearSession(c)
	default:
		return err
	}
	return c.Next()
}

// SetSession gives the browser a new session cookie (a fresh token at every
// sign-in) and a new CSRF token.
func (s *Server) SetSession(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: s.cookieName("sid"), Value: token, Path: "/", HTTPOnly: true,
		Secure: s.cfg.Secure, SameSite: "Lax", MaxAge: int(identity.SessionAbsolute.Seconds())})
	s.RenewCSRF(c)
}

// RenewCSRF gives the browser a new CSRF token, at sign-in and sign-out, so
// that a token of the previous session is refused. The response's page, and
// every page after it, carries the new token.
func (s *Server) RenewCSRF(c *fiber.Ctx) {
	tok := randomToken()
	c.Cookie(s.csrfCookie(tok))
	c.Locals(localCSRF, tok)
}

// csrfCookie is the cookie that holds the browser's CSRF token.
func (s *Server) csrfCookie(tok string) *fiber.Cookie {
	return &fiber.Cookie{Name: s.cookieName("csrf"), Value: tok, Path: "/", HTTPOnly: true, Secure: s.cfg.Secure, SameSite: "Lax"}
}

// ClearSession removes the session cookie. fasthttp writes no Max-Age for a
// negative one, so an expiry in the past is what makes browsers delete it.
func (s *Server) ClearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: s.cookieName("sid"), Value: "", Path: "/", HTTPOnly: true,
		Secure: s.cfg.Secure, SameSite: "Lax", MaxAge: -1, Expires: time.Unix(0, 0)})
}

// SessionToken returns the raw session cookie.
func (s *Server) SessionToken(c *fiber.Ctx) string { return c.Cookies(s.cookieName("sid")) }

// Account returns the signed-in account, if any.
func Account(c *fiber.Ctx) (identity.Account, bool) {
	a, ok := c.Locals(localAccount).(identity.Account)
	return a, ok
}

// Session returns the signed-in session, if any.
func Session(c *fiber.Ctx) (identity.Session, bool) {
	sess, ok := c.Locals(localSession).(identity.Session)
	return sess, ok
}

// Client describes the caller for the services (address, browser, language,
// and the session the browser holds, which a new sign-in ends).
func Client(c *fiber.Ctx) identity.Client {
	tok, _ := c.Locals(localToken).(string)
	return identity.Client{IP: c.IP(), UserAgent: CleanText(string(c.Context().UserAgent())), Lang: Lang(c), Session: tok}
}

// RequireCustomer lets signed-in customers and partners through and sends
// everyone else to the sign-in page.
func (s *Server) RequireCustomer(c *fiber.Ctx) error {
	a, ok := Account(c)
	if !ok {
		return s.toLogin(c, "/login")
	}
	if a.IsStaff() {
		return domain.E(domain.Forbidden, "error.forbidden")
	}
	return c.Next()
}

// RequireStaff lets staff with one of the roles through (any role when none
// is given; admins always) once their session has the second factor; a
// session with only the password is sent to the second step.
func (s *Server) RequireStaff(roles ...identity.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, ok := Account(c)
		if !ok {
			return s.toLogin(c, "/staff/login")
		}
		if !a.IsStaff() {
			return domain.E(domain.NotFound, "error.not_found")
		}
		if sess, _ := Session(c); identity.NeedsSecondFactor(a, sess) {
			return s.toSecondFactor(c)
		}
		if len(roles) == 0 || a.Role == identity.RoleAdmin {
			return c.Next()
		}
		for _, r := range roles {
			if a.Role == r {
				return c.Next()
			}
		}
		return domain.E(domain.Forbidden, "error.forbidden")
	}
}

func (s *Server) toLogin(c *fiber.Ctx, login string) error {
	if c.Method() != fiber.MethodGet {
		return domain.E(domain.Unauthenticated, "error.session.expired")
	}
	s.SetFlash(c, "flash.login_required")
	return s.Redirect(c, login+"?next="+encodeQuery(c.OriginalURL()))
}

// SecondFactorPath is the second step of the staff sign-in.
const SecondFactorPath = "/staff/2fa"

// toSecondFactor sends a staff member whose session has only the password to
// the second step, and back afterwards.
func (s *Server) toSecondFactor(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet {
		return domain.E(domain.Unauthenticated, "error.second_factor.required")
	}
	return s.Redirect(c, SecondFactorPath+"?next="+encodeQuery(c.OriginalURL()))
}
