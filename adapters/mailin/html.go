package mailin

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlToText turns an HTML body into plain text: scripts, styles and the
// head are dropped, paragraphs, divisions, line breaks, list items and
// table rows become line breaks, block quotes become lines starting with
// "> ", entities are decoded and anything that would read as markup is
// neutralised, so the result never contains a tag.
func htmlToText(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return ""
	}
	var t textWriter
	type frame struct {
		n      *html.Node
		exit   bool
		lines  int
		curLen int
	}
	stack := []frame{{n: doc}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.n
		if f.exit {
			t.leave(n, f.lines, f.curLen)
			continue
		}
		switch n.Type {
		case html.TextNode:
			t.text(n.Data)
			continue
		case html.ElementNode:
			if skipElement(n.DataAtom) {
				continue
			}
			t.enter(n)
		case html.DocumentNode:
		default:
			continue
		}
		stack = append(stack, frame{n: n, exit: true, lines: len(t.lines), curLen: t.cur.Len()})
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, frame{n: c})
		}
	}
	t.endLine()
	return t.String()
}

// skipElement reports the elements whose content is never shown as text.
func skipElement(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template,
		atom.Object, atom.Embed, atom.Iframe, atom.Svg, atom.Math, atom.Select, atom.Button:
		return true
	}
	return false
}

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

// blockAtoms are the elements that start and end a line.
var blockAtoms = map[atom.Atom]bool{
	atom.Div: true, atom.Tr: true, atom.Li: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Hr: true,
	atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Nav: true, atom.Aside: true, atom.Address: true, atom.Center: true,
	atom.Form: true, atom.Fieldset: true, atom.Figure: true, atom.Main: true,
	atom.Caption: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
}

// paraAtoms are the elements set off by a blank line.
var paraAtoms = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Pre: true,
}

// enter handles an element's start.
func (t *textWriter) enter(n *html.Node) {
	a := n.DataAtom
	switch {
	case a == atom.Br:
		t.br()
	case a == atom.Blockquote:
		t.para()
		t.quote++
	case a == atom.P && isMsoLine(n):
		t.endLine()
	case paraAtoms[a]:
		t.para()
	case blockAtoms[a]:
		t.endLine()
	case a == atom.Td || a == atom.Th:
		if t.cur.Len() > 0 && !strings.HasSuffix(t.cur.String(), " ") {
			t.cur.WriteByte(' ')
		}
	}
	if a == atom.Li {
		t.text("- ")
	}
	if a == atom.Pre {
		t.pre++
	}
}

// leave handles an element's end; lines and curLen tell what had been
// written when the element started.
func (t *textWriter) leave(n *html.Node, lines, curLen int) {
	a := n.DataAtom
	switch {
	case a == atom.Blockquote:
		t.endLine()
		t.quote--
		t.para()
	case a == atom.P && isMsoLine(n):
		if len(t.lines) == lines && t.cur.Len() == 0 {
			t.br()
		}
		t.endLine()
	case paraAtoms[a]:
		t.para()
	case blockAtoms[a]:
		t.endLine()
	case a == atom.A:
		href := attr(n, "href")
		if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") || len(t.lines) != lines {
			break
		}
		shown := strings.TrimSpace(t.cur.String()[min(curLen, t.cur.Len()):])
		bare := strings.TrimPrefix(strings.TrimPrefix(href, "https://"), "http://")
		if shown != "" && !strings.Contains(shown, strings.TrimSuffix(bare, "/")) {
			t.text(" (" + href + ")")
		}
	}
	if a == atom.Pre {
		t.pre--
	}
}

// isMsoLine reports a paragraph of Outlook's Word HTML, which stands for
// one line rather than a paragraph.
func isMsoLine(n *html.Node) bool {
	return strings.Contains(strings.ToLower(attr(n, "class")), "msonormal")
}

// attr returns the value of an attribute of n.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
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
