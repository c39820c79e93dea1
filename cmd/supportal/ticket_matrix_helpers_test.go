package main

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/domain/identity"
	"supportal/domain/ticket"
)

// The callers of the route × role × tenant matrix, in the order of its
// columns.
const (
	anon = iota
	unverifiedC
	custA
	colleagueA
	custB
	reviewerS
	agentS
	adminS
	nActors
)

var actorNames = [nActors]string{"anonymous", "unverified customer", "customer of A", "colleague in A",
	"customer of B", "reviewer", "agent", "admin"}

// toSignIn in a want column is the redirect to the sign-in page.
const toSignIn = -1

// matrixEnv is the application with company A (a customer and a colleague,
// a ticket with a public attachment and an internal note with a file),
// company B (a customer, a ticket with an attachment), an unverified
// customer and the three staff roles, each with a signed-in browser.
type matrixEnv struct {
	*submitEnv
	colleague, agent, admin identity.Account
	tA, tB                  ticket.Ticket
	pubA, noteA, pubB       int64 // attachment ids
	clients                 [nActors]*webtest.Client
}

// The texts of the fixtures that the leak checks look for.
const (
	titleA, descA, fileA = "甲方阵列告警 MXA", "甲方的描述 MXA-DESC", "甲方公开附件.txt"
	titleB, descB, fileB = "乙方阵列告警 MXB", "乙方的描述 MXB-DESC", "乙方附件.txt"
	noteText, noteFile   = "内部备注：甲方合同将到期 MXNOTE", "内部备注附件-MXNOTE.txt"
)

func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	m := &matrixEnv{submitEnv: newSubmitEnv(t)}
	ctx := context.Background()
	m.colleague = m.colleagueOf(m.a, "a2@example.com")
	var err error
	if m.agent, err = m.app.a.identity.CreateStaff(ctx, "agent@example.com", "工程师 陈", identity.RoleAgent, webtest.Password); err != nil {
		t.Fatal(err)
	}
	if m.admin, err = m.app.a.identity.CreateStaff(ctx, "admin@example.com", "管理员 赵", identity.RoleAdmin, webtest.Password); err != nil {
		t.Fatal(err)
	}
	m.tA = m.open(m.a, titleA, descA, "SNACOVERED1", fileA)
	m.tB = m.open(m.b, titleB, descB, "SNBOTHER3", fileB)
	_, m.tA, err = m.app.a.ticket.StaffReply(ctx, m.staffActor(m.agent), m.tA.ID, loadedOf(m.tA),
		ticket.StaffInput{Body: noteText, Internal: true, Files: []ticket.Upload{textUpload(noteFile, "note file")}})
	if err != nil {
		t.Fatal(err)
	}
	view, err := m.app.a.ticket.AgentDetail(ctx, m.staffActor(m.agent), m.tA.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range view.Messages {
		for _, at := range msg.Attachments {
			if msg.Internal {
				m.noteA = at.ID
			} else {
				m.pubA = at.ID
			}
		}
	}
	vb, err := m.app.a.ticket.Detail(ctx, actorOf(m.b), m.tB.ID)
	if err != nil {
		t.Fatal(err)
	}
	m.pubB = vb.Messages[0].Attachments[0].ID
	if m.pubA == 0 || m.noteA == 0 || m.pubB == 0 {
		t.Fatalf("attachments: %d %d %d", m.pubA, m.noteA, m.pubB)
	}
	m.clients[anon] = webtest.NewClient(t, m.app.a.server, i18n.ZH)
	m.clients[anon].Get("/login")
	for i, a := range map[int]identity.Account{unverifiedC: m.unverified, custA: m.a, colleagueA: m.colleague, custB: m.b} {
		m.clients[i] = m.client(i18n.ZH, a)
	}
	for i, email := range map[int]string{reviewerS: "reviewer@example.com", agentS: m.agent.Email, adminS: m.admin.Email} {
		c := webtest.NewClient(t, m.app.a.server, i18n.EN)
		c.Login("/staff/login", email)
		m.clients[i] = c
	}
	return m
}

// colleagueOf adds a customer to the company of of.
func (m *matrixEnv) colleagueOf(of identity.Account, email string) identity.Account {
	m.t.Helper()
	c := m.customer(email, "临时公司 "+email, "", 0)
	if _, err := m.app.a.db.ExecContext(context.Background(), `UPDATE accounts SET company_id = $1, name = '韩梅梅' WHERE id = $2`,
		of.CompanyID, c.ID); err != nil {
		m.t.Fatal(err)
	}
	c.CompanyID, c.Name = of.CompanyID, "韩梅梅"
	return c
}

func (m *matrixEnv) staffActor(a identity.Account) ticket.Actor {
	return ticket.Actor{AccountID: a.ID, StaffRole: string(a.Role)}
}

func loadedOf(t ticket.Ticket) ticket.Loaded {
	return ticket.Loaded{Version: t.Version, UpdatedAt: t.UpdatedAt}
}

func textUpload(name, text string) ticket.Upload {
	return ticket.Upload{Name: name, Size: int64(len(text)), R: strings.NewReader(text)}
}

// open creates a ticket of by's company on the device sn with one file.
func (m *matrixEnv) open(by identity.Account, title, desc, sn, file string) ticket.Ticket {
	m.t.Helper()
	in := ticket.Input{Category: ticket.CategoryFault, Priority: ticket.P2, Title: title, Description: desc, DeviceSN: sn}
	if file != "" {
		in.Files = []ticket.Upload{textUpload(file, "log line\n")}
	}
	t, err := m.app.a.ticket.Create(context.Background(), actorOf(by), in)
	if err != nil {
		m.t.Fatalf("create %q: %v", title, err)
	}
	return t
}

// current reads a ticket as stored.
func (m *matrixEnv) current(id int64) ticket.Ticket {
	m.t.Helper()
	v, err := m.app.a.ticket.AgentDetail(context.Background(), m.staffActor(m.agent), id)
	if err != nil {
		m.t.Fatal(err)
	}
	return v.Ticket
}

// stored is what a refused request must leave as it was: a ticket's
// version and its messages and attachments, and the number of tickets.
type stored struct{ version, messages, files, tickets int }

func (m *matrixEnv) stored(id int64) stored {
	m.t.Helper()
	var s stored
	const q = `SELECT COALESCE((SELECT version FROM tickets WHERE id = $1), 0),
	(SELECT count(*) FROM ticket_messages WHERE ticket_id = $1),
	(SELECT count(*) FROM ticket_attachments WHERE ticket_id = $1),
	(SELECT count(*) FROM tickets)`
	if err := m.app.a.db.QueryRowContext(context.Background(), q, id).Scan(&s.version, &s.messages, &s.files, &s.tickets); err != nil {
		m.t.Fatal(err)
	}
	return s
}

// multipartRequest is a POST of fields (and one file in "files" when name
// is not empty) as multipart/form-data.
func multipartRequest(path, token string, fields map[string]string, name, text string) *http.Request {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", token)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if name != "" {
		ph := textproto.MIMEHeader{}
		ph.Set("Content-Disposition", `form-data; name="files"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)+`"`)
		ph.Set("Content-Type", "text/plain")
		fw, _ := w.CreatePart(ph)
		_, _ = fw.Write([]byte(text))
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req
}

// formRequest is a POST of fields URL-encoded.
func formRequest(path, token string, fields map[string]string) *http.Request {
	f := url.Values{"_csrf": {token}}
	for k, v := range fields {
		f.Set(k, v)
	}
	return webtest.FormRequest(http.MethodPost, path, f)
}

// staffFields are the version and loaded time of an agent's form on t.
func staffFields(t ticket.Ticket, kv ...string) map[string]string {
	f := map[string]string{"version": strconv.Itoa(t.Version), "loaded": t.UpdatedAt.UTC().Format(time.RFC3339Nano)}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = kv[i+1]
	}
	return f
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }
