package ticket

import (
	"time"

	"github.com/gofiber/fiber/v2"

	tk "supportal/domain/ticket"
)

// createdView is the data of the confirmation page.
type createdView struct {
	Ticket tk.Ticket
	Files  []tk.Attachment
	// Due is the first-response target (zero for an uncovered ticket);
	// the page shows it in the customer's zone, naming the zone.
	Due time.Time
	// For an uncovered ticket: whether it names a device, and the end of
	// the device's last service line ("" when it has none).
	Device  bool
	LastEnd string
}

// createdPage answers GET /tickets/:id/created: the ticket's number, what
// happens next and the first-response target, or, for an uncovered ticket,
// that there is none and why. Another company's ticket is not found, nor
// is any while the company is unverified, as on the ticket's page.
func (h *Handler) createdPage(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	view, err := h.svc.Detail(c.UserContext(), actor(c), int64(id))
	if err != nil {
		return h.notFoundUnverified(err)
	}
	t := view.Ticket
	v := &createdView{Ticket: t, Device: t.Snapshot.DeviceID != 0}
	if len(view.Messages) > 0 {
		v.Files = view.Messages[0].Attachments
	}
	if t.Covered {
		v.Due = t.FirstResponseDue
		if d := view.SLA.FirstResponse.Due; !d.IsZero() {
			v.Due = d
		}
	} else if end := lastEnd(t.Snapshot.Lines, time.Time{}); !end.IsZero() {
		v.LastEnd = end.Format(time.DateOnly)
	}
	p := h.s.Page(c)
	p.Title = "ticket.created.title"
	p.Data = v
	return h.s.Render(c, "ticket/created", p)
}
