package mailin

import (
	"strings"
	"testing"
)

// TestHTMLToText keeps the text and the line structure of HTML and drops
// everything else.
func TestHTMLToText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo\n"},
		{"line breaks", "a<br>b<br/><br>c", "a\nb\n\nc\n"},
		{"divs as lines, empty div with br as blank line", "<div>a</div><div><br></div><div>b</div>", "a\n\nb\n"},
		{"list items", "<ul><li>x</li><li>y</li></ul>", "- x\n- y\n"},
		{"table rows", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc\n"},
		{"script, style, head and title dropped", "<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>ok<noscript>n</noscript></body></html>", "ok\n"},
		{"entities decoded", "a&nbsp;&amp;&nbsp;b &lt;3 &quot;q&quot; &#20320;&#x597D; &eacute;", "a & b <3 \"q\" 你好 é\n"},
		{"escaped markup neutralised", "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- c --&gt; &lt;b&gt;", "＜script>alert(1)＜/script> ＜!-- c --> ＜b>\n"},
		{"addresses in brackets kept", "Name &lt;a@b.cn&gt; and &lt;https://x.cn/a&gt;", "Name <a@b.cn> and <https://x.cn/a>\n"},
		{"white space collapsed", "  a \n\t b   <b> c </b>d", "a b c d\n"},
		{"block quotes quoted", "hi<blockquote>old<br>older<blockquote>oldest</blockquote></blockquote>", "hi\n\n> old\n> older\n>\n>> oldest\n"},
		{"outlook word paragraphs are lines", `<p class=MsoNormal>a<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>b</p>`, "a\n\nb\n"},
		{"links keep their address", `see <a href="https://x.cn/doc">the guide</a>, <a href="https://y.cn">https://y.cn</a>, <a href="mailto:a@b">a@b</a>`, "see the guide (https://x.cn/doc), https://y.cn, a@b\n"},
		{"pre keeps lines", "<pre>a  b\n  c</pre>", "a  b\n  c\n"},
		{"images and comments dropped", `x<img src="a.png" alt="logo"><!-- hidden -->y`, "xy\n"},
		{"nothing", "<html><body> </body></html>", ""},
		{"unclosed tags", "<div><p>a<p>b", "a\n\nb\n"},
		{"nested deeper than the parser allows", strings.Repeat("<div>", 600) + "<p>deep &amp; <b>bold</b></p><blockquote>old<br>older</blockquote><script>x()</script>" + strings.Repeat("</div>", 600), "deep & bold\n\n> old\n> older\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := htmlToText(c.in)
			if got != c.want {
				t.Errorf("htmlToText(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			if tag := markupIn(got); tag != "" {
				t.Errorf("output holds markup %q", tag)
			}
		})
	}
}
