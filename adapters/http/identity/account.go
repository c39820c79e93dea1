package identity

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	verificationweb "supportal/adapters/http/verification"
	"supportal/adapters/i18n"
	ident "supportal/domain/identity"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// accountView is the data of 账户信息.
type accountView struct {
	Email     string
	Country   string
	JobTitles []string
	Zones     []zoneOption
}

// zoneOption is one time zone of the select: its IANA name and its label
// with the current UTC offset.
type zoneOption struct{ Value, Label string }

// zoneOptions lists the selectable zones, labelled with their offsets at now.
func zoneOptions(now time.Time) []zoneOption {
	out := make([]zoneOption, 0, len(ident.TimeZones))
	for _, z := range ident.TimeZones {
		out = append(out, zoneOption{Value: z, Label: i18n.ZoneLabel(z, now)})
	}
	return out
}

func (h *Handler) accountView(c *fiber.Ctx, a ident.Account) *web.Page {
	p := h.s.Page(c)
	p.Title = "account.menu.info"
	p.SwitchForm, p.SwitchNote = "profile-form", "lang.switch.note.password"
	p.Data = &accountView{Email: a.Email, Country: a.Country, JobTitles: ident.JobTitles, Zones: zoneOptions(time.Now())}
	p.Form = map[string]string{"name": a.Name, "job_title": a.JobTitle, "mobile": a.Mobile, "time_zone": a.Location().String()}
	return p
}

func (h *Handler) accountPage(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	return h.s.Render(c, "identity/account", h.accountView(c, a))
}

func (h *Handler) updateProfile(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	f := form(c, "name", "job_title", "mobile", "time_zone")
	err := h.svc.UpdateProfile(c.UserContext(), a, ident.Profile{Name: f["name"], JobTitle: f["job_title"], Mobile: f["mobile"], TimeZone: f["time_zone"]}, web.Client(c))
	if err != nil {
		p := h.accountView(c, a)
		p.Form = f
		if !h.s.FormErrors(c, p, err) {
			return err
		}
		return h.s.RenderStatus(c, fiber.StatusUnprocessableEntity, "identity/account", p)
	}
	h.s.SetFlash(c, "flash.profile_saved")
	return h.s.Redirect(c, "/account")
}

func (h *Handler) changePassword(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	sess, _ := web.Session(c)
	err := h.svc.ChangePassword(c.UserContext(), a, c.FormValue("current_password"), c.FormValue("password"), c.FormValue("password_confirm"), sess.TokenHash, web.Client(c))
	if err != nil {
		p := h.accountView(c, a)
		if !h.s.FormErrors(c, p, err) {
			return err
		}
		p.Data.(*accountView).Country = a.Country
		return h.s.RenderStatus(c, fiber.StatusUnprocessableEntity, "identity/account", p)
	}
	h.s.SetFlash(c, "flash.password_changed")
	return h.s.Redirect(c, "/account")
}

// companyView is the data of 企业信息.
type companyView struct {
	Industries []string
	Sizes      []string
	// NameLocked is set while the company is verified.
	NameLocked bool
	// Verification is the 认证状态 view (the partial "verification_status"),
	// nil when no Status hook is set.
	Verification *verificationweb.StatusView
}

func (h *Handler) companyView(c *fiber.Ctx, a ident.Account, co ident.Company) (*web.Page, error) {
	p := h.s.Page(c)
	p.Title = "account.menu.company"
	p.SwitchForm = "company-form"
	v := &companyView{Industries: ident.Industries, Sizes: ident.CompanySizes}
	p.Data = v
	p.Form = map[string]string{"company_name": co.Name, "industry": co.Industry, "size": co.Size, "address": co.Address, "business": co.Business}
	var err error
	if v.NameLocked, err = h.svc.CompanyNameLocked(c.UserContext(), a); err != nil {
		return nil, err
	}
	if h.Status != nil {
		if v.Verification, err = h.Status(c.UserContext(), a.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (h *Handler) companyPage(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	co, err := h.svc.Company(c.UserContext(), a)
	if err != nil {
		return err
	}
	p, err := h.companyView(c, a, co)
	if err != nil {
		return err
	}
	return h.s.Render(c, "identity/company", p)
}

func (h *Handler) updateCompany(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	f := form(c, "company_name", "industry", "size", "address", "business")
	co := ident.Company{Name: f["company_name"], Industry: f["industry"], Size: f["size"], Address: f["address"], Business: f["business"]}
	if err := h.svc.UpdateCompany(c.UserContext(), a, co, web.Client(c)); err != nil {
		p, verr := h.companyView(c, a, co)
		if verr != nil {
			return verr
		}
		if p.Data.(*companyView).NameLocked {
			// The locked name cannot be edited in the form, so show the stored one.
			if cur, cerr := h.svc.Company(c.UserContext(), a); cerr == nil {
				p.Form["company_name"] = cur.Name
			}
		}
		if !h.s.FormErrors(c, p, err) {
			return err
		}
		return h.s.RenderStatus(c, fiber.StatusUnprocessableEntity, "identity/company", p)
	}
	h.s.SetFlash(c, "flash.company_saved")
	return h.s.Redirect(c, "/account/company")
}
