package http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"supportal/domain"
	"supportal/domain/identity"
)

type noSessions struct{}

func (noSessions) Authenticate(context.Context, string) (identity.Account, identity.Session, error) {
	return identity.Account{}, identity.Session{}, domain.E(domain.Unauthenticated, "error.session.expired")
}

// streamingServer serves two API routes over a real listener: /api/buffered
// keeps the 1 KiB body limit, /api/stream reads its body as a stream.
func streamingServer(t *testing.T) string {
	t.Helper()
	b := bundle(t)
	v, err := LoadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{BodyLimit: 1024, StreamRequestBody: true}, b, v, slog.New(slog.NewTextHandler(io.Discard, nil)), noSessions{})
	s.StreamBody("/api/stream")
	s.App.Post("/api/buffered", func(c *fiber.Ctx) error {
		if c.Query("form") != "" {
			fh, err := c.FormFile("file")
			if err != nil {
				return err
			}
			return c.SendString(fmt.Sprintf("%s %s %d", c.FormValue("name"), fh.Filename, fh.Size))
		}
		return c.SendString(fmt.Sprint(len(c.Body())))
	})
	s.App.Post("/api/stream", func(c *fiber.Ctx) error {
		if c.Query("early") != "" {
			return domain.E(domain.Unauthenticated, "error.token.invalid")
		}
		n, err := io.Copy(io.Discard, BodyStream(c))
		if err != nil {
			return err
		}
		return c.SendString(fmt.Sprint(n))
	})
	s.NotFound()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App.Listener(ln)
	t.Cleanup(func() { s.App.Shutdown() })
	return "http://" + ln.Addr().String()
}

// chunked hides the length of a body, so the client sends it chunked.
type chunked struct{ io.Reader }

func post(t *testing.T, url, ctype string, body io.Reader) (int, string) {
	t.Helper()
	res, err := nethttp.Post(url, ctype, body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestBodyLimitWithStreaming(t *testing.T) {
	base := streamingServer(t)
	small, big := strings.Repeat("a", 1000), strings.Repeat("a", 5000)
	tests := []struct {
		name   string
		path   string
		body   io.Reader
		status int
		want   string
	}{
		{"small body", "/api/buffered", strings.NewReader(small), 200, "1000"},
		{"small chunked body", "/api/buffered", chunked{strings.NewReader(small)}, 200, "1000"},
		{"large body", "/api/buffered", strings.NewReader(big), 413, "error.too_large"},
		{"large chunked body", "/api/buffered", chunked{strings.NewReader(big)}, 413, "error.too_large"},
		{"large body, trailing slash", "/api/buffered/", strings.NewReader(big), 413, "error.too_large"},
		{"streamed route", "/api/stream", strings.NewReader(big), 200, "5000"},
		{"streamed route, trailing slash", "/api/stream/", strings.NewReader(big), 200, "5000"},
		{"streamed chunked 8 MB", "/api/stream", chunked{io.LimitReader(zeros{}, 8<<20)}, 200, fmt.Sprint(8 << 20)},
		{"streamed route answering early", "/api/stream?early=1", strings.NewReader(big), 401, "error.token.invalid"},
		{"after an early answer", "/api/buffered", strings.NewReader(small), 200, "1000"},
	}
	for _, tt := range tests {
		status, body := post(t, base+tt.path, "application/octet-stream", tt.body)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %q, want %d with %q", tt.name, status, body, tt.status, tt.want)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestMultipartWithStreaming checks that forms with files still work when
// multipart pre-parsing is off, and that large ones are refused.
func TestMultipartWithStreaming(t *testing.T) {
	base := streamingServer(t)
	form := func(size int) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("name", "licence")
		fw, _ := w.CreateFormFile("file", "a.png")
		fw.Write(bytes.Repeat([]byte{1}, size))
		w.Close()
		return &buf, w.FormDataContentType()
	}
	body, ctype := form(300)
	if status, got := post(t, base+"/api/buffered?form=1", ctype, body); status != 200 || got != "licence a.png 300" {
		t.Errorf("small form: %d %q", status, got)
	}
	body, ctype = form(4000)
	if status, got := post(t, base+"/api/buffered?form=1", ctype, body); status != 413 {
		t.Errorf("large form: %d %q", status, got)
	}
}

func TestStreamKey(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/warranty/imports":                       "/api/v1/warranty/imports",
		"/API/v1/Warranty/Imports/?mode=upsert":          "/api/v1/warranty/imports",
		"http://example.com/api/v1/warranty/imports?x=1": "/api/v1/warranty/imports",
		"http://example.com":                             "/",
		"/":                                              "/",
	} {
		if got := streamKey(in); got != want {
			t.Errorf("streamKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchSegments(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/tickets/:id<int>/reply", "/tickets/12/reply", true},
		{"/tickets/:id<int>/reply", "/tickets/x1/reply", false},
		{"/tickets/:id<int>/reply", "/tickets//reply", false},
		{"/tickets/:id<int>/reply", "/tickets/12/close", false},
		{"/tickets/:id<int>/reply", "/tickets/12/reply/more", false},
	} {
		if got := matchSegments(c.pattern, c.path); got != c.want {
			t.Errorf("matchSegments(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}
