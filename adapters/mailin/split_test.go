package mailin

import (
	"fmt"
	"testing"
)

// TestSplitMultipart finds the parts between delimiter lines only, with
// or without CR, a preamble, an epilogue or a closing delimiter.
func TestSplitMultipart(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"crlf", "pre\r\n--b\r\none\r\n--b\r\ntwo\r\n--b--\r\nepilogue", `["one" "two"]`},
		{"lf", "--b\none\n--b\ntwo\n--b--\n", `["one" "two"]`},
		{"no closing delimiter", "--b\r\none\r\n--b\r\ntwo\r\n", `["one" "two\r\n"]`},
		{"longer boundary is not a delimiter", "--b\r\n--bx\r\n--b--", `["--bx"]`},
		{"delimiter inside a line is text", "--b\r\na --b b\r\n--b--", `["a --b b"]`},
		{"trailing white space after delimiter", "--b  \r\none\r\n--b-- \r\n", `["one"]`},
		{"empty part", "--b\r\n\r\n--b--", `[""]`},
		{"no delimiter", "just text", `[]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fmt.Sprintf("%q", splitMultipart([]byte(c.body), "b", 10)); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
	if got := len(splitMultipart([]byte("--b\r\n1\r\n--b\r\n2\r\n--b\r\n3\r\n--b--"), "b", 2)); got != 2 {
		t.Errorf("max 2: got %d parts", got)
	}
}

// TestSplitEntity splits header from body at the first empty line.
func TestSplitEntity(t *testing.T) {
	cases := []struct{ name, in, ct, body string }{
		{"crlf", "Content-Type: text/html\r\n\r\nbody\r\n", "text/html", "body\r\n"},
		{"lf", "Content-Type: text/html\n\nbody", "text/html", "body"},
		{"folded", "Content-Type: text/plain;\r\n charset=gbk\r\n\r\nx", "text/plain; charset=gbk", "x"},
		{"no header", "\r\nbody", "", "body"},
		{"header only", "Content-Type: text/plain", "text/plain", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, body, err := splitEntity([]byte(c.in))
			if err != nil || h.Get("Content-Type") != c.ct || string(body) != c.body {
				t.Errorf("got %q, %q, %v; want %q, %q", h.Get("Content-Type"), body, err, c.ct, c.body)
			}
		})
	}
}
