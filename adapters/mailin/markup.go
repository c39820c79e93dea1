package mailin

import "strings"

// neutralizeMarkup replaces the "<" of every sequence that an HTML reader
// would take for a tag, a comment or a declaration with "＜", so text that
// came from HTML (say an escaped "&lt;script&gt;") never reads as markup.
// Address-like brackets such as "<a@example.com>" or "<https://x>" are kept.
func neutralizeMarkup(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && i+1 < len(s) && startsMarkup(s[i+1]) && !bracketedAddress(s[i:]) {
			b.WriteString("＜")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// startsMarkup reports a byte after "<" that opens a tag, an end tag, a
// comment or a processing instruction.
func startsMarkup(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// bracketedAddress reports whether s starts with "<...>" holding an e-mail
// address or a URL and nothing an HTML tag could carry: no white space,
// quotes, equals signs or further brackets.
func bracketedAddress(s string) bool {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return false
	}
	inner := s[1:end]
	if strings.HasPrefix(inner, "/") {
		return false
	}
	if strings.ContainsAny(inner, " \t\n\r\f\"'=<`") {
		return false
	}
	return strings.Contains(inner, "@") || strings.Contains(inner, "://")
}
