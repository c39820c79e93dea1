package webtest

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

var switchButton = regexp.MustCompile(`<button type="submit" name="lang" value="([^"]+)"[^>]*>`)

// attr returns the value of the attribute name in the start tag tag.
func attr(tag, name string) (string, bool) {
	m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

// SwitchLanguage presses the header's button of lang on the page r as a
// browser without JavaScript does: the button submits the form it names
// (form, formaction) with the fields typed in it. It fails the test when
// the page's buttons carry no form, or name one the page does not have.
func (c *Client) SwitchLanguage(r *Response, lang string, typed url.Values) *Response {
	c.T.Helper()
	for _, m := range switchButton.FindAllStringSubmatch(r.Body, -1) {
		if m[1] != lang {
			continue
		}
		form, ok := attr(m[0], "form")
		action, _ := attr(m[0], "formaction")
		if !ok || action == "" {
			c.T.Fatalf("the %s button submits no form of the page: %s", lang, m[0])
		}
		if !strings.Contains(r.Body, `id="`+form+`"`) || !strings.Contains(r.Body, "<form") {
			c.T.Fatalf("the %s button names form %q, not on the page", lang, form)
		}
		if enc, _ := attr(m[0], "formenctype"); enc != "application/x-www-form-urlencoded" {
			c.T.Fatalf("the %s button sends %q, want a URL-encoded form", lang, enc)
		}
		f := url.Values{}
		for k, v := range typed {
			f[k] = v
		}
		f.Set("lang", lang)
		return c.Post(action, f)
	}
	c.T.Fatalf("no %s button on the page:\n%s", lang, r.Body)
	return nil
}
