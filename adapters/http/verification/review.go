package verification

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	verif "supportal/domain/verification"
)

// changeRow is one field that changed since the previous version; Label is
// the field's message id.
type changeRow struct {
	Label   string
	Old     string
	New     string
	DocType bool // Old and New are doc type codes
	Licence bool // the file was replaced
}

var changeLabels = map[string]string{
	"company_name": "field.company_name",
	"doc_type":     "field.doc_type",
	"credit_code":  "field.credit_code",
	"licence":      "field.licence",
}

// reviewView is the data of the reviewer's detail page.
type reviewView struct {
	Sub            verif.Submission
	Customer       verif.Customer
	Mainland       bool
	LicenceKind    string
	Timeline       []timelineItem
	Changes        []changeRow
	DuplicateCode  bool
	ClaimedByOther bool
	CanDecide      bool
	Waiting        string
	Reasons        []string
}

// review opens a submission for the reviewer (claiming it when pending) and
// builds the page.
func (h *Handler) review(c *fiber.Ctx, id int64) (*web.Page, error) {
	a, _ := web.Account(c)
	d, err := h.svc.Open(c.UserContext(), a.ID, id)
	if err != nil {
		return nil, err
	}
	v := &reviewView{Sub: d.Submission, Customer: d.Customer, Mainland: mainland(d.Submission.Region),
		LicenceKind: licenceKind(d.Submission.Licence), Timeline: timeline(d.History),
		DuplicateCode: d.DuplicateCode, ClaimedByOther: d.ClaimedByOther,
		CanDecide: d.Submission.State == verif.StatePending && !d.ClaimedByOther, Reasons: verif.RejectReasons}
	if d.Submission.State == verif.StatePending {
		v.Waiting = h.waiting(c, h.since(d.Submission.SubmittedAt))
	}
	for _, ch := range d.Changes {
		label, ok := changeLabels[ch.Field]
		if !ok {
			label = "field.unknown"
		}
		v.Changes = append(v.Changes, changeRow{Label: label, Old: ch.Old, New: ch.New,
			DocType: ch.Field == "doc_type", Licence: ch.Field == "licence"})
	}
	p := h.s.Page(c)
	p.Title = "verification.review.title"
	p.Data = v
	p.Form = map[string]string{"version": strconv.Itoa(d.Submission.Version)}
	return p, nil
}

func (h *Handler) reviewPage(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	p, err := h.review(c, int64(id))
	if err != nil {
		return err
	}
	return h.s.Render(c, "verification/review", p)
}

// decide approves or rejects the version the reviewer saw. A conflict (the
// customer changed it, the claim ran out, someone else decided) shows the
// page again with the current version and a 409; invalid input a 422.
func (h *Handler) decide(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	f := form(c, "version", "decision", "reason", "note")
	seen, err := strconv.Atoi(f["version"])
	if err != nil {
		return fiber.ErrBadRequest
	}
	approve := f["decision"] == "approve"
	if !approve && f["decision"] != "reject" {
		return fiber.ErrBadRequest
	}
	sub, err := h.svc.Decide(c.UserContext(), a.ID, int64(id), seen, approve, f["reason"], f["note"])
	if err == nil {
		if sub.State == verif.StateVerified {
			h.s.SetFlash(c, "flash.verification_approved")
		} else {
			h.s.SetFlash(c, "flash.verification_rejected")
		}
		return h.s.Redirect(c, "/staff/verifications")
	}
	kind := domain.KindOf(err)
	if kind != domain.Conflict && kind != domain.Invalid {
		return err
	}
	p, perr := h.review(c, int64(id))
	if perr != nil {
		return perr
	}
	h.s.FormErrors(c, p, err)
	status := fiber.StatusConflict
	if kind == domain.Invalid {
		status = fiber.StatusUnprocessableEntity
		// Keep what the reviewer chose; the version stays the one they saw.
		p.Form["reason"], p.Form["note"], p.Form["decision"] = f["reason"], f["note"], f["decision"]
	}
	return h.s.RenderStatus(c, status, "verification/review", p)
}
