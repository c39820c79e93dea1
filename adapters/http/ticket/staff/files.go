package staff

import (
	"mime"

	"github.com/gofiber/fiber/v2"

	tk "supportal/domain/ticket"
)

// download streams an attachment of any ticket to an agent (the service
// audits it): images and PDFs inline, everything else as a download, with
// the sniffed type and never a guessed one.
func (h *Handler) download(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	rc, att, err := h.svc.Attachment(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	ct, disposition := att.ContentType, "inline"
	if !tk.Inline(ct) {
		disposition = "attachment"
		if ct == "" {
			ct = "application/octet-stream"
		}
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": att.Name})
	if cd == "" {
		cd = disposition
	}
	c.Set(fiber.HeaderContentDisposition, cd)
	size := -1
	if att.Size > 0 {
		size = int(att.Size)
	}
	c.Response().SetBodyStream(rc, size) // fasthttp closes rc when done
	return nil
}
