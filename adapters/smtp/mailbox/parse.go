package mailbox

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// maxDepth bounds how deeply multipart bodies are followed.
const maxDepth = 16

// parse decodes a raw RFC 5322 message into a Message with From, Subject,
// Text, HTML and Raw set. It never fails: what cannot be decoded is kept as
// it was, and a message without a header block becomes all Text.
func parse(raw []byte) Message {
	m := Message{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.Text = normalizeNewlines(string(raw))
		return m
	}
	m.From = decodeHeader(msg.Header.Get("From"))
	m.Subject = decodeHeader(msg.Header.Get("Subject"))
	m.ReplyTo = strings.Trim(decodeHeader(msg.Header.Get("Reply-To")), "<>")
	walk(&m, textproto.MIMEHeader(msg.Header), msg.Body, 0)
	return m
}

// walk fills m.Text and m.HTML from the first inline text/plain and text/html
// parts of the entity with header h and body, descending into multiparts.
func walk(m *Message, h textproto.MIMEHeader, body io.Reader, depth int) {
	if depth > maxDepth {
		return
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil && mediaType == "" {
		mediaType, params = "text/plain", nil
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return
		}
		mr := multipart.NewReader(body, boundary)
		for {
			// NextRawPart leaves Content-Transfer-Encoding to decode below.
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			walk(m, p.Header, p, depth+1)
		}
	}

	if disp, _, _ := mime.ParseMediaType(h.Get("Content-Disposition")); disp == "attachment" {
		return
	}
	switch {
	case mediaType == "text/plain" && m.Text == "":
		m.Text = decodeBody(h.Get("Content-Transfer-Encoding"), body)
	case mediaType == "text/html" && m.HTML == "":
		m.HTML = decodeBody(h.Get("Content-Transfer-Encoding"), body)
	}
}

// decodeBody reads body and undoes its transfer encoding. Content that does
// not decode is returned as it arrived. Bodies are assumed to be UTF-8 (or
// ASCII); other charsets are not converted.
func decodeBody(encoding string, body io.Reader) string {
	raw, err := io.ReadAll(body)
	if err != nil && len(raw) == 0 {
		return ""
	}
	out := raw
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		if b, err := decodeBase64(raw); err == nil {
			out = b
		}
	case "quoted-printable":
		if b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); err == nil {
			out = b
		}
	}
	return normalizeNewlines(string(out))
}

// decodeBase64 decodes standard base64, ignoring line breaks and other white
// space, with or without padding.
func decodeBase64(raw []byte) ([]byte, error) {
	compact := bytes.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, raw)
	b, err := base64.StdEncoding.DecodeString(string(compact))
	if err == nil {
		return b, nil
	}
	if b, err2 := base64.RawStdEncoding.DecodeString(string(compact)); err2 == nil {
		return b, nil
	}
	return nil, err
}

// decodeHeader decodes RFC 2047 encoded words, returning s unchanged when it
// cannot.
func decodeHeader(s string) string {
	dec := mime.WordDecoder{}
	d, err := dec.DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}
