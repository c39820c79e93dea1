package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/lib/pq"

	"supportal/adapters/totp"
)

// totpSecret finds the secret the enrolment page shows.
var totpSecret = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`)

// session is a browser's cookies against one server.
type session struct {
	c    *http.Client
	base *url.URL
	jar  map[string]string
}

func (s *session) keep(r *http.Response) {
	for _, ck := range r.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(s.jar, ck.Name)
		} else {
			s.jar[ck.Name] = ck.Value
		}
	}
}

// do sends a request with the session's cookies and returns the status,
// the Location and the body.
func (s *session) do(ctx context.Context, method, path string, form url.Values) (int, string, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base.String()+path, body)
	if err != nil {
		return 0, "", nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Cookie", cookieHeader(s.jar))
	resp, err := s.c.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	s.keep(resp)
	return resp.StatusCode, resp.Header.Get("Location"), b, err
}

// csrfOf returns the _csrf field of a page.
func csrfOf(page []byte) string {
	if m := csrfField.FindSubmatch(page); m != nil {
		return string(m[1])
	}
	return ""
}

// resetSecondFactors removes the enrolment of the agents, so that their next
// sign-in enrols again and shows the secret (the bench plays the
// authenticator app).
func resetSecondFactors(ctx context.Context, dbURL string, emails []string) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	const q = `DELETE FROM staff_second_factors WHERE account_id IN (SELECT id FROM accounts WHERE email = ANY($1))`
	if _, err := db.ExecContext(ctx, q, pq.Array(emails)); err != nil {
		return fmt.Errorf("agents: reset second factors: %w", err)
	}
	return nil
}

// staffSignIn signs an agent in as a browser does: the staff sign-in form,
// then the second step, where a first sign-in enrols an authenticator from
// the secret the setup page shows and confirms it with the code computed
// from it. It returns the Cookie header of the complete session.
func staffSignIn(ctx context.Context, c *http.Client, base *url.URL, email, password string) (string, error) {
	s := &session{c: c, base: base, jar: map[string]string{}}
	st, _, page, err := s.do(ctx, http.MethodGet, "/staff/login", nil)
	if err != nil || st != http.StatusOK {
		return "", fmt.Errorf("staff sign-in: GET /staff/login: %d %v", st, err)
	}
	form := url.Values{"_csrf": {csrfOf(page)}, "email": {email}, "password": {password}, "next": {"/staff/tickets"}}
	st, loc, _, err := s.do(ctx, http.MethodPost, "/staff/login", form)
	if err != nil || st != http.StatusSeeOther {
		return "", fmt.Errorf("staff sign-in of %s: POST /staff/login: %d %v", email, st, err)
	}
	for hops := 0; hops < 4 && !strings.HasPrefix(loc, "/staff/2fa/setup"); hops++ {
		if st, loc, _, err = s.do(ctx, http.MethodGet, loc, nil); err != nil || st != http.StatusSeeOther {
			return "", fmt.Errorf("staff sign-in of %s: to the enrolment: %d %v (enrolled already?)", email, st, err)
		}
	}
	st, _, page, err = s.do(ctx, http.MethodGet, loc, nil)
	m := totpSecret.FindSubmatch(page)
	if err != nil || st != http.StatusOK || m == nil {
		return "", fmt.Errorf("staff sign-in of %s: enrolment page: %d %v", email, st, err)
	}
	code, err := totp.CodeAt(strings.ReplaceAll(string(m[1]), " ", ""), time.Now())
	if err != nil {
		return "", err
	}
	form = url.Values{"_csrf": {csrfOf(page)}, "code": {code}, "next": {"/staff/tickets"}}
	if st, _, _, err = s.do(ctx, http.MethodPost, "/staff/2fa/setup", form); err != nil || st != http.StatusOK {
		return "", fmt.Errorf("staff sign-in of %s: confirm the enrolment: %d %v", email, st, err)
	}
	if st, _, _, err = s.do(ctx, http.MethodGet, "/staff", nil); err != nil || st != http.StatusOK {
		return "", fmt.Errorf("staff sign-in of %s: GET /staff after the second step: %d %v", email, st, err)
	}
	return cookieHeader(s.jar), nil
}
