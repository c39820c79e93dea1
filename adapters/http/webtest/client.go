package webtest

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	web "supportal/adapters/http"
)

// Client is one browser: it sends requests through the server's app.Test,
// keeps the cookies the server sets and remembers the CSRF token of the last
// page it saw.
type Client struct {
	// T is the test that a failed request fails.
	T testing.TB
	// Jar holds the cookies by name.
	Jar map[string]string
	// Lang is the Accept-Language the browser sends; none when empty.
	Lang string
	// Token is the _csrf field of the last page that had one.
	Token string
	// Now is the time of the authenticator app that SecondFactor plays
	// (the server's clock); the real time when nil.
	Now func() time.Time
	app *web.Server
}

// NewClient returns a browser without cookies that talks to s in lang and
// fails t when a request cannot be sent.
func NewClient(t testing.TB, s *web.Server, lang string) *Client {
	return &Client{T: t, Jar: map[string]string{}, Lang: lang, app: s}
}

// Response is a response as the tests read it.
type Response struct {
	Status  int
	Header  http.Header
	Cookies map[string]*http.Cookie // the cookies the response set, by name
	Body    string                  // HTML entities decoded, to compare with translations
	Raw     []byte                  // as sent
}

// Location returns the response's Location header.
func (r *Response) Location() string { return r.Header.Get("Location") }

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// Do sends req with the browser's language and cookies, then keeps the
// cookies and the CSRF token of the answer. It fails no test, so goroutines
// may call it.
func (c *Client) Do(req *http.Request) (*Response, error) {
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for k, v := range c.Jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.app.App.Test(req, -1)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r := &Response{Status: res.StatusCode, Header: res.Header, Cookies: map[string]*http.Cookie{},
		Body: html.UnescapeString(string(raw)), Raw: raw}
	for _, ck := range res.Cookies() {
		r.Cookies[ck.Name] = ck
		if ck.Value == "" || ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.Jar, ck.Name)
		} else {
			c.Jar[ck.Name] = ck.Value
		}
	}
	if m := csrfField.FindSubmatch(raw); m != nil {
		c.Token = string(m[1])
	}
	return r, nil
}

// Send is Do that fails the test when the request cannot be sent.
func (c *Client) Send(req *http.Request) *Response {
	c.T.Helper()
	r, err := c.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return r
}

// Get fetches path, with optional header name/value pairs.
func (c *Client) Get(path string, hdr ...string) *Response {
	c.T.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.Send(req)
}

// Post sends a form with the CSRF token of the last page, fetching /login
// first when the browser has seen no page yet.
func (c *Client) Post(path string, form url.Values) *Response {
	c.T.Helper()
	if c.Token == "" {
		c.Get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.Token)
	return c.Send(FormRequest(http.MethodPost, path, form))
}

// Login signs in as email with Password through the form at path, fails
// the test unless the server redirects, and follows the redirect as a
// browser does (the page there carries the new CSRF token). At /staff/login
// it also completes the second factor (see SecondFactor).
func (c *Client) Login(path, email string) {
	c.T.Helper()
	r := c.Post(path, url.Values{"type": {"customer"}, "email": {email}, "password": {Password}})
	if r.Status != http.StatusSeeOther {
		c.T.Fatalf("login %s: %d\n%s", email, r.Status, r.Body)
	}
	if path == "/staff/login" {
		c.SecondFactor(email, r)
		return
	}
	for hops := 0; r.Status == http.StatusSeeOther && hops < 5; hops++ {
		r = c.Get(r.Location())
	}
}

// FormRequest returns a request to path that carries form URL-encoded, or no
// body when form is nil.
func FormRequest(method, path string, form url.Values) *http.Request {
	if form == nil {
		return httptest.NewRequest(method, path, nil)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}
