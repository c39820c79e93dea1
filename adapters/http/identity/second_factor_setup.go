package identity

import (
	"encoding/base64"
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/totp"
	"supportal/domain"
	ident "supportal/domain/identity"
)

// qrSize is the width and height of the enrolment QR code in pixels.
const qrSize = 240

// setupView is the data of the enrolment page: the QR code, the secret and
// the code field, or, once confirmed, the recovery codes shown this once.
type setupView struct {
	Next   string
	QR     template.URL // a data: URL of the PNG
	Secret string       // grouped in fours
	URI    string
	Codes  []string
}

func (h *Handler) secondFactorSetupPage(c *fiber.Ctx) error {
	a, next, answered, err := h.awaitingSecondStep(c)
	if answered {
		return err
	}
	p := h.s.Page(c)
	return h.renderSetup(c, fiber.StatusOK, p, a, next)
}

// secondFactorSetup confirms the enrolment with the first code of the app
// and shows the recovery codes.
func (h *Handler) secondFactorSetup(c *fiber.Ctx) error {
	next := staffNext(c)
	a, _, ok := pendingStaff(c)
	if !ok {
		return h.toStaffLogin(c, next)
	}
	p := h.s.Page(c)
	token, codes, err := h.svc.ConfirmEnrolment(c.UserContext(), h.s.SessionToken(c), c.FormValue("code"), web.Client(c))
	switch {
	case err == nil:
		h.s.SetSession(c, token)
		p.Title = "staff.2fa.codes.title"
		p.Data = &setupView{Next: next, Codes: codes}
		c.Set("Cache-Control", "no-store")
		return h.s.Render(c, "identity/second_factor_setup", p)
	case domain.KindOf(err) == domain.Conflict:
		return h.s.Redirect(c, web.SecondFactorPath+"?next="+url.QueryEscape(next))
	case domain.KindOf(err) == domain.NotFound:
		return h.s.Redirect(c, web.SecondFactorPath+"/setup?next="+url.QueryEscape(next))
	case h.s.FormErrors(c, p, err):
		return h.renderSetup(c, failedStatus(err), p, a, next)
	}
	return err
}

// renderSetup shows the secret to enrol, as a QR code and as text. An
// account that already enrolled goes to the second step instead.
func (h *Handler) renderSetup(c *fiber.Ctx, status int, p *web.Page, a ident.Account, next string) error {
	e, err := h.svc.BeginEnrolment(c.UserContext(), a)
	if domain.KindOf(err) == domain.Conflict {
		return h.s.Redirect(c, web.SecondFactorPath+"?next="+url.QueryEscape(next))
	}
	if err != nil {
		return err
	}
	png, err := totp.QR(e.URI, qrSize)
	if err != nil {
		return err
	}
	p.Title = "staff.2fa.setup.title"
	p.Data = &setupView{Next: next, Secret: ident.GroupSecret(e.Secret), URI: e.URI,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
	c.Set("Cache-Control", "no-store")
	return h.s.RenderStatus(c, status, "identity/second_factor_setup", p)
}
