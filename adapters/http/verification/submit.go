package verification

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	"supportal/domain/identity"
	verif "supportal/domain/verification"
)

// formView is the data of the 企业证件认证 form.
type formView struct {
	DocTypes []string
	Mainland bool
	// State is the latest submission's state: none (first submission),
	// pending (修改), rejected or revoked (重新提交), verified or superseded
	// (变更认证信息: a new verification while the current one stays).
	State   verif.State
	Licence *verif.Licence // the licence kept when none is chosen (pending only)
	// Held is the licence stored for a submission refused for its fields,
	// used by the retry unless another file is chosen; HeldToken is the
	// form's held_licence that names it.
	Held      *verif.Licence
	HeldToken string
	MaxMB     int
}

// formState loads the current submission and fills the form from it, or from
// the company when nothing was submitted. A verified company may submit a
// change (re-verification).
func (h *Handler) formState(c *fiber.Ctx, a identity.Account) (*web.Page, error) {
	st, err := h.svc.Status(c.UserContext(), a.ID)
	if err != nil {
		return nil, err
	}
	v := &formView{DocTypes: verif.DocTypes, Mainland: mainland(a.Country), State: st.State, MaxMB: verif.MaxLicenceBytes >> 20}
	p := h.s.Page(c)
	p.Title = "verification.form.title"
	p.SwitchForm, p.SwitchNote = "verification-form", "lang.switch.note.file"
	p.Data = v
	if st.Latest != nil {
		f := st.Latest.Fields
		p.Form = map[string]string{"company_name": f.CompanyName, "doc_type": f.DocType, "credit_code": f.CreditCode}
		if st.State == verif.StatePending {
			l := st.Latest.Licence
			v.Licence = &l
		}
	} else if h.CompanyName != nil {
		name, err := h.CompanyName(c.UserContext(), a)
		if err != nil {
			return nil, err
		}
		p.Form = map[string]string{"company_name": name, "doc_type": verif.DocTypes[0]}
	}
	return p, nil
}

// formPage shows the 企业证件认证 form: as a dialog fragment to htmx, as a
// whole page otherwise.
func (h *Handler) formPage(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	p, err := h.formState(c, a)
	if err != nil {
		return err
	}
	if web.IsHTMX(c) {
		return h.s.Fragment(c, fiber.StatusOK, "verification/form", "dialog", p)
	}
	return h.s.Render(c, "verification/form", p)
}

// submit stores a first submission, a modification, a resubmission or a
// re-verification. A credit code verified for another company is refused
// next to the field (422) with whom to ask. The server has read the
// multipart form (StreamForm), keeping at most a little more of the licence
// than its limit, so that a larger file is refused next to its field with the
// other fields kept; without a licence, the pending submission keeps its own.
// A valid licence sent with fields that are refused is held for the retry
// (held_licence), shown as 已上传; a new file replaces it.
func (h *Handler) submit(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	f := form(c, "company_name", "doc_type", "credit_code")
	var up *verif.Upload
	fh, err := web.FormFile(c, "licence")
	if err != nil {
		return fiber.ErrBadRequest
	}
	if fh != nil && fh.Filename != "" {
		file, err := fh.Open()
		if err != nil {
			return fmt.Errorf("verification: open upload: %w", err)
		}
		defer file.Close()
		up = &verif.Upload{Name: fh.Filename, Size: fh.Size, R: file}
	}
	_, held, err := h.svc.SubmitHolding(c.UserContext(), a.ID, verif.Fields{CompanyName: f["company_name"], DocType: f["doc_type"], CreditCode: f["credit_code"]}, up, web.FormValue(c, "held_licence"))
	if err == nil {
		h.s.SetFlash(c, "flash.verification_submitted")
		return h.s.Redirect(c, "/account/company")
	}
	p, serr := h.formState(c, a)
	if serr != nil {
		return serr
	}
	p.Form = f
	if held != nil {
		v := p.Data.(*formView)
		v.Held, v.HeldToken = &held.Licence, held.Token
	}
	if !h.s.FormErrors(c, p, err) {
		return err
	}
	status := fiber.StatusUnprocessableEntity
	if domain.KindOf(err) == domain.Conflict {
		status = fiber.StatusConflict
	}
	if web.IsHTMX(c) {
		return h.s.Fragment(c, status, "verification/form", "vform", p)
	}
	return h.s.RenderStatus(c, status, "verification/form", p)
}
