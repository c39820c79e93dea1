package http

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"supportal/adapters/i18n"
	"supportal/views"
)

// Views holds every page's template set, parsed once at start-up for each
// language so that the `t` function is bound without per-request cloning.
type Views struct {
	sets   map[string]map[string]*template.Template // lang → page → set
	bundle *i18n.Bundle
}

// LoadViews parses every page under views.FS (one set per page and language).
func LoadViews(b *i18n.Bundle) (*Views, error) {
	pages, err := pageFiles()
	if err != nil {
		return nil, err
	}
	v := &Views{sets: map[string]map[string]*template.Template{}, bundle: b}
	for _, lang := range i18n.Langs {
		v.sets[lang] = map[string]*template.Template{}
		for _, p := range pages {
			name := strings.TrimSuffix(p, ".html")
			t, err := template.New(path.Base(p)).Funcs(Funcs(b, lang)).ParseFS(views.FS, "layouts/*.html", "partials/*.html", p)
			if err != nil {
				return nil, fmt.Errorf("views: parse %s: %w", p, err)
			}
			v.sets[lang][name] = t
		}
	}
	return v, nil
}

// pageFiles lists every template outside layouts/ and partials/.
func pageFiles() ([]string, error) {
	var out []string
	err := fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == "static" || p == "layouts" || p == "partials") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".html") {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Funcs returns the template functions for one language: t translates a
// message id, tf translates with key/value template data, dict builds a map
// for partials, date formats a calendar date and datetime an instant in the
// given zone (every page passes the viewer's, $.Zone).
func Funcs(b *i18n.Bundle, lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(id string) string { return b.T(lang, id, nil) },
		"tf": func(id string, kv ...any) string {
			return b.T(lang, id, pairs(kv))
		},
		"dict": func(kv ...any) map[string]any { return pairs(kv) },
		"lang": func() string { return lang },
		"date": func(t time.Time) string {
			if lang == i18n.ZH {
				return t.Format("2006年01月02日")
			}
			return t.Format("2 Jan 2006")
		},
		// datetime shows an instant in the viewer's zone ($.Zone), naming it.
		"datetime": func(loc *time.Location, t time.Time) string { return i18n.DateTime(lang, t, loc) },
		"eq2":      func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	}
}

func pairs(kv []any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// Page is what every template receives: the layout's data plus the page's own.
type Page struct {
	Lang       string
	Path       string // the URL as requested, with its query (where the switcher returns)
	Route      string // the path alone (which menu entry is current)
	Title      string
	CSRF       string
	User       *UserView
	Flash      *Flash
	Dev        bool
	Form       map[string]string
	Errors     map[string]string // field → translated message
	FormError  string            // a translated message for the whole form
	Notice     string            // a translated confirmation shown above the form
	Data       any
	Unverified bool
	Zone       *time.Location // the viewer's time zone: every time is shown in it
	Gate       *GateState     // where an unverified company's verification stands
	// SwitchForm is the id of the page's form that the language buttons
	// submit (switchLanguage): without JavaScript, what was typed in it is
	// kept. SwitchNote is a message id shown next to the buttons, for what
	// the switch cannot keep.
	SwitchForm string
	SwitchNote string
}

// UserView is the signed-in user as the header shows it.
type UserView struct {
	Name     string
	Email    string
	Staff    bool
	Role     string
	TimeZone string // IANA name
}

// render executes a page's set: the whole layout ("base"), or only the named
// block for htmx fragments.
func (s *Server) render(c *fiber.Ctx, status int, page, block string, p *Page) error {
	lang := Lang(c)
	set, ok := s.views.sets[lang][page]
	if !ok {
		return fmt.Errorf("views: no page %q", page)
	}
	// A sign-in between Page and render (SetSession) renews the token: the
	// page must carry the one the browser now holds.
	if tok, ok := c.Locals(localCSRF).(string); ok {
		p.CSRF = tok
	}
	carry(c, p)
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	buf.Reset()
	if err := set.ExecuteTemplate(buf, block, p); err != nil {
		return fmt.Errorf("views: render %s/%s: %w", page, block, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// SetBody copies into the response's own (pooled) buffer, so that buf
	// can be used again.
	c.Status(status).Response().SetBody(buf.Bytes())
	return nil
}

// renderBuffers keeps the buffers pages are rendered into: a page is tens
// of kilobytes, grown by doubling when each render starts empty.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putRenderBuffer returns buf to renderBuffers unless an unusually large page
// grew it past 1 MiB.
func putRenderBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		renderBuffers.Put(buf)
	}
}
