package identity

import (
	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	ident "supportal/domain/identity"
)

func (h *Handler) forgotPage(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "forgot.title"
	p.SwitchForm = "forgot-form"
	p.Form["email"] = c.Query("email")
	return h.s.Render(c, "identity/forgot", p)
}

// forgot emails a reset code when the address has an account and always moves
// on to the reset form with the same message.
func (h *Handler) forgot(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "forgot.title"
	p.Form = form(c, "email")
	if err := h.svc.RequestCode(c.UserContext(), p.Form["email"], ident.PurposeReset, web.Client(c)); err != nil {
		if !h.s.FormErrors(c, p, err) {
			return err
		}
		status := fiber.StatusUnprocessableEntity
		if domain.KindOf(err) == domain.TooMany {
			status = fiber.StatusTooManyRequests
		}
		return h.s.RenderStatus(c, status, "identity/forgot", p)
	}
	h.s.SetFlash(c, "forgot.sent")
	return h.s.Redirect(c, "/password/reset?email="+urlQuery(ident.NormalizeEmail(p.Form["email"])))
}

func (h *Handler) resetPage(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "reset.title"
	p.SwitchForm, p.SwitchNote = "reset-form", "lang.switch.note.password"
	p.Form["email"] = c.Query("email")
	return h.s.Render(c, "identity/reset", p)
}

func (h *Handler) reset(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "reset.title"
	p.Form = form(c, "email", "code")
	err := h.svc.ResetPassword(c.UserContext(), p.Form["email"], p.Form["code"], c.FormValue("password"), c.FormValue("password_confirm"), web.Client(c))
	if err != nil {
		if !h.s.FormErrors(c, p, err) {
			return err
		}
		return h.s.RenderStatus(c, fiber.StatusUnprocessableEntity, "identity/reset", p)
	}
	h.s.SetFlash(c, "flash.password_reset")
	return h.s.Redirect(c, "/login?email="+urlQuery(ident.NormalizeEmail(p.Form["email"])))
}
