package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/adapters/smtp/mailbox"
	"supportal/domain/ticket"
)

// Markup typed by customers and agents, in every field that takes text
// and in file names, is text on every page and in every mail.

const (
	xssTitle  = `<script>alert(1)</script> "><img src=x onerror=alert(1)>`
	xssDesc   = "说明 \"><img src=x onerror=alert(2)>\njavascript:alert(3)\n<a href=\"javascript:alert(4)\">点我</a>"
	xssFile   = `"><img src=x onerror=alert(5)>.txt`
	xssReply  = `<script>alert("reply")</script> javascript:alert(6)`
	xssRFile  = `<svg onload=alert(7)>.txt`
	xssNote   = `<script>alert("note")</script> 内部 "><img src=x onerror=alert(8)>`
	xssNFile  = `<img src=x onerror=alert(9)>-note.txt`
	xssCReply = `客户回复 "><img src=x onerror=alert(10)>`
)

// liveMarkup finds markup of the payloads that a browser would run: a
// script element with the payload, a tag with an event handler, a
// javascript: link.
var liveMarkup = regexp.MustCompile(`(?i)<script>alert|<[a-z]+[^>]*\son(error|load)=|href="?javascript:`)

// wantText checks that the page shows every text and runs none of the
// payloads.
func wantText(t *testing.T, what string, r *webtest.Response, texts ...string) {
	t.Helper()
	if m := liveMarkup.FindString(string(r.Raw)); m != "" {
		t.Errorf("%s: live markup %q in the page", what, m)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s (status %d) does not show %q as text", what, r.Status, s)
		}
	}
}

func TestTicketXSS(t *testing.T) {
	m := newMatrixEnv(t)
	ctx := context.Background()
	cust, agent := m.clients[custA], m.clients[agentS]
	cust.Get("/tickets/new")
	f := validForm(xssTitle)
	f["description"] = xssDesc
	r := submit(cust, f, []upload{{xssFile, "text/plain", []byte("log\n")}})
	tid := createdID(t, r)
	wantText(t, "confirmation", cust.Get(r.Location()), xssTitle, xssFile)
	num := m.current(tid).Number

	// The agent answers with a file, and writes a note with a file; the
	// customer replies.
	tk := m.current(tid)
	r = agent.Send(multipartRequest("/staff/tickets/"+idStr(tid)+"/reply", agent.Token, staffFields(tk, "body", xssReply), xssRFile, "r"))
	webtest.WantStatus(t, r, http.StatusSeeOther)
	stale := tk
	tk = m.current(tid)
	r = agent.Send(multipartRequest("/staff/tickets/"+idStr(tid)+"/reply", agent.Token, staffFields(tk, "body", xssNote, "internal", "1"), xssNFile, "n"))
	webtest.WantStatus(t, r, http.StatusSeeOther)
	r = cust.Send(multipartRequest("/tickets/"+idStr(tid)+"/reply", cust.Token, map[string]string{"body": xssCReply}, "", ""))
	webtest.WantStatus(t, r, http.StatusSeeOther)

	public := []string{xssTitle, xssDesc, xssFile, xssReply, xssRFile, xssCReply}
	for _, p := range []struct{ what, path string }{
		{"my tickets", "/tickets?status=all"}, {"my tickets, search", "/tickets?status=all&q=" + url.QueryEscape(num)},
		{"ticket", "/tickets/" + idStr(tid)}, {"close page", "/tickets/" + idStr(tid) + "/close"},
	} {
		r := cust.Get(p.path)
		want := public
		if strings.HasPrefix(p.path, "/tickets?") || strings.HasSuffix(p.path, "/close") {
			want = []string{xssTitle}
		}
		wantText(t, p.what, r, want...)
		webtest.WantNoText(t, r, xssNote, xssNFile)
	}
	r = cust.Get("/tickets/"+idStr(tid), "HX-Request", "true", "HX-Target", "main")
	wantText(t, "ticket, htmx", r, xssTitle)
	for _, p := range []struct{ what, path string }{
		{"queue", "/staff/tickets?view=open"}, {"queue, search", "/staff/tickets?view=open&q=" + url.QueryEscape(num)},
		{"queue, htmx", "/staff/tickets?view=open"}, {"staff ticket", "/staff/tickets/" + idStr(tid)},
	} {
		hdr := []string{}
		if strings.HasSuffix(p.what, "htmx") {
			hdr = []string{"HX-Request", "true", "HX-Target", "results"}
		}
		want := []string{xssTitle}
		if p.what == "staff ticket" {
			want = append(public, xssNote, xssNFile)
		}
		wantText(t, p.what, agent.Get(p.path, hdr...), want...)
	}
	// A change on the version loaded before the replies: the conflict page
	// shows them, as text.
	r = agent.Send(formRequest("/staff/tickets/"+idStr(tid)+"/priority", agent.Token, staffFields(stale, "priority", "1")))
	webtest.WantStatus(t, r, http.StatusConflict)
	wantText(t, "conflict page", r, xssTitle, xssReply, xssNote, xssCReply)

	// The mails carry the texts as they were typed, and run nothing.
	check := func(to string, texts ...string) {
		t.Helper()
		var got []mailbox.Message
		waitFor(t, "mails to "+to, func() bool {
			_, _ = m.app.a.worker.Drain(ctx)
			got = m.app.box.For(to)
			all := ""
			for _, msg := range got {
				all += msg.Subject + "\n" + msg.Text
			}
			for _, s := range texts {
				if !strings.Contains(all, s) {
					return false
				}
			}
			return true
		})
		for _, msg := range got {
			if s := liveMarkup.FindString(msg.HTML); s != "" {
				t.Errorf("mail %q to %s: live markup %q in its HTML", msg.Subject, to, s)
			}
			if strings.Contains(msg.Subject+msg.Text+msg.HTML, "alert(8)") {
				t.Errorf("mail %q to %s carries the internal note", msg.Subject, to)
			}
		}
	}
	check(m.a.Email, xssTitle, xssReply, xssRFile, num)
	check(m.agent.Email, xssTitle, xssCReply)
}

func TestTicketFieldsValidated(t *testing.T) {
	m := newMatrixEnv(t)
	cust, agent := m.clients[custA], m.clients[agentS]
	tid := m.tA.ID
	long := strings.Repeat("长", ticket.MaxDescription+1)
	refused := func(what string, r *webtest.Response, status int, texts ...string) {
		t.Helper()
		if r.Status != status {
			t.Errorf("%s: status %d, want %d", what, r.Status, status)
		}
		for _, s := range texts {
			if !strings.Contains(r.Body, s) {
				t.Errorf("%s: the page lacks %q", what, s)
			}
		}
	}
	unchanged := func(what string, before stored) {
		t.Helper()
		if after := m.stored(tid); after != before {
			t.Errorf("%s stored something: %+v, was %+v", what, after, before)
		}
	}

	// 提交工单: the fields that TestTicketSubmit does not try.
	cust.Get("/tickets/new")
	before := m.stored(tid)
	f := validForm("描述过长")
	f["description"], f["phone"] = long, strings.Repeat("1", 33)
	refused("submit", submit(cust, f, nil), http.StatusUnprocessableEntity,
		`<p class="error" id="e-description">`+tr(i18n.ZH, "error.ticket.description_long", "Max", ticket.MaxDescription)+`</p>`,
		`<p class="error" id="e-phone">`+tr(i18n.ZH, "error.ticket.phone_invalid")+`</p>`, `value="描述过长"`)
	f = validForm("分类无效")
	f["category"], f["priority"] = "bogus", "9"
	refused("submit", submit(cust, f, nil), http.StatusUnprocessableEntity,
		`<p class="error" id="e-category">`+tr(i18n.ZH, "error.ticket.category")+`</p>`,
		`<p class="error" id="e-priority">`+tr(i18n.ZH, "error.ticket.priority")+`</p>`)
	unchanged("a refused submission", before)

	// The customer's reply.
	for _, cs := range []struct{ body, msg string }{
		{"  \n ", tr(i18n.ZH, "error.ticket.body_required")},
		{long, tr(i18n.ZH, "error.ticket.body_long", "Max", ticket.MaxDescription)},
	} {
		r := cust.Send(multipartRequest("/tickets/"+idStr(tid)+"/reply", cust.Token, map[string]string{"body": cs.body}, "", ""))
		refused("customer reply", r, http.StatusUnprocessableEntity, `<p class="error" id="e-body">`+cs.msg+`</p>`, `href="#f-body"`)
		unchanged("a refused customer reply", before)
	}

	// The agent's forms.
	agent.Get("/staff/tickets/" + idStr(tid))
	tk := m.current(tid)
	for _, cs := range []struct {
		action string
		fields []string
		want   string
	}{
		{"reply", []string{"body", ""}, `<p class="error" id="r-e-body">` + tr(i18n.EN, "error.ticket.body_required") + `</p>`},
		{"reply", []string{"body", long}, `<p class="error" id="r-e-body">` + tr(i18n.EN, "error.ticket.body_long", "Max", ticket.MaxDescription) + `</p>`},
		{"reply", []string{"body", "好", "next_status", "bogus"}, `<p class="error" id="r-e-status">` + tr(i18n.EN, "error.staffticket.status") + `</p>`},
		{"reply", []string{"body", "好", "internal", "1", "next_status", "resolved"}, `<p class="error" id="r-e-status">` + tr(i18n.EN, "error.staffticket.note_status") + `</p>`},
		{"status", []string{"status", "bogus"}, tr(i18n.EN, "error.staffticket.status")},
		{"status", []string{"status", ""}, tr(i18n.EN, "error.staffticket.status")},
		{"priority", []string{"priority", "9"}, tr(i18n.EN, "error.ticket.priority")},
		{"priority", []string{"priority", ""}, tr(i18n.EN, "error.ticket.priority")},
		{"category", []string{"category", "bogus"}, tr(i18n.EN, "error.ticket.category")},
		{"assign", []string{"assignee", strconv.FormatInt(m.a.ID, 10)}, tr(i18n.EN, "error.ticket.assignee_unknown")},
		{"assign", []string{"assignee", "99999999"}, tr(i18n.EN, "error.ticket.assignee_unknown")},
	} {
		path := "/staff/tickets/" + idStr(tid) + "/" + cs.action
		var req *http.Request
		if cs.action == "reply" {
			req = multipartRequest(path, agent.Token, staffFields(tk, cs.fields...), "", "")
		} else {
			req = formRequest(path, agent.Token, staffFields(tk, cs.fields...))
		}
		r := agent.Send(req)
		refused(cs.action+" "+strings.Join(cs.fields, "="), r, http.StatusUnprocessableEntity, cs.want, `id="error-summary"`)
		unchanged("a refused "+cs.action, before)
	}
}
