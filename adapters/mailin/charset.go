package mailin

import (
	"bytes"
	"encoding/base64"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

// lookupCharset returns the decoder for a MIME charset label, or nil when
// the label is unknown. The GB family is read as GB18030, the superset
// Chinese clients actually write under the names GB2312 and GBK.
func lookupCharset(label string) encoding.Encoding {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if i := strings.IndexByte(l, '*'); i >= 0 { // RFC 2231 language suffix
		l = l[:i]
	}
	switch l {
	case "gb2312", "gbk", "x-gbk", "gb18030", "cp936", "ms936", "windows-936",
		"gb_2312-80", "csgb2312", "euc-cn", "x-euc-cn", "chinese", "iso-ir-58":
		return simplifiedchinese.GB18030
	case "hz-gb-2312", "hz":
		return simplifiedchinese.HZGB2312
	case "big5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5", "cp950", "windows-950":
		return traditionalchinese.Big5
	}
	if e, err := htmlindex.Get(l); err == nil && e != encoding.Replacement {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(l); err == nil && e != nil && e != encoding.Replacement {
		return e
	}
	return nil
}

// isUTF8Label reports whether a charset label names UTF-8 or one of its
// subsets, whose bytes are taken as UTF-8 when they are valid.
func isUTF8Label(label string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "unicode-1-1-utf-8", "x-unknown", "unknown-8bit", "default":
		return true
	}
	return false
}

// toUTF8 converts b from the named charset to valid UTF-8. Bytes that are
// valid UTF-8 under an ASCII or missing label are kept; other undeclared
// 8-bit text is read as GB18030 when that decodes cleanly, else as
// Windows-1252.
func toUTF8(label string, b []byte) string {
	if isUTF8Label(label) {
		if utf8.Valid(b) {
			return string(b)
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(label)), "utf") {
			return strings.ToValidUTF8(string(b), "\uFFFD")
		}
		return guess8bit(b)
	}
	e := lookupCharset(label)
	if e == nil {
		if utf8.Valid(b) {
			return string(b)
		}
		return guess8bit(b)
	}
	out, _, err := transform.Bytes(e.NewDecoder(), b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// guess8bit reads undeclared 8-bit text: GB18030 when every byte sequence
// is valid there, Windows-1252 otherwise.
func guess8bit(b []byte) string {
	if out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), b); err == nil && !bytes.ContainsRune(out, utf8.RuneError) {
		return strings.ToValidUTF8(string(out), "\uFFFD")
	}
	out, _, _ := transform.Bytes(charmap.Windows1252.NewDecoder(), b)
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// charsetReader adapts lookupCharset for mime.WordDecoder and the address
// parser.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(toUTF8(label, b)), nil
}

// encodedWord matches one RFC 2047 encoded word.
var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=`)

// decodeHeader decodes the RFC 2047 encoded words of a header value to
// UTF-8. Adjacent words of one charset are joined before conversion, since
// clients split a multi-byte character across two words; white space
// between encoded words is dropped as RFC 2047 says. Raw 8-bit text
// outside encoded words is converted as undeclared 8-bit text.
func decodeHeader(v string) string {
	if !utf8.ValidString(v) {
		v = guess8bit([]byte(v))
	}
	if !strings.Contains(v, "=?") {
		return v
	}
	locs := encodedWord.FindAllStringSubmatchIndex(v, -1)
	if locs == nil {
		return v
	}
	var out strings.Builder
	var pending []byte
	pendingCS := ""
	flush := func() {
		if pending != nil {
			out.WriteString(toUTF8(pendingCS, pending))
			pending, pendingCS = nil, ""
		}
	}
	last := 0
	for _, m := range locs {
		between := v[last:m[0]]
		if strings.TrimSpace(between) != "" || last == 0 {
			flush()
			out.WriteString(between)
		}
		cs := strings.ToLower(v[m[2]:m[3]])
		raw, ok := decodeWord(v[m[4]:m[5]], v[m[6]:m[7]])
		if !ok {
			flush()
			out.WriteString(v[m[0]:m[1]])
			last = m[1]
			continue
		}
		if pending != nil && cs != pendingCS {
			flush()
		}
		pending, pendingCS = append(pending, raw...), cs
		last = m[1]
	}
	flush()
	out.WriteString(v[last:])
	return out.String()
}

// decodeWord decodes the text of one encoded word in the B or Q encoding.
func decodeWord(enc, text string) ([]byte, bool) {
	if enc == "b" || enc == "B" {
		return decodeBase64Lenient([]byte(text)), true
	}
	var b []byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			b = append(b, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			b = append(b, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b, true
}

// decodeBase64Lenient decodes base64 while skipping line breaks, stray
// characters and missing or extra padding.
func decodeBase64Lenient(in []byte) []byte {
	clean := make([]byte, 0, len(in))
	for _, c := range in {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
