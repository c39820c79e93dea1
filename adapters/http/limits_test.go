package http

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"net"
	nethttp "net/http"
	"strings"
	"testing"
	"time"

	"supportal/adapters/i18n"
)

// rawRequest writes head and then body to a fresh connection, as a plain
// client does without "Expect: 100-continue", then reads the answer and
// returns its status and body.
func rawRequest(t *testing.T, base, head string, body io.Reader) (status int, text string, werr error) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	// The whole request is sent before the answer is read; a failed write
	// (the server reset the connection) is returned, the answer still read.
	if _, werr = io.WriteString(conn, head); werr == nil && body != nil {
		_, werr = io.Copy(conn, body)
	}
	res, err := nethttp.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("answer cut off: %v", err)
	}
	return res.StatusCode, html.UnescapeString(string(b)), werr
}

// TestTooLargeBodyIsAnswered sends bodies over the limit without waiting for
// an interim answer: the client must receive the 413, not a reset.
func TestTooLargeBodyIsAnswered(t *testing.T) {
	base := streamingServer(t)
	for _, tt := range []struct {
		name string
		head string
		body func() io.Reader
	}{
		{"known length", "POST /api/buffered HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 8000000\r\n\r\n",
			func() io.Reader { return io.LimitReader(zeros{}, 8000000) }},
		{"chunked", "POST /api/buffered HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
			func() io.Reader {
				return io.MultiReader(strings.NewReader(fmt.Sprintf("%x\r\n", 3000000)), io.LimitReader(zeros{}, 3000000), strings.NewReader("\r\n0\r\n\r\n"))
			}},
	} {
		for range 3 {
			status, body, werr := rawRequest(t, base, tt.head, tt.body())
			if werr != nil {
				t.Fatalf("%s: the server reset the connection while the body was sent: %v", tt.name, werr)
			}
			if status != 413 || !strings.Contains(body, "error.too_large") {
				t.Fatalf("%s: %d %q, want 413 with error.too_large", tt.name, status, body)
			}
		}
	}
}

// TestLongHeaders: a query string or cookie of 12 KiB is read; one of 20 KiB
// gets 431 with the message in both languages (the request's own language
// cannot be read).
func TestLongHeaders(t *testing.T) {
	base := streamingServer(t)
	b := bundle(t)
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tt := range []struct {
		name   string
		head   string
		status int
	}{
		{"12 KiB query", "GET /nowhere?q=" + long(12<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"12 KiB cookie", "GET /nowhere HTTP/1.1\r\nHost: x\r\nCookie: c=" + long(12<<10) + "\r\n\r\n", 404},
		{"20 KiB query", "GET /nowhere?q=" + long(20<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
		{"20 KiB cookie", "GET /nowhere HTTP/1.1\r\nHost: x\r\nCookie: c=" + long(20<<10) + "\r\n\r\n", 431},
	} {
		status, body, _ := rawRequest(t, base, tt.head, nil)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, status, tt.status)
			continue
		}
		if tt.status != 431 {
			continue
		}
		for _, lang := range i18n.Langs {
			if want := b.T(lang, "error.header_too_large", nil); !strings.Contains(body, want) {
				t.Errorf("%s: the page does not say %q:\n%s", tt.name, want, body)
			}
		}
		if strings.Contains(body, b.T(i18n.ZH, "error.internal", nil)) {
			t.Errorf("%s: the page says the system is busy", tt.name)
		}
	}
}

func TestIsAPI(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v1/warranty/imports": true, "/API/v1/warranty/imports": true, "/Api/": true, "/api": true, "/APi": true,
		"/apiary": false, "/": false, "/account": false, "/static/api/x": false, "": false,
	} {
		if got := isAPI(path); got != want {
			t.Errorf("isAPI(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestValidText(t *testing.T) {
	for s, want := range map[string]bool{
		"": true, "上海示例 A5000": true, "line 1\r\nline 2\tend": true, "emoji 😀": true,
		"a\x00b": false, "\xff\xfe": false, "bell\x07": false, "del\x7f": false, "esc\x1b[0m": false, "中\xe4\xb8": false, "中\x00": false, "设备\x1b": false,
	} {
		if got := ValidText(s); got != want {
			t.Errorf("ValidText(%q) = %v, want %v", s, got, want)
		}
		if got := CleanText(s); !ValidText(got) {
			t.Errorf("CleanText(%q) = %q, still invalid", s, got)
		}
	}
	if got := CleanText("Mozilla\x00/5.0 \xff(X11)"); got != "Mozilla/5.0 (X11)" {
		t.Errorf("CleanText = %q", got)
	}
}

func TestCheckJSON(t *testing.T) {
	for _, tt := range []struct {
		body  string
		field string
		ok    bool
	}{
		{`{"name":"A5000","tags":["a","b"],"n":1}`, "", true},
		{`{"name":"a\u0000b"}`, "name", false},
		{`{"outer":{"inner":"x\u001b"}}`, "inner", false},
		{`{"list":["ok","bad\u0007"]}`, "list", false},
		{"{\"name\":\"\xff\xfe\"}", "", false},
		{`{"a\u0000":"x"}`, "a\x00", false},
		{`{"text":"line\nnext\ttab"}`, "", true},
		{`not json`, "", true},
	} {
		field, ok := checkJSON([]byte(tt.body))
		if ok != tt.ok || field != tt.field {
			t.Errorf("checkJSON(%q) = %q, %v; want %q, %v", tt.body, field, ok, tt.field, tt.ok)
		}
	}
}

// TestAPIPathIgnoresCase: Fiber routes /API/… to the API's handlers, so the
// API's rules apply to it too: no CSRF token, JSON errors, English by default.
func TestAPIPathIgnoresCase(t *testing.T) {
	base := streamingServer(t)
	for _, path := range []string{"/api/buffered", "/API/buffered", "/Api/Buffered"} {
		if status, body := post(t, base+path, "application/octet-stream", strings.NewReader("abc")); status != 200 || body != "3" {
			t.Errorf("POST %s without a CSRF token: %d %q, want 200", path, status, body)
		}
	}
	for _, path := range []string{"/API/nowhere", "/Api/v1/nowhere"} {
		status, body := post(t, base+path, "application/octet-stream", strings.NewReader("abc"))
		if status != 404 || !strings.HasPrefix(body, `{"code":"error.not_found"`) || !strings.Contains(body, "This page does not exist") {
			t.Errorf("POST %s: %d %q, want a 404 in English JSON", path, status, body)
		}
	}
}
