package mailin

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// mediaType splits a Content-Type or Content-Disposition value into its
// lower-cased type and its parameters. Unlike mime.ParseMediaType it never
// fails: it accepts the forms real clients write (missing semicolons,
// duplicate parameters, encoded words inside quotes, raw 8-bit names) and
// joins RFC 2231 continuations in any charset.
func mediaType(v string) (string, map[string]string) {
	v = strings.TrimSpace(v)
	typ, rest, _ := strings.Cut(v, ";")
	typ = strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexAny(typ, " \t"); i >= 0 {
		typ = typ[:i]
	}
	raw := parseParams(rest)
	params := map[string]string{}
	type piece struct {
		n       int
		encoded bool
		val     string
	}
	multi := map[string][]piece{}
	for _, kv := range raw {
		k, val := kv[0], kv[1]
		name, sect, hasSect := strings.Cut(k, "*")
		if !hasSect {
			if _, seen := params[name]; !seen {
				if name != "boundary" {
					val = decodeHeader(val)
				}
				params[name] = val
			}
			continue
		}
		if sect == "" { // name*=charset'lang'value
			multi[name] = append(multi[name], piece{0, true, val})
			continue
		}
		num, enc := strings.CutSuffix(sect, "*")
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || n > 999 {
			continue
		}
		multi[name] = append(multi[name], piece{n, enc, val})
	}
	for name, ps := range multi {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].n < ps[j].n })
		charset := ""
		var buf []byte
		for i, p := range ps {
			if !p.encoded {
				buf = append(buf, p.val...)
				continue
			}
			val := p.val
			if i == 0 {
				if cs, after, ok := strings.Cut(val, "'"); ok {
					if _, after2, ok := strings.Cut(after, "'"); ok {
						charset, val = cs, after2
					}
				}
			}
			buf = append(buf, percentDecode(val)...)
		}
		params[name] = toUTF8(charset, buf)
	}
	return typ, params
}

// parseParams splits "; a=b; c="d;e"" into key and value pairs with
// lower-cased keys and unquoted values.
func parseParams(s string) [][2]string {
	var out [][2]string
	for len(s) > 0 && len(out) < 64 {
		s = strings.TrimLeft(s, " \t\r\n;")
		if s == "" {
			break
		}
		eq := strings.IndexAny(s, "=;")
		if eq < 0 || s[eq] == ';' {
			if eq < 0 {
				break
			}
			s = s[eq:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t\r\n")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				c := s[i]
				if c == '\\' && i+1 < len(s) {
					i++
					b.WriteByte(s[i])
					continue
				}
				if c == '"' {
					break
				}
				b.WriteByte(c)
			}
			val = b.String()
			if i < len(s) {
				i++
			}
			s = s[i:]
		} else {
			end := strings.IndexByte(s, ';')
			if end < 0 {
				end = len(s)
			}
			val = strings.TrimSpace(s[:end])
			s = s[end:]
		}
		if key != "" {
			out = append(out, [2]string{key, val})
		}
	}
	return out
}

// percentDecode undoes the %XX escapes of an RFC 2231 value, keeping
// malformed escapes as they are.
func percentDecode(s string) []byte {
	if u, err := url.PathUnescape(s); err == nil {
		return []byte(u)
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return b
}
