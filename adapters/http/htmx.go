package http

import "github.com/gofiber/fiber/v2"

// HXRequest is what htmx says about a request in its headers.
type HXRequest struct {
	// Request is set for every request htmx sends (HX-Request: true).
	Request bool
	// Boosted is set for a link or form boosted by hx-boost.
	Boosted bool
	// HistoryRestore is set when htmx reloads a page missing from its
	// history cache: it replaces the whole body, so it needs the full page.
	HistoryRestore bool
	// Target is the id of the element the response will replace, "" when it
	// has none.
	Target string
	// Trigger is the id of the element that triggered the request.
	Trigger string
	// CurrentURL is the browser's address when the request was sent.
	CurrentURL string
}

// HTMX reads the htmx request headers of c.
func HTMX(c *fiber.Ctx) HXRequest {
	return HXRequest{
		Request:        c.Get("HX-Request") == "true",
		Boosted:        c.Get("HX-Boosted") == "true",
		HistoryRestore: c.Get("HX-History-Restore-Request") == "true",
		Target:         c.Get("HX-Target"),
		Trigger:        c.Get("HX-Trigger"),
		CurrentURL:     c.Get("HX-Current-URL"),
	}
}

// Partial reports whether the request wants a fragment of a page rather
// than the whole: htmx sent it, and it is neither a history restore nor a
// boosted navigation, which both replace the whole body.
func (h HXRequest) Partial() bool { return h.Request && !h.HistoryRestore && !h.Boosted }

// IsHTMX reports whether the request wants a fragment (see HXRequest.Partial):
// the one test every handler, the rendering, redirects and errors use.
func IsHTMX(c *fiber.Ctx) bool { return HTMX(c).Partial() }

// Targets reports whether the request wants the fragment that replaces the
// element with the given id.
func Targets(c *fiber.Ctx, id string) bool {
	h := HTMX(c)
	return h.Partial() && h.Target == id
}
