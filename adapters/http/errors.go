package http

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"supportal/adapters/i18n"
	"supportal/domain"
)

// statusOf maps each error kind to its HTTP status.
var statusOf = map[domain.Kind]int{
	domain.Invalid:         fiber.StatusUnprocessableEntity,
	domain.NotFound:        fiber.StatusNotFound,
	domain.Conflict:        fiber.StatusConflict,
	domain.Forbidden:       fiber.StatusForbidden,
	domain.Unauthenticated: fiber.StatusUnauthorized,
	domain.TooMany:         fiber.StatusTooManyRequests,
	domain.Internal:        fiber.StatusInternalServerError,
}

// keyOfStatus names the message for errors that Fiber itself raises.
var keyOfStatus = map[int]string{
	fiber.StatusNotFound:              "error.not_found",
	fiber.StatusMethodNotAllowed:      "error.not_found",
	fiber.StatusRequestEntityTooLarge: "error.too_large",
	fiber.StatusBadRequest:            "error.bad_request",
	fiber.StatusRequestTimeout:        "error.timeout",
	// fasthttp could not read a header this long (readBufferSize).
	fiber.StatusRequestHeaderFieldsTooLarge: "error.header_too_large",
}

// handleError is the one place where errors become responses: the kind gives
// the status, the key is translated, internal errors are logged with the
// request id and shown as a generic message.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, key := fiber.StatusInternalServerError, "error.internal"
	var data map[string]any
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
		if k, ok := keyOfStatus[fe.Code]; ok {
			key = k
		}
	} else {
		de := domain.As(err)
		status = statusOf[de.Kind]
		// An internal error's cause stays in the log; its key, when the
		// domain chose one (error.licence.storage), is still shown.
		if de.Kind != domain.Internal || de.Key != "" {
			key, data = de.Key, de.Data
		}
	}
	if status >= 500 {
		s.log.ErrorContext(c.UserContext(), "request failed", "request_id", RequestID(c.UserContext()),
			"method", c.Method(), "path", c.Path(), "err", err)
	}
	msg := s.bundle.T(Lang(c), key, data)
	if _, known := c.Locals(localLang).(string); !known {
		// The request could not be read (a header too long): its language
		// is unknown, so the message is given in both.
		msg = s.bundle.T(i18n.ZH, key, data) + " " + s.bundle.T(i18n.EN, key, data)
	}
	if isAPI(c.Path()) {
		return c.Status(status).JSON(fiber.Map{"error": msg, "code": key})
	}
	p := s.Page(c)
	p.Title = errorTitle(status)
	p.FormError = msg
	p.Data = fiber.Map{"Status": status}
	if IsHTMX(c) {
		c.Set("HX-Retarget", "#main")
		c.Set("HX-Reswap", "innerHTML")
		return s.render(c, status, "home/error", "content", p)
	}
	return s.render(c, status, "home/error", "base", p)
}

// FormErrors fills the page's field errors from an Invalid error and reports
// whether err was one; other errors are left for the error handler.
func (s *Server) FormErrors(c *fiber.Ctx, p *Page, err error) bool {
	lang := Lang(c)
	var es domain.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			s.addFieldError(lang, p, e)
		}
		return true
	}
	de := domain.As(err)
	switch de.Kind {
	case domain.Invalid, domain.TooMany, domain.Unauthenticated, domain.Conflict:
		s.addFieldError(lang, p, de)
		return true
	}
	return false
}

func (s *Server) addFieldError(lang string, p *Page, e *domain.Error) {
	msg := s.bundle.T(lang, e.Key, e.Data)
	if e.Field == "" {
		p.FormError = msg
		return
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if _, dup := p.Errors[e.Field]; !dup {
		p.Errors[e.Field] = msg
	}
}

// errorTitle is the title of the error page for a status: 403, 404 and
// server errors each have their own.
func errorTitle(status int) string {
	switch {
	case status == fiber.StatusForbidden:
		return "error.title.forbidden"
	case status == fiber.StatusNotFound, status == fiber.StatusMethodNotAllowed:
		return "error.title.not_found"
	case status >= 500:
		return "error.title.server"
	}
	return "error.title"
}

func encodeQuery(s string) string { return url.QueryEscape(s) }
