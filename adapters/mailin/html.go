package mailin

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxHTML is how many bytes of an HTML body are turned into text; the
// rest, in a reply the oldest quoted history, is dropped, which bounds the
// memory the HTML tree takes.
const MaxHTML = 4 << 20

// htmlToText turns an HTML body into plain text: scripts, styles and the
// head are dropped, paragraphs, divisions, line breaks, list items and
// table rows become line breaks, block quotes become lines starting with
// "> ", entities are decoded and anything that would read as markup is
// neutralised, so the result never contains a tag.
func htmlToText(src string) string {
	if len(src) > MaxHTML {
		src = src[:MaxHTML]
		if i := strings.LastIndexByte(src, '<'); i > 0 {
			src = src[:i]
		}
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return tokensToText(src)
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

// tokensToText is htmlToText for HTML the parser refuses (it nests
// deeper than the parser allows): the same rules applied to the tags as
// they come, an end tag closing the elements opened after its start.
func tokensToText(src string) string {
	var t textWriter
	type open struct {
		n             *html.Node
		lines, curLen int
	}
	var stack []open
	skip := atom.Atom(0)
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch {
		case skip != 0:
			if tt == html.EndTagToken && tok.DataAtom == skip {
				skip = 0
			}
		case tt == html.TextToken:
			t.text(tok.Data)
		case tt == html.StartTagToken && skipElement(tok.DataAtom):
			skip = tok.DataAtom
		case tt == html.StartTagToken || tt == html.SelfClosingTagToken:
			n := &html.Node{Type: html.ElementNode, DataAtom: tok.DataAtom, Data: tok.Data, Attr: tok.Attr}
			lines, curLen := len(t.lines), t.cur.Len()
			t.enter(n)
			if tt == html.SelfClosingTagToken || voidElement(tok.DataAtom) {
				t.leave(n, lines, curLen)
				continue
			}
			stack = append(stack, open{n, lines, curLen})
		case tt == html.EndTagToken:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].n.DataAtom == tok.DataAtom && stack[i].n.Data == tok.Data {
					for len(stack) > i {
						o := stack[len(stack)-1]
						stack = stack[:len(stack)-1]
						t.leave(o.n, o.lines, o.curLen)
					}
					break
				}
			}
		}
	}
	t.endLine()
	return t.String()
}

// voidElement reports the elements that have no end tag.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.Img, atom.Input, atom.Meta, atom.Link, atom.Wbr, atom.Area, atom.Base, atom.Col, atom.Source, atom.Track:
		return true
	}
	return false
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
