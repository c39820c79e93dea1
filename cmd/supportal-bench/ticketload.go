package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"supportal/domain/ticket"
)

// The ticket runs: 我的工单, a ticket's page, each queue view, creation.
const (
	RunList   = "list"
	RunDetail = "detail"
	RunCreate = "create"
	runQueue  = "queue:" // + the view
)

// TicketRuns is the default list of ticket runs.
var TicketRuns = append(append([]string{RunList, RunDetail}, append(queueRuns(), RunCreate)...), ReportRuns...)

func queueRuns() []string {
	out := make([]string, len(ticket.Views))
	for i, v := range ticket.Views {
		out[i] = runQueue + v
	}
	return out
}

// TicketTargets are what the ticket loads ask for.
type TicketTargets struct {
	CompanyID int64
	IDs       []int64  // tickets of the largest company
	Numbers   []string // their numbers, by index
	Words     []string // title words to search for
	// Creators are customers of other companies that open the new
	// tickets: each may open ticket.DefaultLimits.PerAccountHour.
	Creators []string
	Agents   []string
}

// ReadTicketTargets reads the largest company's tickets from the database
// (the company of benchEmail) and names the generated accounts of s that
// sign in: agents agents and the customers of the next creatorCompanies
// companies.
func ReadTicketTargets(ctx context.Context, db *sql.DB, s TicketSpec, agents, creatorCompanies int) (TicketTargets, error) {
	t := TicketTargets{Words: problems}
	const qc = `SELECT company_id FROM accounts WHERE email = $1 AND company_id IS NOT NULL`
	if err := db.QueryRowContext(ctx, qc, benchEmail).Scan(&t.CompanyID); err != nil {
		return t, fmt.Errorf("ticket targets: the company of %s: %w (no ticket data set?)", benchEmail, err)
	}
	const q = `SELECT id, number FROM tickets WHERE company_id = $1 ORDER BY id`
	rows, err := db.QueryContext(ctx, q, t.CompanyID)
	if err != nil {
		return t, fmt.Errorf("ticket targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return t, err
		}
		t.IDs, t.Numbers = append(t.IDs, id), append(t.Numbers, n)
	}
	if err := rows.Err(); err != nil || len(t.IDs) == 0 {
		return t, fmt.Errorf("ticket targets: no ticket of company %d (%v)", t.CompanyID, err)
	}
	for i := range min(agents, s.Agents) {
		t.Agents = append(t.Agents, agentEmail(i))
	}
	// Creators: the customers of the first companies (after the largest)
	// that opened no ticket in the last day, so that a run repeated on the
	// same database starts within the creation limits again.
	const qf = `SELECT a.email FROM accounts a
WHERE a.email LIKE 'c%.1@bench.example.com'
  AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.company_id = a.company_id AND t.created_at > now() - interval '1 day')`
	crows, err := db.QueryContext(ctx, qf)
	if err != nil {
		return t, fmt.Errorf("ticket targets: creators: %w", err)
	}
	defer crows.Close()
	var fresh []int
	for crows.Next() {
		var e string
		var i int
		if err := crows.Scan(&e); err != nil {
			return t, err
		}
		if _, err := fmt.Sscanf(e, "c%d.", &i); err == nil && i > 0 {
			fresh = append(fresh, i)
		}
	}
	if err := crows.Err(); err != nil {
		return t, err
	}
	slices.Sort(fresh)
	for _, i := range fresh[:min(creatorCompanies, len(fresh))] {
		for k := range s.Customers {
			t.Creators = append(t.Creators, customerEmail(i, k))
		}
	}
	return t, nil
}

// okStatus checks for 200.
func okStatus(resp *http.Response, _ []byte) string {
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("%s %s", resp.Status, resp.Header.Get("Location"))
	}
	return ""
}

// get returns a GET of path with a session's cookie in Chinese.
func get(base *url.URL, path, cookie string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, base.String()+path, nil)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept-Language", "zh-CN")
	return req
}

// listRequest draws one 我的工单 page: the default list, a status filter, a
// search for a title word, the customer's own tickets or a later page.
func listRequest(t *TicketTargets) func(w *worker) (string, *http.Request, Check, bool) {
	return func(w *worker) (string, *http.Request, Check, bool) {
		q := url.Values{}
		switch weighted(w.rng, 40, 15, 10, 10, 15, 5, 5) {
		case 1:
			q.Set("status", "open")
		case 2:
			q.Set("status", "resolved")
		case 3:
			q.Set("status", "all")
		case 4:
			q.Set("q", t.Words[w.rng.IntN(len(t.Words))])
		case 5:
			q.Set("mine", "1")
		case 6:
			q.Set("page", fmt.Sprint(2+w.rng.IntN(4)))
		}
		path := "/tickets"
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		return RunList, get(w.o.Base, path, w.cookie), okStatus, true
	}
}

// detailRequest draws one of the company's tickets; its page must show the
// ticket's number.
func detailRequest(t *TicketTargets) func(w *worker) (string, *http.Request, Check, bool) {
	return func(w *worker) (string, *http.Request, Check, bool) {
		i := w.rng.IntN(len(t.IDs))
		number := []byte(t.Numbers[i])
		check := func(resp *http.Response, body []byte) string {
			if s := okStatus(resp, body); s != "" {
				return s
			}
			if !bytes.Contains(body, number) {
				return "200 without the ticket's number"
			}
			return ""
		}
		return RunDetail, get(w.o.Base, fmt.Sprintf("/tickets/%d", t.IDs[i]), w.cookie), check, true
	}
}

// queueRequest asks for one view of the agents' queue, the first page
// mostly.
func queueRequest(view string) func(w *worker) (string, *http.Request, Check, bool) {
	return func(w *worker) (string, *http.Request, Check, bool) {
		path := "/staff/tickets?view=" + view
		if w.rng.IntN(5) == 0 {
			path += "&page=2"
		}
		return runQueue + view, get(w.o.Base, path, w.cookie), okStatus, true
	}
}

// creator is a signed-in customer who opens tickets through the form.
type creator struct {
	cookie    string
	hidden    url.Values // the form's hidden fields: _csrf, the idempotency token, …
	tokenName string
	multipart bool
}

var (
	inputTag  = regexp.MustCompile(`<input[^>]*>`)
	attrOf    = func(tag, name string) string { return attrValue(tag, name) }
	formStart = regexp.MustCompile(`<form[^>]*action="/tickets"[^>]*>`)
)

func attrValue(tag, name string) string {
	m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return m[1]
}

// prepareCreator signs a customer in and reads the 提交工单 form: its hidden
// fields and whether it posts multipart.
func prepareCreator(ctx context.Context, c *http.Client, base *url.URL, email string) (creator, error) {
	cookie, err := signIn(ctx, c, base, email, benchPassword)
	if err != nil {
		return creator{}, err
	}
	resp, err := c.Do(get(base, "/tickets/new", cookie).WithContext(ctx))
	if err != nil {
		return creator{}, err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return creator{}, fmt.Errorf("create: GET /tickets/new as %s: %s %v", email, resp.Status, err)
	}
	cr := creator{cookie: cookie, hidden: url.Values{}}
	form := formStart.Find(page)
	if form == nil {
		return creator{}, fmt.Errorf("create: /tickets/new has no form posting to /tickets")
	}
	cr.multipart = strings.Contains(string(form), "multipart/form-data")
	for _, tag := range inputTag.FindAll(page, -1) {
		if attrOf(string(tag), "type") != "hidden" {
			continue
		}
		name := attrOf(string(tag), "name")
		cr.hidden.Set(name, attrOf(string(tag), "value"))
		if name != "_csrf" && strings.Contains(name, "token") {
			cr.tokenName = name
		}
	}
	if cr.hidden.Get("_csrf") == "" || cr.tokenName == "" {
		return creator{}, fmt.Errorf("create: /tickets/new lacks the _csrf or the idempotency token field (hidden: %v)", cr.hidden)
	}
	return cr, nil
}

// creators prepares every creator, n at a time.
func prepareCreators(ctx context.Context, c *http.Client, base *url.URL, emails []string) ([]creator, error) {
	out := make([]creator, len(emails))
	errs := make([]error, len(emails))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, e := range emails {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = prepareCreator(ctx, c, base, e)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// createRequest posts new tickets, each with a fresh idempotency token, each
// creator up to per times (the per-account limit); it stops when every
// creator has used its share.
func createRequest(cs []creator, per int) func(w *worker) (string, *http.Request, Check, bool) {
	var next atomic.Int64
	return func(w *worker) (string, *http.Request, Check, bool) {
		n := int(next.Add(1) - 1)
		if n >= len(cs)*per {
			return "", nil, nil, false
		}
		cr := cs[n%len(cs)] // round robin: each company's share fills slowly
		token := make([]byte, 16)
		_, _ = rand.Read(token)
		f := url.Values{}
		for k, v := range cr.hidden {
			f[k] = v
		}
		f.Set(cr.tokenName, hex.EncodeToString(token))
		f.Set("category", string(ticket.Categories[w.rng.IntN(len(ticket.Categories))]))
		f.Set("priority", fmt.Sprint(2+w.rng.IntN(3)))
		f.Set("title", "压测工单 "+problems[w.rng.IntN(len(problems))])
		f.Set("description", bodies[w.rng.IntN(len(bodies))])
		f.Set("phone", "13800138000")
		var body bytes.Buffer
		ctype := "application/x-www-form-urlencoded"
		if cr.multipart {
			mw := multipart.NewWriter(&body)
			for k, vs := range f {
				for _, v := range vs {
					_ = mw.WriteField(k, v)
				}
			}
			_ = mw.Close()
			ctype = mw.FormDataContentType()
		} else {
			body.WriteString(f.Encode())
		}
		req, _ := http.NewRequest(http.MethodPost, w.o.Base.String()+"/tickets", &body)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Cookie", cr.cookie)
		req.Header.Set("Accept-Language", "zh-CN")
		return RunCreate, req, createdCheck, true
	}
}

// createdCheck wants the redirect to the confirmation page.
func createdCheck(resp *http.Response, body []byte) string {
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "/created") {
		msg := ""
		if m := regexp.MustCompile(`(?s)class="[^"]*error[^"]*"[^>]*>(.{0,200})`).FindSubmatch(body); m != nil {
			msg = ": " + strings.Join(strings.Fields(string(m[1])), " ")
		}
		return fmt.Sprintf("%s %s%s", resp.Status, loc, msg)
	}
	return ""
}
