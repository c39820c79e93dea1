package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// localURL parses a base URL and refuses any host but this machine's
// loopback: the load command must never be pointed at someone else's server.
func localURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q: want http:// or https://", raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("base URL %q: only 127.0.0.1, ::1 or localhost may be load-tested", raw)
	}
	return u, nil
}

// newClient returns an HTTP client for conns connections to one server that
// never follows redirects (a redirect to the sign-in page is an error here).
func newClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost, t.MaxConnsPerHost = conns, conns, conns
	t.DisableCompression = true
	t.Proxy = nil
	return &http.Client{
		Transport:     t,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// csrfField finds the hidden _csrf field of a page.
var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs a customer in through the sign-in form, as a browser does,
// and returns the Cookie header that carries the new session. Every call
// costs the server one argon2id hash, so callers sign in once, before
// timing anything.
func signIn(ctx context.Context, c *http.Client, base *url.URL, email, password string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+"/login?type=customer", nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign in: GET /login: %s %v", resp.Status, err)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("sign in: no _csrf field on /login")
	}
	jar := map[string]string{}
	keep := func(r *http.Response) {
		for _, ck := range r.Cookies() {
			if ck.MaxAge < 0 || ck.Value == "" {
				delete(jar, ck.Name)
			} else {
				jar[ck.Name] = ck.Value
			}
		}
	}
	keep(resp)
	form := url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}, "type": {"customer"}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base.String()+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookieHeader(jar))
	resp, err = c.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in: POST /login answered %s (wrong password, or throttled after failures?)", resp.Status)
	}
	keep(resp)
	if jar["sid"] == "" && jar["__Host-sid"] == "" {
		return "", fmt.Errorf("sign in: POST /login set no session cookie")
	}
	return cookieHeader(jar), nil
}

// cookieHeader joins cookies into a Cookie header.
func cookieHeader(jar map[string]string) string {
	var b strings.Builder
	for k, v := range jar {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(k + "=" + v)
	}
	return b.String()
}
