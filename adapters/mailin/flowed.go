package mailin

import "strings"

// unflow joins the soft line breaks of a format=flowed text (RFC 3676):
// a line ending in a space continues on the next line of the same quote
// depth. Space-stuffing is removed and quoted lines come out as "> text".
func unflow(s string, delsp bool) string {
	var out []string
	var para strings.Builder
	depth, open := 0, false
	flush := func() {
		if open {
			prefix := strings.Repeat(">", depth)
			if depth > 0 && para.Len() > 0 {
				prefix += " "
			}
			out = append(out, prefix+para.String())
		}
		para.Reset()
		open = false
	}
	for _, l := range strings.Split(s, "\n") {
		d := 0
		for d < len(l) && l[d] == '>' {
			d++
		}
		body := strings.TrimPrefix(l[d:], " ")
		if open && d != depth {
			flush()
		}
		if body == "-- " {
			flush()
			out = append(out, strings.Repeat(">", d)+map[bool]string{true: " ", false: ""}[d > 0]+"-- ")
			continue
		}
		flowed := strings.HasSuffix(body, " ")
		if flowed && delsp {
			body = body[:len(body)-1]
		}
		depth, open = d, true
		para.WriteString(body)
		if !flowed {
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n")
}
