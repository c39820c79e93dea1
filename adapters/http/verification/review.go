package verification

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	"supportal/domain/identity"
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
	Sub         verif.Submission
	Customer    verif.Customer
	Mainland    bool
	LicenceKind string
	Timeline    []timelineItem
	Changes     []changeRow
	// Holder is another company's verification holding the code; Current
	// the company's own verification a re-verification would replace.
	Holder         *verif.Submission
	Current        *verif.Submission
	ClaimedByMe    bool
	ClaimedByOther bool
	CanClaim       bool // pending and nobody's claim runs
	CanDecide      bool // pending and the reviewer's own claim runs
	CanRevoke      bool // verified, and the viewer is an admin
	Waiting        string
	Reasons        []string
}

// review opens a submission for the reviewer (read-only: it never claims) and
// builds the page.
func (h *Handler) review(c *fiber.Ctx, id int64) (*web.Page, error) {
	a, _ := web.Account(c)
	d, err := h.svc.Open(c.UserContext(), a.ID, id)
	if err != nil {
		return nil, err
	}
	pending := d.Submission.State == verif.StatePending
	v := &reviewView{Sub: d.Submission, Customer: d.Customer, Mainland: mainland(d.Submission.Region),
		LicenceKind: licenceKind(d.Submission.Licence), Timeline: timeline(d.History),
		Holder: d.Holder, Current: d.Current, ClaimedByMe: d.ClaimedByMe, ClaimedByOther: d.ClaimedByOther,
		CanClaim: pending && !d.ClaimedByMe && !d.ClaimedByOther, CanDecide: pending && d.ClaimedByMe,
		CanRevoke: d.Submission.State == verif.StateVerified && a.Role == identity.RoleAdmin,
		Reasons:   verif.RejectReasons}
	if pending {
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
	// The language switch carries what the reviewer typed in the form the
	// page offers.
	switch {
	case v.CanDecide:
		p.SwitchForm = "reject-form"
	case v.CanRevoke:
		p.SwitchForm = "revoke-form"
	}
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
	return h.again(c, int64(id), err, func(p *web.Page) {
		if domain.As(err).Key == "error.verification.code_taken_by" {
			// The approval was refused: offer the rejection that tells the
			// customer to ask the colleague administering that company.
			p.Form["reason"] = verif.ReasonCodeTaken
		} else if domain.KindOf(err) == domain.Invalid {
			// Keep what the reviewer chose; the version stays the one they saw.
			p.Form["reason"], p.Form["note"], p.Form["decision"] = f["reason"], f["note"], f["decision"]
		}
	})
}

// again shows the review page once more after a refused action: 409 for a
// Conflict (with the current state), 422 for invalid input; keep adjusts the
// form. Any other error goes to the error handler.
func (h *Handler) again(c *fiber.Ctx, id int64, err error, keep func(p *web.Page)) error {
	kind := domain.KindOf(err)
	if kind != domain.Conflict && kind != domain.Invalid {
		return err
	}
	p, perr := h.review(c, id)
	if perr != nil {
		return perr
	}
	h.s.FormErrors(c, p, err)
	status := fiber.StatusConflict
	if kind == domain.Invalid {
		status = fiber.StatusUnprocessableEntity
	}
	if keep != nil {
		keep(p)
	}
	return h.s.RenderStatus(c, status, "verification/review", p)
}

// claim reserves a pending submission for the reviewer (【领取】); opening the
// page does not. Another reviewer's running claim shows the page with a 409.
func (h *Handler) claim(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	if _, err := h.svc.Claim(c.UserContext(), a.ID, int64(id)); err != nil {
		return h.again(c, int64(id), err, nil)
	}
	h.s.SetFlash(c, "flash.verification_claimed")
	return h.s.Redirect(c, "/staff/verifications/"+strconv.Itoa(id))
}

// revoke ends a verified company's verification (【撤销认证】, admins only,
// guarded by the route) with a required reason and an explicit confirmation.
func (h *Handler) revoke(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	f := form(c, "revoke_reason", "confirm")
	if f["confirm"] != "yes" {
		err = domain.FieldError("confirm", "error.revoke.confirm_required")
	} else {
		_, err = h.svc.Revoke(c.UserContext(), a.ID, int64(id), f["revoke_reason"])
	}
	if err != nil {
		return h.again(c, int64(id), err, func(p *web.Page) { p.Form["revoke_reason"] = f["revoke_reason"] })
	}
	h.s.SetFlash(c, "flash.verification_revoked")
	return h.s.Redirect(c, "/staff/verifications/"+strconv.Itoa(id))
}
