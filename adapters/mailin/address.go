package mailin

import (
	"mime"
	"net/mail"
	"regexp"
	"strings"
)

// addressParser decodes encoded words in display names in any charset.
var addressParser = mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}

// addresses reads an address list header leniently: the standard parser
// first, and when it refuses the value (as it does for many real-world
// headers), anything that looks like an address. Addresses are
// lower-cased and names decoded.
func addresses(v string) []mail.Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var out []mail.Address
	if list, err := addressParser.ParseList(v); err == nil {
		for _, a := range list {
			out = append(out, mail.Address{Name: cleanName(a.Name), Address: strings.ToLower(a.Address)})
		}
		return out
	}
	for _, part := range splitAddresses(v) {
		if a, ok := looseAddress(part); ok {
			out = append(out, a)
		}
	}
	return out
}

// bareAddress matches something shaped like an e-mail address.
var bareAddress = regexp.MustCompile(`[^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+`)

// looseAddress reads one "Name <addr>", "addr (Name)" or "addr" without
// insisting on RFC 5322 syntax.
func looseAddress(s string) (mail.Address, bool) {
	s = decodeHeader(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			addr := strings.TrimSpace(s[i+1 : i+j])
			if bareAddress.MatchString(addr) {
				return mail.Address{Name: cleanName(s[:i]), Address: strings.ToLower(bareAddress.FindString(addr))}, true
			}
		}
	}
	if addr := bareAddress.FindString(s); addr != "" {
		name := strings.TrimSpace(strings.Replace(s, addr, "", 1))
		return mail.Address{Name: cleanName(strings.Trim(name, "()")), Address: strings.ToLower(addr)}, true
	}
	return mail.Address{}, false
}

// splitAddresses splits an address list at commas and semicolons outside
// quotes and angle brackets.
func splitAddresses(v string) []string {
	var out []string
	quoted, angle, start := false, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			angle = true
		case c == '>' && !quoted:
			angle = false
		case (c == ',' || c == ';') && !quoted && !angle:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// cleanName decodes what is left of encoded words in a display name and
// trims quotes and white space.
func cleanName(s string) string {
	s = decodeHeader(s)
	s = strings.TrimSpace(s)
	s = strings.Trim(s, `"' `)
	return strings.TrimSpace(collapseSpace(s))
}
