package verification

import (
	"io"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	verif "supportal/domain/verification"
)

// customerLicence streams a licence of the customer's own company: images
// inline, PDFs as a download. Any other id is 404.
func (h *Handler) customerLicence(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	rc, l, err := h.svc.Licence(c.UserContext(), a.ID, int64(id))
	if err != nil {
		return err
	}
	disposition := "inline"
	if l.ContentType == "application/pdf" {
		disposition = "attachment"
	}
	sendLicence(c, rc, l, disposition)
	return nil
}

// reviewerLicence streams any submission's licence to staff, inline, and
// lets the staff detail page embed it in a frame.
func (h *Handler) reviewerLicence(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return fiber.ErrNotFound
	}
	rc, l, err := h.svc.ReviewerLicence(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	sendLicence(c, rc, l, "inline")
	return nil
}

// sendLicence writes the stored file with its sniffed type, never letting the
// browser guess another one, and keeps it out of shared caches.
func sendLicence(c *fiber.Ctx, rc io.ReadCloser, l verif.Licence, disposition string) {
	c.Set(fiber.HeaderContentType, l.ContentType)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	// The name's extension follows the sniffed type, so a PNG uploaded as
	// licence.pdf downloads as licence.png.
	ext := extension(l.ContentType)
	name := strings.TrimSuffix(l.Name, path.Ext(l.Name))
	if name == "" {
		name = "licence"
	}
	name += ext
	cd := mime.FormatMediaType(disposition, map[string]string{"filename": name})
	if cd == "" {
		cd = mime.FormatMediaType(disposition, map[string]string{"filename": "licence" + extension(l.ContentType)})
	}
	c.Set(fiber.HeaderContentDisposition, cd)
	size := -1
	if l.Size > 0 {
		size = int(l.Size)
	}
	c.Response().SetBodyStream(rc, size) // fasthttp closes rc when done
}

func extension(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}
