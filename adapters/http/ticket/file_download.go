package ticket

import (
	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	tk "supportal/domain/ticket"
)

// download answers GET /tickets/files/:id: an attachment of a public
// message of the company's tickets, streamed from the file store. Any other
// id (another company's, an internal note's, an unknown one) is 404. Images
// and PDFs are shown inline, everything else is a download; the browser
// never guesses another type.
func (h *Handler) download(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	rc, a, err := h.svc.Attachment(c.UserContext(), actor(c), id)
	if err != nil {
		return h.notFoundUnverified(err)
	}
	web.SendUpload(c, rc, a.Name, a.ContentType, a.Size, tk.Inline(a.ContentType))
	return nil
}
