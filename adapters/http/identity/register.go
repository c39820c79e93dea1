package identity

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	ident "supportal/domain/identity"
)

const draftCookie = "reg"

// registerView is the data of the three-step wizard.
type registerView struct {
	Step       int
	MaxStep    int
	Email      string
	Verified   bool
	Countries  []string
	JobTitles  []string
	Industries []string
	Sizes      []string
}

// registerTitles are the wizard's page titles, one per step.
var registerTitles = [...]string{"register.title.step1", "register.title.step2", "register.title.step3"}

// registerSwitchNotes say, per step, what the language switch cannot keep.
var registerSwitchNotes = [...]string{"", "lang.switch.note.password", ""}

func (h *Handler) registerView(c *fiber.Ctx, d ident.Draft, step int) *web.Page {
	p := h.s.Page(c)
	max := d.Step()
	if step < 1 || step > max {
		step = max
	}
	p.Title = registerTitles[step-1]
	p.SwitchForm = "register-form"
	p.SwitchNote = registerSwitchNotes[step-1]
	p.Data = &registerView{Step: step, MaxStep: max, Email: d.Info.Email, Verified: max == 3,
		Countries: ident.Countries, JobTitles: ident.JobTitles, Industries: ident.Industries, Sizes: ident.CompanySizes}
	country := d.Info.Country
	if country == "" {
		country = ident.CountryMainland
	}
	p.Form = map[string]string{"country": country, "name": d.Info.Name, "job_title": d.Info.JobTitle,
		"email": d.Info.Email, "mobile": d.Info.Mobile, "company_name": d.Company.Name, "industry": d.Company.Industry,
		"size": d.Company.Size, "address": d.Company.Address, "business": d.Company.Business}
	return p
}

func (h *Handler) draft(c *fiber.Ctx) (ident.Draft, error) {
	d, err := h.svc.Draft(c.UserContext(), c.Cookies(draftCookie))
	if err != nil && domain.KindOf(err) == domain.NotFound {
		return ident.Draft{}, nil
	}
	return d, err
}

func (h *Handler) setDraftCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: draftCookie, Value: token, Path: "/register", HTTPOnly: true,
		SameSite: "Lax", Secure: c.Protocol() == "https", MaxAge: int(ident.DraftTTL.Seconds())})
}

func (h *Handler) registerPage(c *fiber.Ctx) error {
	if _, ok := web.Account(c); ok {
		return h.s.Redirect(c, "/")
	}
	d, err := h.draft(c)
	if err != nil {
		return err
	}
	step, _ := strconv.Atoi(c.Query("step", "1"))
	return h.s.Render(c, "identity/register", h.registerView(c, d, step))
}

// registerFailed re-renders the step with the errors, keeping what was typed.
func (h *Handler) registerFailed(c *fiber.Ctx, d ident.Draft, step int, typed map[string]string, err error) error {
	p := h.registerView(c, d, step)
	p.Data.(*registerView).Step = step
	p.SwitchNote = registerSwitchNotes[step-1]
	for k, v := range typed {
		p.Form[k] = v
	}
	if !h.s.FormErrors(c, p, err) {
		return err
	}
	status := fiber.StatusUnprocessableEntity
	if domain.KindOf(err) == domain.TooMany {
		status = fiber.StatusTooManyRequests
	}
	return h.s.RenderStatus(c, status, "identity/register", p)
}

func (h *Handler) registerAccount(c *fiber.Ctx) error {
	f := form(c, "country", "name", "job_title", "email", "mobile")
	in := ident.AccountInfo{Country: f["country"], Name: f["name"], JobTitle: f["job_title"], Email: f["email"], Mobile: f["mobile"]}
	token, d, err := h.svc.RegisterAccount(c.UserContext(), c.Cookies(draftCookie), in, web.Client(c))
	if token != "" {
		h.setDraftCookie(c, token)
	}
	if err != nil {
		return h.registerFailed(c, d, 1, f, err)
	}
	return h.s.Redirect(c, "/register?step=2")
}

func (h *Handler) registerResend(c *fiber.Ctx) error {
	d, err := h.draft(c)
	if err != nil {
		return err
	}
	if err := h.svc.ResendRegisterCode(c.UserContext(), c.Cookies(draftCookie), web.Client(c)); err != nil {
		return h.registerFailed(c, d, 2, nil, err)
	}
	p := h.registerView(c, d, 2)
	p.Notice = h.s.T(c, "register.code_resent", map[string]any{"Email": d.Info.Email})
	return h.s.Render(c, "identity/register", p)
}

func (h *Handler) registerVerify(c *fiber.Ctx) error {
	if c.FormValue("action") == "back" {
		return h.s.Redirect(c, "/register?step=1")
	}
	f := form(c, "code")
	d, err := h.svc.RegisterVerify(c.UserContext(), c.Cookies(draftCookie), f["code"], c.FormValue("password"), c.FormValue("password_confirm"))
	if err != nil {
		if domain.KindOf(err) == domain.NotFound {
			h.s.SetFlash(c, "error.register.expired")
			return h.s.Redirect(c, "/register?step=1")
		}
		return h.registerFailed(c, d, 2, f, err)
	}
	return h.s.Redirect(c, "/register?step=3")
}

func (h *Handler) registerCompany(c *fiber.Ctx) error {
	f := form(c, "company_name", "industry", "size", "address", "business")
	co := ident.Company{Name: f["company_name"], Industry: f["industry"], Size: f["size"], Address: f["address"], Business: f["business"]}
	token := c.Cookies(draftCookie)
	if c.FormValue("action") == "back" {
		if err := h.svc.SaveDraftCompany(c.UserContext(), token, co); err != nil && domain.KindOf(err) != domain.NotFound {
			return err
		}
		return h.s.Redirect(c, "/register?step=2")
	}
	sess, _, err := h.svc.RegisterCompany(c.UserContext(), token, co, web.Client(c))
	if err != nil {
		if domain.KindOf(err) == domain.NotFound {
			h.s.SetFlash(c, "error.register.expired")
			return h.s.Redirect(c, "/register?step=1")
		}
		d, derr := h.draft(c)
		if derr != nil {
			return derr
		}
		return h.registerFailed(c, d, 3, f, err)
	}
	c.Cookie(&fiber.Cookie{Name: draftCookie, Value: "", Path: "/register", MaxAge: -1, Expires: time.Unix(0, 0), HTTPOnly: true, SameSite: "Lax"})
	h.s.SetFlash(c, "flash.registered")
	return h.signedIn(c, sess, "/")
}
