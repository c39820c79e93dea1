package mailin

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// FuzzParse feeds arbitrary messages to Parse. Whatever the input, Parse
// must not panic, its text must stay linear in the input, every string
// must be valid UTF-8, a reply made from HTML must hold no markup (nor
// the text of the fallback HTML reader), and every line of the reply must
// come from the text.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Subject: =?gbk?B?xOO6ww==?=\r\nContent-Type: text/html\r\n\r\n<p>a<br>b</p><blockquote>c</blockquote>"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/alternative; boundary=y\r\n\r\n--y\r\n\r\nhi\r\n--y--\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m *Message
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			m, err = Parse(bytes.NewReader(data), 1<<20)
		}()
		select {
		case <-done:
		case <-time.After(parseBound):
			buf := make([]byte, 1<<20)
			t.Fatalf("Parse ran longer than %v:\n%s", parseBound, buf[:runtime.Stack(buf, true)])
		}
		if tag := markupIn(tokensToText(string(data))); tag != "" {
			t.Fatalf("text from HTML tokens holds markup %q", tag)
		}
		if err != nil {
			return
		}
		if bound := 8*len(data) + 4096; len(m.Text) > bound || len(m.Reply) > len(m.Text) {
			t.Fatalf("text of %d bytes and reply of %d from %d input bytes", len(m.Text), len(m.Reply), len(data))
		}
		for _, s := range []string{m.Text, m.Reply, m.Subject, m.From, m.FromName, m.MessageID, m.InReplyTo} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
		for _, a := range m.Attachments {
			if !utf8.ValidString(a.Name) {
				t.Fatalf("invalid UTF-8 in attachment name %q", a.Name)
			}
		}
		if m.TextFromHTML {
			if tag := markupIn(m.Reply); tag != "" {
				t.Fatalf("reply from HTML holds markup %q:\n%s", tag, m.Reply)
			}
		}
		for _, l := range strings.Split(m.Reply, "\n") {
			if !strings.Contains(m.Text, l) {
				t.Fatalf("reply line %q is not in the text:\n%s", l, m.Text)
			}
		}
	})
}

// parseBound is far more than Parse needs for a message of a megabyte; a
// fuzz input that takes longer has found work that is not linear.
const parseBound = 10 * time.Second

// markupIn returns the first tag, comment or declaration an HTML reader
// finds in s, other than a bracketed address, or "" when there is none.
func markupIn(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken, html.CommentToken, html.DoctypeToken:
			if raw := string(z.Raw()); !bracketedAddress(raw) {
				return raw
			}
		}
	}
}
