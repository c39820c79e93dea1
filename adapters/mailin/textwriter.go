package mailin

import "strings"

// maxQuotePrefix is how many ">" a line of nested block quotes gets at
// most, which keeps the text linear in the size of the HTML.
const maxQuotePrefix = 8

// line is one output line with the block quote depth it started in.
type line struct {
	text  string
	quote int
}

// textWriter collects the text of an HTML tree line by line.
type textWriter struct {
	lines     []line
	cur       strings.Builder
	curQuote  int
	quote     int
	pre       int
	wantBlank bool
}

// text adds the text of a text node, collapsing white space outside pre.
func (t *textWriter) text(s string) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if t.pre > 0 {
		for i, part := range strings.Split(cleanText(s), "\n") {
			if i > 0 {
				t.br()
			}
			t.write(part)
		}
		return
	}
	f := strings.Join(strings.Fields(s), " ")
	if f == "" {
		if s != "" && t.cur.Len() > 0 && !strings.HasSuffix(t.cur.String(), " ") {
			t.cur.WriteByte(' ')
		}
		return
	}
	if isSpace(s[0]) {
		f = " " + f
	}
	if isSpace(s[len(s)-1]) {
		f += " "
	}
	t.write(f)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// write puts text on the current line, starting it when needed.
func (t *textWriter) write(s string) {
	if t.cur.Len() == 0 {
		if t.pre == 0 {
			s = strings.TrimLeft(s, " ")
		}
		if s == "" {
			return
		}
		if t.wantBlank {
			q := t.quote
			if n := len(t.lines); n > 0 {
				q = min(q, t.lines[n-1].quote)
			}
			t.lines = append(t.lines, line{quote: q})
			t.wantBlank = false
		}
		t.curQuote = t.quote
	} else if strings.HasSuffix(t.cur.String(), " ") && strings.HasPrefix(s, " ") {
		s = s[1:]
	}
	t.cur.WriteString(s)
}

// endLine ends the current line when it holds text.
func (t *textWriter) endLine() {
	if strings.TrimSpace(t.cur.String()) != "" {
		t.lines = append(t.lines, line{text: strings.TrimRight(t.cur.String(), " "), quote: t.curQuote})
	}
	t.cur.Reset()
}

// br ends the current line even when it is empty.
func (t *textWriter) br() {
	if strings.TrimSpace(t.cur.String()) == "" {
		t.cur.Reset()
		t.wantBlank = false
		t.lines = append(t.lines, line{quote: t.quote})
		return
	}
	t.endLine()
}

// para ends the current line and asks for a blank line before the next.
func (t *textWriter) para() {
	t.endLine()
	if len(t.lines) > 0 && t.lines[len(t.lines)-1].text != "" {
		t.wantBlank = true
	}
}

// String renders the lines, quoting those inside block quotes, with at
// most one blank line in a row and no markup.
func (t *textWriter) String() string {
	var out []string
	blank := true
	for _, l := range t.lines {
		txt := neutralizeMarkup(l.text)
		prefix := strings.Repeat(">", min(l.quote, maxQuotePrefix))
		if strings.TrimSpace(txt) == "" {
			if !blank {
				out = append(out, prefix)
			}
			blank = true
			continue
		}
		blank = false
		if l.quote > 0 {
			prefix += " "
		}
		out = append(out, prefix+txt)
	}
	for len(out) > 0 && strings.Trim(out[len(out)-1], "> ") == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}
