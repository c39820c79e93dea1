package http

import (
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// SendUpload streams a file a user uploaded, read from the file store: with
// its sniffed content type (a plain download type for anything a browser
// could render as a page), never a guessed one, out of shared caches, shown
// inline when inline is set and offered as a download named name otherwise.
// What is shown inline may run nothing, nor be framed by another site. The
// response closes rc when it is sent; size may be 0 when unknown.
func SendUpload(c *fiber.Ctx, rc io.ReadCloser, name, contentType string, size int64, inline bool) {
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, safeType(contentType))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, name))
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	n := -1
	if size > 0 {
		n = int(size)
	}
	c.Response().SetBodyStream(rc, n) // fasthttp closes rc when done
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
