package http

import (
	"bytes"
	"encoding/json"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"supportal/domain"
)

// Text input. Every text the handlers read from a request must be valid
// UTF-8 without control characters other than tab, line feed and carriage
// return (which textareas send): the path, the names and values of query
// parameters and of urlencoded and multipart form fields, the names of
// uploaded files (not their contents) and the strings of JSON bodies. Before
// any handler runs, checkInput answers a request that breaks the rule with
// 422 and a message in the user's language naming the field's label
// (through the error handler: an error page, or the #main fragment for
// htmx). Streamed bodies (the import API) are left to their handler, which
// checks each row itself.
//
// Cookies and the User-Agent header are not typed by the user and cannot be
// corrected by them: a cookie that breaks the rule is ignored as if it had
// not been sent (cleanCookies), and the User-Agent is stored cleaned (Client).

// ValidText reports whether s is valid UTF-8 without control characters
// other than tab, line feed and carriage return.
func ValidText(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return false
			}
			i += n - 1
			continue
		}
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f {
			return false
		}
	}
	return true
}

// CleanText drops from s what ValidText refuses: invalid bytes and control
// characters other than tab, line feed and carriage return.
func CleanText(s string) string {
	if ValidText(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// fieldLabels names the label of the fields whose message id is not
// "field." + their name; labelsUnder overrides a name on the pages under a
// path.
var (
	fieldLabels = map[string]string{
		"q":      "verification.queue.search",
		"state":  "verification.queue.state",
		"reason": "verification.review.reason",
		"note":   "verification.review.note",
		"sn":     "warranty.col.sn",
	}
	labelsUnder = map[string]map[string]string{
		"/warranty": {"name": "warranty.col.name"},
	}
)

// invalidText is the error of a field that breaks the rule, with its label
// in the request's language.
func (s *Server) invalidText(c *fiber.Ctx, field string) error {
	if field == "" {
		return domain.E(domain.Invalid, "error.input.text")
	}
	key, ok := fieldLabels[field]
	for prefix, m := range labelsUnder {
		if k, found := m[field]; found && pathUnder(c.Path(), prefix) {
			key, ok = k, true
		}
	}
	if !ok {
		key = "field." + field
	}
	label := CleanText(field)
	if s.bundle.Has(key) {
		label = s.bundle.T(Lang(c), key, nil)
	}
	return domain.FieldError(CleanText(field), "error.input.field").With("Field", label)
}

func pathUnder(path, prefix string) bool {
	return len(path) >= len(prefix) && strings.EqualFold(path[:len(prefix)], prefix) &&
		(len(path) == len(prefix) || path[len(prefix)] == '/')
}

// checkInput applies the rule to the request's path, query, form and JSON
// body before any handler reads them.
func (s *Server) checkInput(c *fiber.Ctx) error {
	if !ValidText(c.Path()) {
		return domain.E(domain.Invalid, "error.input.path")
	}
	if field, ok := checkArgs(c.Context().QueryArgs().VisitAll); !ok {
		return s.invalidText(c, field)
	}
	if field, ok := s.checkBody(c); !ok {
		return s.invalidText(c, field)
	}
	return c.Next()
}

// checkArgs checks the names and values that visit yields and returns the
// name of the first one that breaks the rule.
func checkArgs(visit func(func(k, v []byte))) (field string, ok bool) {
	ok = true
	visit(func(k, v []byte) {
		if ok && (!ValidText(string(k)) || !ValidText(string(v))) {
			field, ok = string(k), false
		}
	})
	return field, ok
}

// checkBody checks the form fields or JSON strings of a body read up front.
func (s *Server) checkBody(c *fiber.Ctx) (field string, ok bool) {
	if f, read := c.Locals(localForm).(*streamedForm); read {
		return f.check()
	}
	if maxFile, streamed := s.streamedFile(c.Path()); streamed && maxFile == 0 {
		return "", true
	}
	mt, _, _ := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	switch {
	case mt == fiber.MIMEApplicationForm:
		return checkArgs(c.Request().PostArgs().VisitAll)
	case mt == fiber.MIMEMultipartForm:
		form, err := c.MultipartForm()
		if err != nil {
			return "", true // the handler reports a body that is no form
		}
		for name, vs := range form.Value {
			for _, v := range vs {
				if !ValidText(name) || !ValidText(v) {
					return name, false
				}
			}
		}
		for name, fhs := range form.File {
			for _, fh := range fhs {
				if !ValidText(name) || !ValidText(fh.Filename) {
					return name, false
				}
			}
		}
	case mt == fiber.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"):
		return checkJSON(c.Body())
	}
	return "", true
}

func (f *streamedForm) check() (field string, ok bool) {
	for _, name := range f.names {
		if !ValidText(name) || !ValidText(f.values[name]) {
			return name, false
		}
		for _, file := range f.files[name] {
			if !ValidText(file.Filename) {
				return name, false
			}
		}
	}
	return "", true
}

// checkJSON checks every string of a JSON document, keys included, and names
// the member whose value breaks the rule. A document that is not valid JSON
// is left to its handler.
func checkJSON(body []byte) (field string, ok bool) {
	if !utf8.Valid(body) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var stack []bool // for each open container: is it an object
	expectKey := false
	key := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", true
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				stack = append(stack, v == '{')
				expectKey = v == '{'
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if !ValidText(v) {
				if expectKey {
					return v, false
				}
				return key, false
			}
			if expectKey {
				key, expectKey = v, false
				continue
			}
		}
		expectKey = len(stack) > 0 && stack[len(stack)-1]
	}
}

// cleanCookies drops the request's cookies that break the rule, so that no
// handler reads them.
func cleanCookies(c *fiber.Ctx) error {
	var bad []string
	c.Request().Header.VisitAllCookie(func(k, v []byte) {
		if !ValidText(string(k)) || !ValidText(string(v)) {
			bad = append(bad, string(k))
		}
	})
	for _, name := range bad {
		c.Request().Header.DelCookie(name)
	}
	return c.Next()
}
