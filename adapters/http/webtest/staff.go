package webtest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	web "supportal/adapters/http"
	"supportal/adapters/totp"
)

// The tests play one authenticator app per staff account and server: the
// secret the enrolment page showed, the recovery codes and the newest time
// step used, since the server refuses a code of a step already used.
var (
	appsMu sync.Mutex
	apps   = map[appKey]*authenticator{}
)

type appKey struct {
	server *web.Server
	email  string
}

type authenticator struct {
	secret   string
	recovery []string
	lastStep int64
}

var (
	secretText   = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`)
	recoveryText = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// now is the time the browser's authenticator app shows codes for.
func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// SecondFactor completes the staff sign-in of email after the password was
// accepted with the redirect r: on the first sign-in it enrols an
// authenticator from the secret the setup page shows, afterwards it types
// the app's code (or, when every code of the window was used, a recovery
// code). It fails the test unless the session ends up complete.
func (c *Client) SecondFactor(email string, r *Response) {
	c.T.Helper()
	appsMu.Lock()
	defer appsMu.Unlock()
	key := appKey{c.app, strings.ToLower(email)}
	loc := r.Location()
	if !strings.HasPrefix(loc, web.SecondFactorPath) {
		c.T.Fatalf("staff sign-in of %s went to %q, not to the second step", email, loc)
	}
	next := "/staff"
	if u, err := url.Parse(loc); err == nil && u.Query().Get("next") != "" {
		next = u.Query().Get("next")
	}
	page := c.Get(loc)
	if page.Status == http.StatusSeeOther && strings.HasPrefix(page.Location(), web.SecondFactorPath+"/setup") {
		page = c.Get(page.Location())
		m := secretText.FindStringSubmatch(page.Body)
		if page.Status != http.StatusOK || m == nil {
			c.T.Fatalf("enrolment page of %s: %d\n%s", email, page.Status, page.Body)
		}
		a := &authenticator{secret: strings.ReplaceAll(m[1], " ", "")}
		step := c.now().Unix() / 30
		res := c.Post(web.SecondFactorPath+"/setup", url.Values{"code": {a.code(c, step)}, "next": {next}})
		for _, m := range recoveryText.FindAllStringSubmatch(res.Body, -1) {
			a.recovery = append(a.recovery, m[1])
		}
		if res.Status != http.StatusOK || len(a.recovery) != 10 {
			c.T.Fatalf("enrolment of %s: %d, %d recovery codes\n%s", email, res.Status, len(a.recovery), res.Body)
		}
		a.lastStep = step
		apps[key] = a
		return
	}
	a := apps[key]
	if page.Status != http.StatusOK || a == nil {
		c.T.Fatalf("second step of %s: %d (enrolled here: %v)\n%s", email, page.Status, a != nil, page.Body)
	}
	step := max(c.now().Unix()/30, a.lastStep+1)
	code := ""
	if step <= c.now().Unix()/30+1 {
		code, a.lastStep = a.code(c, step), step
	} else if len(a.recovery) > 0 {
		code, a.recovery = a.recovery[0], a.recovery[1:]
	} else {
		c.T.Fatalf("second step of %s: every code of the window and every recovery code used", email)
	}
	res := c.Post(web.SecondFactorPath, url.Values{"code": {code}, "next": {next}})
	if res.Status != http.StatusSeeOther && res.Status != http.StatusOK {
		c.T.Fatalf("second step of %s: %d\n%s", email, res.Status, res.Body)
	}
	// The step renews the CSRF token: load the page it leads to, as a
	// browser does, to hold the new one.
	for hops := 0; res.Status == http.StatusSeeOther && hops < 5; hops++ {
		res = c.Get(res.Location())
	}
}

// code returns the app's code of a time step.
func (a *authenticator) code(c *Client, step int64) string {
	c.T.Helper()
	code, err := totp.Code(a.secret, step)
	if err != nil {
		c.T.Fatalf("totp: %v", err)
	}
	return code
}
