package http

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Request bodies. With Config.StreamRequestBody, fasthttp hands every body
// to the handler as a stream and no longer enforces BodyLimit itself: it
// neither rejects a long body nor stops reading one, and it pre-parses
// multipart forms of any size to disk. So the server then:
//   - turns off multipart pre-parsing;
//   - reads the body of every route not marked with StreamBody up front, at
//     most BodyLimit bytes (413 beyond), as fasthttp would have done;
//   - lets the marked routes read their body as a stream of any size, for
//     StreamTimeout, and closes their connection after the response, since
//     the unread rest of a body cannot be skipped cheaply.

// defaultStreamTimeout bounds reading a streamed body when the config does
// not say.
const defaultStreamTimeout = time.Hour

// StreamBody marks the route at path (exact, without query) as reading its
// request body as a stream, without BodyLimit; the handler reads it from
// BodyStream. It has effect only with Config.StreamRequestBody and must be
// called before the server starts.
func (s *Server) StreamBody(path string) {
	if s.streamed == nil {
		s.streamed = map[string]bool{}
	}
	s.streamed[streamKey(path)] = true
}

// streamKey normalises a path as Fiber's router matches it: without regard to
// case or a trailing slash.
func streamKey(path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if _, rest, ok := strings.Cut(path, "://"); ok { // absolute-form request URI
		path = "/"
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	return strings.ToLower(path)
}

func (s *Server) isStreamed(path string) bool {
	return s.cfg.StreamRequestBody && s.streamed[streamKey(path)]
}

// headerReceived gives streamed routes the time to read a large body; every
// other request keeps the server's ReadTimeout.
func (s *Server) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if s.isStreamed(string(h.RequestURI())) {
		return fasthttp.RequestConfig{ReadTimeout: s.cfg.StreamTimeout}
	}
	return fasthttp.RequestConfig{}
}

// limitBody reads the body of a route that does not stream, enforcing
// BodyLimit, and closes the connection of one that does once it has answered.
func (s *Server) limitBody(c *fiber.Ctx) error {
	if s.isStreamed(c.Path()) {
		defer c.Context().SetConnectionClose()
		return c.Next()
	}
	stream := c.Context().RequestBodyStream()
	if stream == nil {
		return c.Next()
	}
	if c.Request().Header.ContentLength() > s.cfg.BodyLimit {
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(stream, int64(s.cfg.BodyLimit)+1))
	if err != nil {
		c.Context().SetConnectionClose()
		return fiber.ErrBadRequest
	}
	if len(body) > s.cfg.BodyLimit {
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	}
	c.Request().SetBodyRaw(body)
	return c.Next()
}

// BodyStream returns the request body as a stream: the connection itself on a
// route marked with StreamBody, the buffered body otherwise.
func BodyStream(c *fiber.Ctx) io.Reader {
	if r := c.Context().RequestBodyStream(); r != nil {
		return r
	}
	return bytes.NewReader(c.Body())
}
