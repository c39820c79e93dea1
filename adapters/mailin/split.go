package mailin

import (
	"bufio"
	"bytes"
	"net/textproto"
)

// splitMultipart returns the parts of a multipart body as slices of it,
// so nested multiparts are read without copying. A missing closing
// delimiter ends the last part at the end of the body; at most max parts
// are returned.
func splitMultipart(body []byte, boundary string, max int) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start, pos := -1, 0
	for len(parts) < max {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		i += pos
		pos = i + len(delim)
		if i > 0 && body[i-1] != '\n' {
			continue
		}
		rest := body[pos:]
		closing := bytes.HasPrefix(rest, []byte("--"))
		if closing {
			rest = rest[2:]
		}
		line, eol := rest, bytes.IndexByte(rest, '\n')
		if eol >= 0 {
			line = rest[:eol]
		}
		if len(bytes.TrimSpace(line)) != 0 {
			continue
		}
		if start >= 0 {
			parts = append(parts, trimLineEnd(body[start:i]))
		}
		if closing || eol < 0 {
			return parts
		}
		start = len(body) - len(rest) + eol + 1
		pos = start
	}
	if start >= 0 && len(parts) < max {
		parts = append(parts, body[start:])
	}
	return parts
}

// trimLineEnd drops the line break that belongs to the delimiter after a
// part.
func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// splitEntity splits a MIME entity into its header and its body, the body
// a slice of b. The header ends at the first empty line; an entity with
// no empty line is all header when it starts like one, else all body.
// The error is the header reader's, with the fields read before it.
func splitEntity(b []byte) (textproto.MIMEHeader, []byte, error) {
	end, bodyStart := -1, len(b)
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return textproto.MIMEHeader{}, b[2:], nil
	case bytes.HasPrefix(b, []byte("\n")):
		return textproto.MIMEHeader{}, b[1:], nil
	}
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		end, bodyStart = i+1, i+2
	}
	if i := bytes.Index(b, []byte("\n\r\n")); i >= 0 && (end < 0 || i+1 < end) {
		end, bodyStart = i+1, i+3
	}
	if end < 0 {
		end = len(b)
	}
	hdr := make([]byte, 0, end+2)
	hdr = append(append(hdr, b[:end]...), "\r\n\r\n"...)
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(hdr))).ReadMIMEHeader()
	if h == nil {
		h = textproto.MIMEHeader{}
	}
	return h, b[bodyStart:], err
}
