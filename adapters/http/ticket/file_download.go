package ticket

import (
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

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
	disposition := "attachment"
	if tk.Inline(a.ContentType) {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, safeType(a.ContentType))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, a.Name))
	// What is served inline may run nothing, nor be framed by another site.
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	size := -1
	if a.Size > 0 {
		size = int(a.Size)
	}
	c.Response().SetBodyStream(rc, size) // fasthttp closes rc when done
	return nil
}

// safeType is the stored (sniffed) content type, or a plain download type
// for anything a browser could render as a page.
func safeType(ct string) string {
	switch {
	case ct == "", strings.Contains(ct, "html"), strings.Contains(ct, "xml"), strings.Contains(ct, "javascript"):
		return "application/octet-stream"
	case ct == "text/plain", ct == "text/csv":
		return ct + "; charset=utf-8"
	}
	return ct
}

// contentDisposition names the file for the browser (RFC 6266): an ASCII
// filename for old clients and filename* with the name in UTF-8.
func contentDisposition(disposition, name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		name = "attachment"
	}
	ascii := strings.Map(func(r rune) rune {
		if r > 0x7e {
			return '_'
		}
		return r
	}, name)
	if ascii == name {
		if cd := mime.FormatMediaType(disposition, map[string]string{"filename": name}); cd != "" {
			return cd
		}
	}
	return disposition + `; filename="` + ascii + `"; filename*=UTF-8''` + extValue(name)
}

// extValue percent-encodes the UTF-8 bytes of s that are not attr-chars
// (RFC 5987).
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x80 && (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}
