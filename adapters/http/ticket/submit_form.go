package ticket

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	tk "supportal/domain/ticket"
)

// The 提交工单 form's fields, as named in the page and in the service's
// field errors.
var submitFields = []string{"category", "priority", "title", "description", "device_sn", "device_id", "phone", "token", "follow_up"}

// formView is the data of the 提交工单 page.
type formView struct {
	// Gate is set when the company is not verified: the page explains why
	// instead of showing the form.
	Gate       bool
	Categories []string
	Priorities []int
	// Device is the chosen device (nil: none), Uncovered tells that it has
	// no active service line (LastEnd: its last line's end, "" for none),
	// Open are the company's open tickets on it.
	Device    *tk.Device
	Uncovered bool
	LastEnd   string
	Open      []ticketLink
	FollowUp  *ticketLink // the closed ticket this one follows up
	// FilesLost tells that the refused form had files, to be chosen again.
	FilesLost      bool
	MaxFiles       int
	MaxMB          int64
	MaxTitle       int
	MaxDescription int
}

// ticketLink is a ticket named by its number and title.
type ticketLink struct {
	ID     int64
	Number string
	Title  string
}

func link(t tk.Ticket) ticketLink { return ticketLink{ID: t.ID, Number: t.Number, Title: t.Title} }

// newView returns the form's fixed data.
func newView() *formView {
	v := &formView{MaxFiles: tk.DefaultLimits.MaxFiles, MaxMB: tk.DefaultLimits.MaxFileBytes >> 20,
		MaxTitle: tk.MaxTitle, MaxDescription: tk.MaxDescription}
	for _, c := range tk.Categories {
		v.Categories = append(v.Categories, string(c))
	}
	for _, p := range tk.Priorities {
		v.Priorities = append(v.Priorities, int(p))
	}
	return v
}

// setDevice shows the form's device state: the chosen device, its coverage
// and the company's open tickets on it.
func (v *formView) setDevice(f tk.Form) {
	v.Device, v.Open = f.Device, nil
	v.Uncovered, v.LastEnd = false, ""
	if f.Device == nil {
		return
	}
	v.Uncovered = !f.Entitlement.Covered
	if end := lastEnd(f.Device.Lines, f.Entitlement.LastEnd); !end.IsZero() {
		v.LastEnd = end.Format(time.DateOnly)
	}
	for _, t := range f.OpenOnDevice {
		v.Open = append(v.Open, link(t))
	}
}

// lastEnd is the end of the latest of the lines, or known when the
// entitlement named it.
func lastEnd(lines []tk.Line, known time.Time) time.Time {
	end := known
	for _, l := range lines {
		if l.End.After(end) {
			end = l.End
		}
	}
	return end
}

// prefill fills the page's form values from the service's form.
func prefill(p *web.Page, f tk.Form) {
	in := f.Prefill
	p.Form = map[string]string{"phone": in.Phone, "token": f.Token, "title": in.Title}
	if in.Category != "" {
		p.Form["category"] = string(in.Category)
	}
	if in.Priority != 0 {
		p.Form["priority"] = strconv.Itoa(int(in.Priority))
	}
	if in.FollowUpOf != 0 {
		p.Form["follow_up"] = strconv.FormatInt(in.FollowUpOf, 10)
	}
	if f.Device != nil {
		p.Form["device_sn"], p.Form["device_id"] = f.Device.SN, strconv.FormatInt(f.Device.ID, 10)
	}
}

// unverified tells whether err is the service's refusal of a company that
// is not verified.
func unverified(err error) bool {
	de := domain.As(err)
	return de.Kind == domain.Forbidden && de.Key == "error.verification.required"
}

// newPage answers GET /tickets/new: the form, with the device of ?device=
// (an id) or ?sn= filled in, or prefilled from the closed ticket of
// ?follow_up=. A device that is not the company's is refused as unknown,
// next to the device field. To htmx aiming at the device field (a device
// picked in the type-ahead) it returns that field alone, with the coverage
// warning and the open tickets on the device. An unverified company is told
// why there is no form.
func (h *Handler) newPage(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "ticket.submit.title"
	v := newView()
	p.Data = v
	ctx, a := c.UserContext(), actor(c)
	deviceID, _ := strconv.ParseInt(c.Query("device"), 10, 64)
	sn := strings.TrimSpace(strings.Clone(c.Query("sn")))
	var f tk.Form
	var err error
	badDevice := false
	if prev, _ := strconv.ParseInt(c.Query("follow_up"), 10, 64); prev > 0 {
		if f, err = h.svc.FollowUp(ctx, a, prev); err == nil {
			v.FollowUp = h.followUpLink(c, prev)
		} else if de := domain.As(err); de.Kind == domain.Invalid { // not closed: a plain form
			p.FormError = h.s.T(c, de.Key, de.Data)
			f, err = h.svc.Prepare(ctx, a, 0, "")
		}
	} else {
		f, err = h.svc.Prepare(ctx, a, deviceID, sn)
		if domain.KindOf(err) == domain.Invalid {
			h.s.FormErrors(c, p, err)
			badDevice = true
			f, err = h.svc.Prepare(ctx, a, 0, "")
		}
	}
	switch {
	case unverified(err):
		v.Gate = true
		return h.s.Render(c, "ticket/new", p)
	case err != nil:
		return err
	}
	prefill(p, f)
	v.setDevice(f)
	if badDevice {
		p.Form["device_sn"] = sn
	}
	if hx := web.HTMX(c); hx.Partial() && hx.Target == "device-field" {
		return h.s.Fragment(c, fiber.StatusOK, "ticket/new", "device_field", p)
	}
	return h.s.Render(c, "ticket/new", p)
}

// followUpLink names the closed ticket a follow-up links to.
func (h *Handler) followUpLink(c *fiber.Ctx, id int64) *ticketLink {
	view, err := h.svc.Detail(c.UserContext(), actor(c), id)
	if err != nil {
		return &ticketLink{ID: id}
	}
	l := link(view.Ticket)
	return &l
}

// devicesView is the type-ahead's list.
type devicesView struct {
	Query   string
	Devices []tk.Device
}

// devices answers GET /tickets/new/devices?q=: the listbox of the
// company's devices whose SN or name contains q (the device field's own
// value, device_sn, when q is not given), for the form's type-ahead.
func (h *Handler) devices(c *fiber.Ctx) error {
	q := strings.TrimSpace(strings.Clone(c.Query("q", c.Query("device_sn"))))
	p := h.s.Page(c)
	v := &devicesView{Query: q}
	p.Data = v
	if q != "" {
		ds, err := h.svc.Suggest(c.UserContext(), actor(c), q)
		if err != nil {
			return err
		}
		v.Devices = ds
	}
	return h.s.Fragment(c, fiber.StatusOK, "ticket/new", "device_list", p)
}
