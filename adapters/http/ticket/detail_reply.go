package ticket

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	tk "supportal/domain/ticket"
)

// reply answers POST /tickets/:id/reply: the customer's message with its
// attachments. The server has read the multipart form (StreamForm), keeping
// at most a little more of each file than its limit, so that a larger file
// is refused next to the files field with the typed text kept (422). Then
// 303 back to the ticket (HX-Redirect for htmx) with 回复已发送.
func (h *Handler) reply(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	body := web.FormValue(c, "body")
	files, err := web.FormFiles(c, "files")
	if err != nil {
		return fiber.ErrBadRequest
	}
	ups := make([]tk.Upload, 0, len(files))
	for _, f := range files {
		r, err := f.Open()
		if err != nil {
			return fmt.Errorf("ticket: open upload: %w", err)
		}
		defer r.Close()
		ups = append(ups, tk.Upload{Name: f.Filename, Size: f.Size, R: r})
	}
	before, err := h.svc.Detail(c.UserContext(), actor(c), id)
	if err != nil {
		return h.notFoundUnverified(err)
	}
	_, err = h.svc.Reply(c.UserContext(), actor(c), id, body, ups)
	if err == nil {
		flash := "flash.ticket_replied"
		if before.Ticket.Status == tk.StatusResolved {
			flash = "flash.ticket_reopened"
		}
		h.s.SetFlash(c, flash)
		return h.s.Redirect(c, ticketURL(id))
	}
	return h.refused(c, id, err, map[string]string{"body": body})
}

// refused shows the ticket again with the refusal: the error summary and the
// message next to its field, 422 (or the error page for anything that is
// not a refusal of the input).
func (h *Handler) refused(c *fiber.Ctx, id int64, err error, form map[string]string) error {
	p, derr := h.detail(c, id)
	if derr != nil {
		return derr
	}
	if form != nil {
		p.Form = form
	}
	if !h.s.FormErrors(c, p, err) {
		return err
	}
	if web.IsHTMX(c) && p.Data.(*detailView).CanReply {
		p.Data.(*detailView).Fragment = true
		return h.s.Fragment(c, fiber.StatusUnprocessableEntity, "ticket/detail", "reply", p)
	}
	return h.s.RenderStatus(c, fiber.StatusUnprocessableEntity, "ticket/detail", p)
}

// notFoundUnverified shows an unverified company's request for a ticket as
// an unknown page, as the detail page does.
func (h *Handler) notFoundUnverified(err error) error {
	if de := domain.As(err); de.Kind == domain.Forbidden && de.Key == "error.verification.required" {
		return fiber.ErrNotFound
	}
	return err
}
