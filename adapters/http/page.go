package http

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"supportal/domain/identity"
)

// Flash is a one-time message shown on the next page.
type Flash struct {
	Kind    string // "success", "info" or "error"
	Message string
}

// infoFlashes are the flash messages that inform rather than confirm.
var infoFlashes = map[string]bool{"flash.login_required": true, "flash.verification_queue_empty": true}

// Page returns the layout data of the current request.
func (s *Server) Page(c *fiber.Ctx) *Page {
	p := &Page{Lang: Lang(c), Path: returnPath(c), Route: string([]byte(c.Path())), Dev: s.cfg.Dev, Form: map[string]string{},
		Zone: identity.Location("")}
	p.CSRF, _ = c.Locals(localCSRF).(string)
	if a, ok := Account(c); ok {
		p.User = &UserView{Name: a.Name, Email: a.Email, Staff: a.IsStaff(), Role: string(a.Role), TimeZone: a.TimeZone}
		p.Zone = a.Location()
		if !a.IsStaff() && (s.Verified == nil || !s.Verified(c.UserContext(), a)) {
			p.Unverified = true
			if s.GateState != nil {
				p.Gate = s.GateState(c.UserContext(), a)
			}
		}
	}
	if f := c.Cookies("flash"); f != "" {
		c.Cookie(&fiber.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), HTTPOnly: true, Secure: s.cfg.Secure, SameSite: "Lax"})
		if v, err := url.QueryUnescape(f); err == nil && s.bundle.Has(v) {
			p.Flash = &Flash{Kind: "success", Message: s.bundle.T(p.Lang, v, nil)}
			if infoFlashes[v] {
				p.Flash.Kind = "info"
			}
		}
	}
	return p
}

// returnPath is where the language switcher returns: the URL as requested,
// or, for a page that answers a form's POST (which cannot be loaded again),
// the same-origin page the form was on, from the Referer.
func returnPath(c *fiber.Ctx) string {
	if c.Method() != fiber.MethodPost {
		return c.OriginalURL()
	}
	ref, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || ref.Host != c.Hostname() || ref.Path == "" {
		return "/"
	}
	return LocalPath(ref.RequestURI())
}

// Render writes a whole page with status 200.
func (s *Server) Render(c *fiber.Ctx, page string, p *Page) error {
	return s.render(c, fiber.StatusOK, page, "base", p)
}

// RenderStatus writes a whole page with the given status, or only its
// "content" block for htmx requests.
func (s *Server) RenderStatus(c *fiber.Ctx, status int, page string, p *Page) error {
	if h := HTMX(c); h.Partial() && h.Target != "" {
		return s.render(c, status, page, "content", p)
	}
	return s.render(c, status, page, "base", p)
}

// Fragment writes one named block of a page (an htmx partial).
func (s *Server) Fragment(c *fiber.Ctx, status int, page, block string, p *Page) error {
	return s.render(c, status, page, block, p)
}

// SetFlash shows the message id key on the next page.
func (s *Server) SetFlash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{Name: "flash", Value: url.QueryEscape(key), Path: "/", HTTPOnly: true, Secure: s.cfg.Secure, SameSite: "Lax"})
}

// T translates id into the request's language.
func (s *Server) T(c *fiber.Ctx, id string, data map[string]any) string {
	return s.bundle.T(Lang(c), id, data)
}
