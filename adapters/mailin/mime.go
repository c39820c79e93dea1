package mailin

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"

	htmlcharset "golang.org/x/net/html/charset"
)

// MaxDepth is how deep multiparts may nest; deeper parts are ignored.
const MaxDepth = 12

// MaxParts is how many MIME parts of one message are read; later parts
// are ignored.
const MaxParts = 256

// content is the readable text found in a MIME entity: the plain text and
// the HTML versions, either of which may be empty.
type content struct {
	plain, html string
}

// walker reads the MIME tree of one message, gathering attachments and the
// content types that mark a machine-written report.
type walker struct {
	parts   int
	atts    []Attachment
	reports []string
}

// walk reads one entity at the given nesting depth; alt says it is one
// version of a multipart/alternative, where a part that is neither text
// nor HTML nor named (Gmail's AMP, Apple's watch HTML) is another version
// of the body rather than an attachment.
func (w *walker) walk(h textproto.MIMEHeader, body []byte, depth int, alt bool) content {
	w.parts++
	if w.parts > MaxParts {
		return content{}
	}
	ct, params := mediaType(h.Get("Content-Type"))
	if !strings.Contains(ct, "/") {
		ct, params = "text/plain", map[string]string{"charset": params["charset"]}
	}
	disp, dparams := mediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		if ct == "multipart/report" {
			w.reports = append(w.reports, "multipart/report; report-type="+strings.ToLower(params["report-type"]))
		}
		if params["boundary"] == "" {
			return content{plain: w.text("text/plain", params, cte, body)}
		}
		if depth >= MaxDepth {
			return content{}
		}
		return w.multipart(ct, params["boundary"], body, depth)
	case ct == "message/delivery-status", ct == "message/disposition-notification",
		ct == "message/feedback-report", ct == "message/global-delivery-status",
		ct == "text/rfc822-headers", ct == "message/global-headers":
		w.reports = append(w.reports, ct)
		return content{}
	case ct == "application/pkcs7-signature", ct == "application/x-pkcs7-signature",
		ct == "application/pgp-signature":
		return content{}
	case (ct == "text/plain" || ct == "text/html") && disp != "attachment" && name == "":
		if ct == "text/html" {
			return content{html: w.text(ct, params, cte, body)}
		}
		return content{plain: w.text(ct, params, cte, body)}
	case alt && disp != "attachment" && name == "" && !strings.HasPrefix(ct, "image/"):
		return content{}
	}
	data := decodeTransfer(cte, body)
	if name == "" {
		name = w.defaultName(ct, data)
	}
	w.atts = append(w.atts, Attachment{
		Name:        cleanFileName(name),
		ContentType: ct,
		Data:        data,
		ContentID:   strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>"),
		Inline:      disp == "inline" || (disp == "" && h.Get("Content-Id") != ""),
	})
	return content{}
}

// multipart reads the children of a multipart entity and combines their
// text: an alternative keeps its first plain and last HTML version, any
// other kind joins its parts in order.
func (w *walker) multipart(ct, boundary string, body []byte, depth int) content {
	var kids []content
	for _, part := range splitMultipart(body, boundary, MaxParts-w.parts) {
		h, data, _ := splitEntity(part)
		kids = append(kids, w.walk(h, data, depth+1, ct == "multipart/alternative"))
	}
	var out content
	if ct == "multipart/alternative" {
		for _, k := range kids {
			if out.plain == "" && strings.TrimSpace(k.plain) != "" {
				out.plain = k.plain
			}
			if strings.TrimSpace(k.html) != "" {
				out.html = k.html
			}
		}
		return out
	}
	var plain, html []string
	for _, k := range kids {
		if strings.TrimSpace(k.plain) != "" {
			plain = append(plain, strings.TrimRight(k.plain, "\n"))
		}
		if strings.TrimSpace(k.html) != "" {
			html = append(html, k.html)
		}
	}
	return content{plain: strings.Join(plain, "\n\n"), html: strings.Join(html, "\n")}
}

// text decodes a text part to clean UTF-8 with LF line ends, undoing
// format=flowed for plain text.
func (w *walker) text(ct string, params map[string]string, cte string, body []byte) string {
	data := decodeTransfer(cte, body)
	cs := params["charset"]
	if ct == "text/html" && cs == "" && !utf8.Valid(data) {
		if _, name, _ := htmlcharset.DetermineEncoding(data, "text/html"); name != "windows-1252" {
			cs = name
		}
	}
	s := cleanText(toUTF8(cs, data))
	if ct == "text/plain" && strings.EqualFold(params["format"], "flowed") {
		s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
	}
	return s
}

// defaultName names an attachment that came without a file name.
func (w *walker) defaultName(ct string, data []byte) string {
	if ct == "message/rfc822" {
		if m, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
			if s := cleanFileName(decodeHeader(m.Header.Get("Subject"))); s != "" {
				return s + ".eml"
			}
		}
		return "message.eml"
	}
	ext := ""
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		ext = exts[0]
	}
	return fmt.Sprintf("attachment-%d%s", len(w.atts)+1, ext)
}

// cleanFileName keeps the last path element of a name and drops control
// characters, so a name is safe to show and to store.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	return strings.TrimSpace(name)
}

// decodeTransfer undoes a Content-Transfer-Encoding; 7bit, 8bit, binary
// and unknown encodings leave the bytes as they are.
func decodeTransfer(cte string, body []byte) []byte {
	switch cte {
	case "base64":
		return decodeBase64Lenient(body)
	case "quoted-printable":
		return decodeQP(body)
	}
	return body
}

// decodeQP decodes quoted-printable leniently: a malformed escape is kept
// as written, soft line breaks may be followed by stray white space.
func decodeQP(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		if i+2 < len(in) && isHex(in[i+1]) && isHex(in[i+2]) {
			out = append(out, unhex(in[i+1])<<4|unhex(in[i+2]))
			i += 2
			continue
		}
		j := i + 1
		for j < len(in) && (in[j] == ' ' || in[j] == '\t') {
			j++
		}
		if j < len(in) && in[j] == '\r' {
			j++
		}
		if j < len(in) && in[j] == '\n' {
			i = j
			continue
		}
		if j >= len(in) {
			break
		}
		out = append(out, c)
	}
	return out
}

// cleanText turns CRLF and CR into LF and drops control characters other
// than tab and line feed.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
}
