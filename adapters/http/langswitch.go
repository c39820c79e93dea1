package http

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"supportal/adapters/i18n"
)

// localCarried holds the fields a language switch carried over (see
// switchLanguage); render puts them into the page's form.
const localCarried = "carried"

// switchLanguage stores the chosen language and returns to the same page.
//
// The header's form sends lang and next: the browser is sent back to next.
// On a page that names its form (Page.SwitchForm), the language buttons
// submit that form instead, to /lang?next=… (the header partial): without
// JavaScript, what the user typed then comes with the switch. The page is
// then shown again as a GET of next, in the new language, with the typed
// values in its fields. Nothing is stored and the form's own action never
// runs; passwords are never sent back (carriedFields).
func (s *Server) switchLanguage(c *fiber.Ctx) error {
	lang := c.FormValue("lang")
	if i18n.Valid(lang) {
		c.Cookie(&fiber.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HTTPOnly: true, Secure: s.cfg.Secure, SameSite: "Lax"})
	}
	next := c.Query("next")
	if next == "" || IsHTMX(c) {
		return s.Redirect(c, LocalPath(c.FormValue("next")))
	}
	next = LocalPath(next)
	u, err := url.Parse(next)
	if err != nil {
		return s.Redirect(c, "/")
	}
	c.Locals(localCarried, carriedFields(c))
	if rid, ok := c.Locals("requestid").(string); ok {
		c.Request().Header.Set(fiber.HeaderXRequestID, rid) // the same id on the second pass
	}
	if i18n.Valid(lang) {
		c.Request().Header.SetCookie("lang", lang)
	}
	// The page answers as it does to a GET of next: the same route, with
	// its own checks (who may see it), after the same middleware.
	c.Request().ResetBody()
	c.Request().Header.SetContentLength(0)
	c.Request().Header.Del(fiber.HeaderContentType)
	c.Request().SetRequestURI(next)
	c.Method(fiber.MethodGet)
	c.Path(u.Path)
	return c.RestartRouting()
}

// carriedFields copies the posted fields of the page's form, leaving out the
// switch's own (lang), the CSRF token and every password.
func carriedFields(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		name := string(k)
		if name == "lang" || name == "_csrf" || strings.Contains(name, "password") {
			return
		}
		if _, dup := out[name]; !dup {
			out[name] = string(v)
		}
	})
	return out
}

// carry puts the fields a language switch carried over into the page's form.
func carry(c *fiber.Ctx, p *Page) {
	f, ok := c.Locals(localCarried).(map[string]string)
	if !ok {
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	for k, v := range f {
		p.Form[k] = v
	}
}
