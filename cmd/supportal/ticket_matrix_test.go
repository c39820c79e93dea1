package main

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/domain/ticket"
)

// The route × role × tenant matrix of the ticket module (SPEC §4) on the
// real application: every ticket route that the customer and the staff
// packages register, sent by every kind of caller with real ids and real
// bodies, full pages and htmx fragments. Each cell has its status; no
// customer ever receives another company's ticket, device or file, nor an
// internal note; a refused POST changes nothing.

// cell is one request of the matrix, sent by every caller.
type cell struct {
	route string // the registered route it covers, "METHOD path"
	name  string
	path  func(m *matrixEnv, t ticket.Ticket) string
	on    byte   // 'A' or 'B': the company whose ticket the request is about
	hx    string // HX-Target of an htmx request ("": a full page)
	// post builds the POST (nil: a GET) on ticket t; a POST that is meant
	// to succeed runs on a fresh ticket of the same company (made by fresh),
	// so that the shared tickets stay as they are for the other cells.
	post  func(m *matrixEnv, token, path string, t ticket.Ticket) *http.Request
	fresh func(m *matrixEnv, t ticket.Ticket) ticket.Ticket
	want  [nActors]int
}

// resolved is a fresh ticket of t's company, resolved by the agent.
func (m *matrixEnv) resolved(t ticket.Ticket) ticket.Ticket {
	m.t.Helper()
	r, err := m.app.a.ticket.SetStatus(m.t.Context(), m.staffActor(m.agent), t.ID, loadedOf(t), ticket.StatusResolved)
	if err != nil {
		m.t.Fatal(err)
	}
	return r
}

// secrets are the texts that a caller must never receive.
func (m *matrixEnv) secrets(who int) []string {
	a := []string{m.tA.Number, titleA, descA, fileA, "SNACOVERED1", "SNAEXPIRED2", m.covered.Name}
	b := []string{m.tB.Number, titleB, descB, fileB, "SNBOTHER3", m.other.Name}
	notes := []string{noteText, noteFile, "MXNOTE"}
	switch who {
	case custA, colleagueA:
		return append(b, notes...)
	case custB:
		return append(a, notes...)
	case anon, unverifiedC:
		return append(append(a, b...), notes...)
	}
	return nil
}

func TestTicketMatrix(t *testing.T) {
	m := newMatrixEnv(t)
	cells := matrixCells(m)

	// Every ticket route is in the table, and the table names no route
	// that does not exist.
	covered := map[string]bool{}
	for _, c := range cells {
		covered[c.route] = true
	}
	registered := map[string]bool{}
	for _, r := range m.app.a.server.App.GetRoutes(true) {
		if (r.Method == http.MethodGet || r.Method == http.MethodPost) && (r.Path == "/tickets" || strings.HasPrefix(r.Path, "/tickets/") ||
			r.Path == "/staff/tickets" || strings.HasPrefix(r.Path, "/staff/tickets/") ||
			r.Path == "/staff/reports" || strings.HasPrefix(r.Path, "/staff/reports/")) {
			registered[r.Method+" "+r.Path] = true
		}
	}
	var missing, stale []string
	for r := range registered {
		if !covered[r] {
			missing = append(missing, r)
		}
	}
	for r := range covered {
		if !registered[r] {
			stale = append(stale, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 || len(stale) > 0 || len(registered) < 15 {
		t.Fatalf("ticket routes not in the matrix: %v; in the matrix but not registered: %v (%d registered)", missing, stale, len(registered))
	}

	for _, c := range cells {
		for who := range nActors {
			want := c.want[who]
			what := fmt.Sprintf("%s (%s) by the %s", c.route, c.name, actorNames[who])
			cl := m.clients[who]
			tk := ticket.Ticket{}
			switch c.on {
			case 'A':
				tk = m.current(m.tA.ID)
			case 'B':
				tk = m.current(m.tB.ID)
			}
			if c.post != nil && want == http.StatusSeeOther && c.on != 0 {
				// A fresh ticket of the company (customers' own, or the
				// colleague's for the agents), so the shared ones stay.
				by := m.a
				if c.on == 'B' {
					by = m.b
				} else if who == agentS || who == adminS {
					by = m.colleague
				}
				tk = m.open(by, "矩阵临时工单", "临时", "", "")
				if c.fresh != nil {
					tk = c.fresh(m, tk)
				}
			}
			path := c.path(m, tk)
			var req *http.Request
			if c.post != nil {
				req = c.post(m, cl.Token, path, tk)
			} else {
				req = webtest.FormRequest(http.MethodGet, path, nil)
			}
			if c.hx != "" {
				req.Header.Set("HX-Request", "true")
				req.Header.Set("HX-Target", c.hx)
			}
			before := m.stored(tk.ID)
			r := cl.Send(req)
			m.checkStatus(t, what, r, want, strings.HasPrefix(c.route, "GET /staff/"))
			// What the caller typed may come back (the search box, the
			// sign-in link's next); anything else of the secrets may not.
			typed, _ := url.QueryUnescape(strings.ToLower(path))
			for _, s := range m.secrets(who) {
				if strings.Contains(typed, strings.ToLower(s)) {
					continue
				}
				if strings.Contains(r.Body, s) || strings.Contains(string(r.Raw), s) {
					t.Errorf("%s: the answer (%d) shows %q", what, r.Status, s)
				}
			}
			if c.post != nil && r.Status != http.StatusSeeOther && r.Status != http.StatusNoContent {
				if after := m.stored(tk.ID); after != before {
					t.Errorf("%s: refused with %d, yet stored %+v (was %+v)", what, r.Status, after, before)
				}
			}
		}
	}
	m.positiveControls(t)
}

// checkStatus compares an answer with a cell of the table.
func (m *matrixEnv) checkStatus(t *testing.T, what string, r *webtest.Response, want int, staff bool) {
	t.Helper()
	if want != toSignIn {
		if r.Status != want {
			t.Errorf("%s: status %d, want %d (Location %q)", what, r.Status, want, r.Location())
		}
		return
	}
	login := "/login?next="
	if staff {
		login = "/staff/login?next="
	}
	loc := r.Location()
	if r.Status == http.StatusNoContent {
		loc = r.Header.Get("HX-Redirect")
	}
	if (r.Status != http.StatusSeeOther && r.Status != http.StatusNoContent) || !strings.HasPrefix(loc, login) {
		t.Errorf("%s: status %d to %q, want the sign-in page", what, r.Status, loc)
	}
}

// positiveControls shows that the texts the leak checks look for are on
// the pages of those who may see them, so that the checks can fail.
func (m *matrixEnv) positiveControls(t *testing.T) {
	for _, cs := range []struct {
		who  int
		path string
		want []string
	}{
		{custA, "/tickets/" + idStr(m.tA.ID), []string{m.tA.Number, titleA, descA, fileA, "SNACOVERED1"}},
		{colleagueA, "/tickets?status=all&q=SNACOVERED1", []string{m.tA.Number, titleA}},
		{custB, "/tickets/new/devices?q=sn", []string{"SNBOTHER3", m.other.Name}},
		{custA, "/tickets/new/devices?q=sn", []string{"SNACOVERED1", "SNAEXPIRED2"}},
		{agentS, "/staff/tickets/" + idStr(m.tA.ID), []string{noteText, noteFile, fileA, titleA}},
		{adminS, "/staff/tickets?view=open&q=" + url.QueryEscape(m.tB.Number), []string{m.tB.Number, titleB}},
	} {
		r := m.clients[cs.who].Get(cs.path)
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, cs.want...)
	}
}
