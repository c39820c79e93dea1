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
//   - reads the body of every route not marked with StreamBody or StreamForm
//     up front, at most BodyLimit bytes, as fasthttp would have done;
//   - lets the routes marked with StreamBody read their body as a stream of
//     any size, for StreamTimeout, and closes their connection after the
//     response, since the unread rest of a body cannot be skipped cheaply;
//   - reads the multipart body of a route marked with StreamForm itself
//     (form.go), keeping at most the route's file limit of each file, so that
//     a file over its limit becomes a message next to its field.
//
// A body over its limit is answered 413, but only after it has been read and
// discarded, up to drainLimit bytes: a client that sends its whole body
// before reading the answer (no "Expect: 100-continue") would otherwise have
// its connection reset and never see the answer.

// drainLimit is how much of a refused body the server reads and discards so
// that the client receives the answer.
const drainLimit = 64 << 20

// defaultStreamTimeout bounds reading a streamed body when the config does
// not say.
const defaultStreamTimeout = time.Hour

// StreamBody marks the route at path (exact, without query) as reading its
// request body as a stream, without BodyLimit; the handler reads it from
// BodyStream. It has effect only with Config.StreamRequestBody and must be
// called before the server starts.
func (s *Server) StreamBody(path string) {
	s.markStreamed(path, 0)
}

// StreamForm marks the route at path as taking multipart forms with files of
// up to maxFile bytes each: the server reads such a body itself, keeps the
// text fields and at most maxFile+1 bytes of each file, and discards the rest
// of a larger file, so that the handler can report it next to its field
// (FormFile's Size is the file's whole size). The body as a whole may reach
// formLimit. A numeric segment of a path may be written ":id". Handlers
// read the form with FormValue, FormFile and FormFiles. It has
// effect only with Config.StreamRequestBody.
func (s *Server) StreamForm(path string, maxFile int64) {
	s.markStreamed(path, maxFile)
}

func (s *Server) markStreamed(path string, maxFile int64) {
	if s.streamed == nil {
		s.streamed = map[string]int64{}
	}
	s.streamed[streamKey(path)] = maxFile
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

// idPattern replaces each all-digit segment of a normalised path with
// ":id", so that a route marked as "/staff/tickets/:id/reply" matches
// "/staff/tickets/42/reply".
func idPattern(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		if s != "" && strings.Trim(s, "0123456789") == "" {
			segs[i] = ":id"
		}
	}
	return strings.Join(segs, "/")
}

// streamedFile returns how a route streams: ok says whether it does at all,
// maxFile is its file limit when it is a form route (StreamForm), 0 for a raw
// stream (StreamBody).
func (s *Server) streamedFile(path string) (maxFile int64, ok bool) {
	if !s.cfg.StreamRequestBody {
		return 0, false
	}
	key := streamKey(path)
	if maxFile, ok = s.streamed[key]; ok {
		return maxFile, ok
	}
	maxFile, ok = s.streamed[idPattern(key)]
	return maxFile, ok
}

// headerReceived gives streamed routes the time to read a large body; every
// other request keeps the server's ReadTimeout.
func (s *Server) headerReceived(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	maxFile, ok := s.streamedFile(string(h.RequestURI()))
	switch {
	case ok && maxFile == 0:
		return fasthttp.RequestConfig{ReadTimeout: s.cfg.StreamTimeout}
	case ok:
		return fasthttp.RequestConfig{ReadTimeout: formTimeout}
	}
	return fasthttp.RequestConfig{}
}

// limitBody reads the body of a route that does not stream, enforcing
// BodyLimit, reads the multipart form of a form route, and closes the
// connection of a streamed route once it has answered.
func (s *Server) limitBody(c *fiber.Ctx) error {
	maxFile, streamed := s.streamedFile(c.Path())
	if streamed && maxFile == 0 {
		defer c.Context().SetConnectionClose()
		return c.Next()
	}
	stream := c.Context().RequestBodyStream()
	if stream == nil {
		return c.Next()
	}
	if streamed && isMultipart(c) {
		defer c.Context().SetConnectionClose()
		return s.readForm(c, stream, maxFile)
	}
	if n := c.Request().Header.ContentLength(); n > s.cfg.BodyLimit {
		return refuseBody(c, stream)
	}
	body, err := io.ReadAll(io.LimitReader(stream, int64(s.cfg.BodyLimit)+1))
	if err != nil {
		c.Context().SetConnectionClose()
		return fiber.ErrBadRequest
	}
	if len(body) > s.cfg.BodyLimit {
		return refuseBody(c, stream)
	}
	c.Request().SetBodyRaw(body)
	return c.Next()
}

// refuseBody reads and discards the rest of a body over its limit, up to
// drainLimit, so that the client gets the 413 that it returns, then has the
// connection closed after the answer.
func refuseBody(c *fiber.Ctx, rest io.Reader) error {
	c.Context().SetConnectionClose()
	if n := c.Request().Header.ContentLength(); n <= drainLimit {
		_, _ = io.Copy(io.Discard, io.LimitReader(rest, drainLimit))
	}
	return fiber.ErrRequestEntityTooLarge
}

// BodyStream returns the request body as a stream: the connection itself on a
// route marked with StreamBody, the buffered body otherwise.
func BodyStream(c *fiber.Ctx) io.Reader {
	if r := c.Context().RequestBodyStream(); r != nil {
		return r
	}
	return bytes.NewReader(c.Body())
}
