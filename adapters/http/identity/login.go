package identity

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	ident "supportal/domain/identity"
)

// loginView is the data of the sign-in page.
type loginView struct {
	Type      string // customer or partner
	Method    string // password or code
	Next      string
	Cooldown  int    // seconds until another code may be requested
	CodeError string // why no code was sent
}

func loginKind(t string) ident.Kind {
	if t == "partner" {
		return ident.KindPartner
	}
	return ident.KindCustomer
}

func (h *Handler) loginView(c *fiber.Ctx) (*web.Page, *loginView) {
	p := h.s.Page(c)
	p.Title = "login.title"
	v := &loginView{Type: "customer", Method: "password", Next: web.LocalPath(c.Query("next", c.FormValue("next")))}
	if t := c.Query("type", c.FormValue("type")); t == "partner" {
		v.Type = t
	}
	if m := c.Query("method", c.FormValue("method")); m == "code" {
		v.Method = m
	}
	p.SwitchForm = "login-form"
	if v.Method == "password" {
		p.SwitchNote = "lang.switch.note.password"
	}
	p.Data = v
	return p, v
}

func (h *Handler) loginPage(c *fiber.Ctx) error {
	if a, ok := web.Account(c); ok && !a.IsStaff() {
		return h.s.Redirect(c, "/")
	}
	p, _ := h.loginView(c)
	p.Form["email"] = c.Query("email")
	return h.s.Render(c, "identity/login", p)
}

// signedIn starts the browser's new session and goes on to next.
func (h *Handler) signedIn(c *fiber.Ctx, token, next string) error {
	h.s.SetSession(c, token)
	return h.s.Redirect(c, next)
}

func (h *Handler) loginPassword(c *fiber.Ctx) error {
	p, v := h.loginView(c)
	p.Form = form(c, "email")
	token, _, err := h.svc.Login(c.UserContext(), loginKind(v.Type), p.Form["email"], c.FormValue("password"), web.Client(c))
	if err != nil {
		return h.loginFailed(c, p, err)
	}
	return h.signedIn(c, token, v.Next)
}

func (h *Handler) loginCode(c *fiber.Ctx) error {
	p, v := h.loginView(c)
	v.Method = "code"
	p.Form = form(c, "email", "code")
	token, _, err := h.svc.LoginWithCode(c.UserContext(), loginKind(v.Type), p.Form["email"], p.Form["code"], web.Client(c))
	if err != nil {
		return h.loginFailed(c, p, err)
	}
	return h.signedIn(c, token, v.Next)
}

// loginFailed shows the one generic message (or the throttling message) above
// the form, never which part was wrong.
func (h *Handler) loginFailed(c *fiber.Ctx, p *web.Page, err error) error {
	de := domain.As(err)
	switch de.Kind {
	case domain.Unauthenticated, domain.TooMany:
		p.FormError = h.s.T(c, de.Key, de.Data)
		status := fiber.StatusUnauthorized
		if de.Kind == domain.TooMany {
			status = fiber.StatusTooManyRequests
		}
		return h.s.RenderStatus(c, status, "identity/login", p)
	}
	return err
}

// sendLoginCode emails a sign-in code. The answer is the same for known and
// unknown addresses. htmx gets only the code row back, with the cool-down.
func (h *Handler) sendLoginCode(c *fiber.Ctx) error {
	p, v := h.loginView(c)
	v.Method = "code"
	p.Form = form(c, "email")
	status := fiber.StatusOK
	err := h.svc.RequestCode(c.UserContext(), p.Form["email"], ident.PurposeLogin, web.Client(c))
	switch {
	case err == nil:
		p.Notice = h.s.T(c, "login.code_sent", nil)
		v.Cooldown = int(ident.CodeCooldown.Seconds())
	case h.s.FormErrors(c, p, err):
		status = fiber.StatusUnprocessableEntity
		if domain.KindOf(err) == domain.TooMany {
			status = fiber.StatusTooManyRequests
			if s, ok := domain.As(err).Data["Count"].(int); ok {
				v.Cooldown = s
			}
		}
	default:
		return err
	}
	v.CodeError = p.FormError
	if e := p.Errors["email"]; e != "" {
		v.CodeError = e
	}
	p.FormError = ""
	if web.IsHTMX(c) {
		return h.s.Fragment(c, status, "identity/login", "coderow", p)
	}
	return h.s.RenderStatus(c, status, "identity/login", p)
}

func (h *Handler) staffLoginPage(c *fiber.Ctx) error {
	if a, ok := web.Account(c); ok && a.IsStaff() {
		return h.s.Redirect(c, "/staff")
	}
	p := h.s.Page(c)
	p.Title = "staff.login.title"
	p.SwitchForm, p.SwitchNote = "staff-login-form", "lang.switch.note.password"
	p.Data = &loginView{Next: web.LocalPath(c.Query("next", "/staff"))}
	return h.s.Render(c, "identity/staff_login", p)
}

func (h *Handler) staffLogin(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "staff.login.title"
	next := web.LocalPath(c.FormValue("next", "/staff"))
	if next == "/" {
		next = "/staff"
	}
	p.Data = &loginView{Next: next}
	p.Form = form(c, "email")
	token, _, err := h.svc.Login(c.UserContext(), ident.KindStaff, p.Form["email"], c.FormValue("password"), web.Client(c))
	if err != nil {
		de := domain.As(err)
		if de.Kind != domain.Unauthenticated && de.Kind != domain.TooMany {
			return err
		}
		p.FormError = h.s.T(c, de.Key, de.Data)
		return h.s.RenderStatus(c, fiber.StatusUnauthorized, "identity/staff_login", p)
	}
	// The password alone opens no staff page: the second step comes next.
	return h.signedIn(c, token, web.SecondFactorPath+"?next="+url.QueryEscape(next))
}

func (h *Handler) logout(c *fiber.Ctx) error {
	staff := false
	if a, ok := web.Account(c); ok {
		staff = a.IsStaff()
	}
	if err := h.svc.Logout(c.UserContext(), h.s.SessionToken(c), web.Client(c)); err != nil {
		return err
	}
	h.s.ClearSession(c)
	h.s.RenewCSRF(c)
	h.s.SetFlash(c, "flash.logged_out")
	if staff {
		return h.s.Redirect(c, "/staff/login")
	}
	return h.s.Redirect(c, "/login")
}
