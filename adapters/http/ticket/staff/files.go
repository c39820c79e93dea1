package staff

import (
	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	tk "supportal/domain/ticket"
)

// download streams an attachment of any ticket to an agent (the service
// audits it), as the customers' download does: images and PDFs inline,
// everything else as a download, with the sniffed type and never a guessed
// one.
func (h *Handler) download(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	rc, att, err := h.svc.Attachment(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	web.SendUpload(c, rc, att.Name, att.ContentType, att.Size, tk.Inline(att.ContentType))
	return nil
}
