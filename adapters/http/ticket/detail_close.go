package ticket

import (
	"github.com/gofiber/fiber/v2"
)

// closePage answers GET /tickets/:id/close: the confirmation of 关闭工单,
// a page of its own so that it works without JavaScript.
func (h *Handler) closePage(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	p, err := h.detail(c, id)
	if err != nil {
		return err
	}
	p.Title = "tickets.close.title"
	if !p.Data.(*detailView).CanClose {
		return c.Redirect(ticketURL(id), fiber.StatusSeeOther)
	}
	return h.s.Render(c, "ticket/close", p)
}

// close answers POST /tickets/:id/close (the confirmed 关闭工单): 303 back to
// the ticket with 工单已关闭, or the ticket with the reason it cannot be.
func (h *Handler) close(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.Close(c.UserContext(), actor(c), id); err != nil {
		return h.refused(c, id, h.notFoundUnverified(err), nil)
	}
	h.s.SetFlash(c, "flash.ticket_closed")
	return h.s.Redirect(c, ticketURL(id))
}

// reopen answers POST /tickets/:id/reopen (【重新打开】 on a ticket resolved
// within 30 days): 303 back to the ticket with 工单已重新打开, or the ticket
// with the reason it cannot be.
func (h *Handler) reopen(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.Reopen(c.UserContext(), actor(c), id); err != nil {
		return h.refused(c, id, h.notFoundUnverified(err), nil)
	}
	h.s.SetFlash(c, "flash.ticket_reopened")
	return h.s.Redirect(c, ticketURL(id))
}
