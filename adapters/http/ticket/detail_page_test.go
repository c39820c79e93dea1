package ticket_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
	"supportal/ports"
)

// twoCompanies is company A (a and a colleague, one ticket on SN-A-001)
// and company B (b), both verified.
func twoCompanies(t *testing.T, e *threadEnv) (a, colleague, b ident.Account, ticket tk.Ticket) {
	t.Helper()
	a = e.customer("a@example.com", "王敏", "上海示例数据科技有限公司", codeA)
	colleague = e.colleague(a, "a2@example.com", "李雷")
	b = e.customer("b@example.com", "赵六", "深圳新客户科技有限公司", codeB)
	e.device(codeA, "SN-A-001", lineStart, lineEnd)
	return a, colleague, b, e.ticket(a, "阵列告警", "SN-A-001")
}

var fileLink = regexp.MustCompile(`href="(/tickets/files/\d+)">([^<]*)</a>`)

// files returns the download links of a page by file name.
func files(r *webtest.Response) map[string]string {
	out := map[string]string{}
	for _, m := range fileLink.FindAllStringSubmatch(r.Body, -1) {
		out[m[2]] = m[1]
	}
	return out
}

func zipFile() []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.Create("log.txt")
	_, _ = f.Write([]byte("disk 3 failed\n"))
	_ = w.Close()
	return buf.Bytes()
}

func TestReplyWithFilesAndDownload(t *testing.T) {
	e := newThreadEnv(t)
	a, colleague, _, ticket := twoCompanies(t, e)
	_ = a
	c := e.client("zh-CN", "a2@example.com") // the colleague replies
	c.Get("/tickets/" + itoa(ticket.ID))
	r := reply(c, ticket.ID, "日志见附件\n第二行", []upload{{"系统日志 2026.txt", []byte("disk 3 failed\n")},
		{"screen.png", webtest.PNG(20, 10)}, {"logs.zip", zipFile()}})
	webtest.WantRedirect(t, r, "/tickets/"+itoa(ticket.ID))
	r = c.Get(r.Location())
	webtest.WantText(t, r, "回复已发送", "日志见附件\n第二行", colleague.Name, "客户", "系统日志 2026.txt", "screen.png", "logs.zip", "14 B")
	links := files(r)
	for _, f := range []struct{ name, ctype, disposition string }{
		{"系统日志 2026.txt", "text/plain; charset=utf-8", `attachment; filename="____ 2026.txt"; filename*=UTF-8''%E7%B3%BB%E7%BB%9F%E6%97%A5%E5%BF%97%202026.txt`},
		{"screen.png", "image/png", `inline; filename=screen.png`},
		{"logs.zip", "application/zip", `attachment; filename=logs.zip`},
	} {
		link := links[f.name]
		if link == "" {
			t.Fatalf("no link to %s", f.name)
		}
		d := c.Get(link)
		webtest.WantStatus(t, d, http.StatusOK)
		for k, want := range map[string]string{"Content-Type": f.ctype, "Content-Disposition": f.disposition,
			"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"} {
			if got := d.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", f.name, k, got, want)
			}
		}
	}
	if d := c.Get(links["logs.zip"]); !bytes.Equal(d.Raw, zipFile()) {
		t.Errorf("the zip downloads as %d other bytes", len(d.Raw))
	}
	// The author and colleagues of A download it; B does not, nor sees it.
	if d := e.client("en", "a@example.com").Get(links["screen.png"]); d.Status != http.StatusOK {
		t.Errorf("a colleague's download: %d", d.Status)
	}
	cb := e.client("zh-CN", "b@example.com")
	for _, p := range []string{links["screen.png"], "/tickets/" + itoa(ticket.ID), "/tickets/" + itoa(ticket.ID) + "/close"} {
		webtest.WantStatus(t, cb.Get(p), http.StatusNotFound)
	}
	cb.Get("/tickets")
	webtest.WantStatus(t, reply(cb, ticket.ID, "不是我的", nil), http.StatusNotFound)
	webtest.WantStatus(t, cb.Post("/tickets/"+itoa(ticket.ID)+"/close", nil), http.StatusNotFound)
	for _, q := range []string{"", "?status=all", "?q=" + url.QueryEscape(ticket.Number), "?q=SN-A-001&status=all"} {
		webtest.WantNoText(t, cb.Get("/tickets"+q), `href="/tickets/`+itoa(ticket.ID)+`"`, "阵列告警", ticket.Number+"</a>")
	}
	if v, _ := e.svc.Detail(context.Background(), as(a), ticket.ID); len(v.Messages) != 2 {
		t.Errorf("messages: %d, want 2 (B's reply stored nothing)", len(v.Messages))
	}
}

func TestInternalNoteNeverShown(t *testing.T) {
	e := newThreadEnv(t)
	_, _, _, ticket := twoCompanies(t, e)
	agent := e.agent("agent@example.com")
	m, _, err := e.svc.StaffReply(context.Background(), asAgent(agent), ticket.ID, tk.Loaded{}, tk.StaffInput{
		Body: "内部备注：客户合同快到期", Internal: true, Files: []tk.Upload{{Name: "internal.txt", Size: 6, R: strings.NewReader("secret")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.StaffReply(context.Background(), asAgent(agent), ticket.ID, tk.Loaded{}, tk.StaffInput{Body: "请提供日志"}); err != nil {
		t.Fatal(err)
	}
	c := e.client("zh-CN", "a@example.com")
	r := c.Get("/tickets/" + itoa(ticket.ID))
	webtest.WantText(t, r, "请提供日志", "技术支持", agent.Name)
	webtest.WantNoText(t, r, "内部备注", "internal.txt")
	webtest.WantStatus(t, c.Get("/tickets/files/"+itoa(m.Attachments[0].ID)), http.StatusNotFound)
	webtest.WantNoText(t, c.Get("/tickets?q="+url.QueryEscape("内部备注")), ticket.Number)
}

func TestReplyRefused(t *testing.T) {
	e := newThreadEnv(t)
	_, _, _, ticket := twoCompanies(t, e)
	for _, lang := range []string{"zh-CN", "en"} {
		c := e.client(lang, "a@example.com")
		c.Get("/tickets/" + itoa(ticket.ID))
		// An empty message: the summary and the message next to the field.
		r := reply(c, ticket.ID, "  ", nil)
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
		webtest.WantText(t, r, webtest.T(lang, "error.summary.title", nil), `href="#f-body"`, webtest.T(lang, "error.ticket.body_required", nil))
		// A file over 20 MB: its name and the limit next to the files field,
		// the typed text kept, nothing stored.
		big := append(webtest.PNG(10, 10), make([]byte, 20<<20)...)
		r = reply(c, ticket.ID, "见大文件", []upload{{"ok.txt", []byte("fine\n")}, {"huge.png", big}})
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
		webtest.WantText(t, r, webtest.T(lang, "error.ticket_file.too_large", map[string]any{"Name": "huge.png", "MB": 20}),
			`href="#f-attachments"`, `id="e-attachments"`, ">见大文件</textarea>")
		// htmx gets the form alone, with its summary.
		r = reply(c, ticket.ID, "", nil, "HX-Request", "true", "HX-Target", "reply")
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
		webtest.WantText(t, r, `id="error-summary"`, `id="reply"`)
		webtest.WantNoText(t, r, "<html")
	}
	var rows int
	if err := e.db.Get(&rows, `SELECT count(*) FROM ticket_attachments`); err != nil || rows != 0 {
		t.Errorf("attachment rows: %d (%v)", rows, err)
	}
	objects := 0
	_ = e.files.List(context.Background(), tk.FilePrefix, time.Now().Add(time.Hour), func(ports.FileInfo) error { objects++; return nil })
	if objects != 0 {
		t.Errorf("%d objects stored", objects)
	}
	if v, _ := e.svc.Detail(context.Background(), tk.Actor{AccountID: ticket.OpenedBy, CompanyID: ticket.CompanyID}, ticket.ID); len(v.Messages) != 1 {
		t.Errorf("messages: %d", len(v.Messages))
	}
}

func TestStatusActions(t *testing.T) {
	e := newThreadEnv(t)
	a, _, _, ticket := twoCompanies(t, e)
	ctx := context.Background()
	agent := e.agent("agent@example.com")
	id := itoa(ticket.ID)
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ticket.ID, tk.Loaded{}, tk.StatusWaiting); err != nil {
		t.Fatal(err)
	}
	c := e.client("zh-CN", "a@example.com")
	webtest.WantText(t, c.Get("/tickets/"+id), `badge-ticket-waiting">待客户反馈`)
	// A reply on 待客户反馈 moves it back to 处理中 (htmx: HX-Redirect).
	r := reply(c, ticket.ID, "日志已补充", nil, "HX-Request", "true", "HX-Target", "reply")
	if r.Header.Get("HX-Redirect") != "/tickets/"+id {
		t.Fatalf("HX-Redirect = %q (%d)", r.Header.Get("HX-Redirect"), r.Status)
	}
	webtest.WantText(t, c.Get("/tickets/"+id), `badge-ticket-in_progress">处理中`)
	// Resolved: 【重新打开】 within 30 days.
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ticket.ID, tk.Loaded{}, tk.StatusResolved); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(29 * 24 * time.Hour)
	r = c.Get("/tickets/" + id)
	webtest.WantText(t, r, `id="reopen"`, "重新打开")
	webtest.WantRedirect(t, c.Post("/tickets/"+id+"/reopen", nil), "/tickets/"+id)
	r = c.Get("/tickets/" + id)
	webtest.WantText(t, r, "工单已重新打开", `badge-ticket-in_progress`)
	// Resolved again, 31 days later: no reopening, no reply.
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ticket.ID, tk.Loaded{}, tk.StatusResolved); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(31 * 24 * time.Hour)
	r = c.Get("/tickets/" + id)
	webtest.WantText(t, r, webtest.T("zh-CN", "error.ticket.reopen_late", nil))
	webtest.WantNoText(t, r, `id="reopen"`, `id="reply"`)
	r = c.Post("/tickets/"+id+"/reopen", nil)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, `id="error-summary"`, webtest.T("zh-CN", "error.ticket.reopen_late", nil))
	// 关闭工单: a confirmation page first, then the closed ticket offers a
	// follow-up.
	r = c.Get("/tickets/" + id + "/close")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, "确定关闭工单 "+ticket.Number, `action="/tickets/`+id+`/close"`, "确认关闭")
	webtest.WantRedirect(t, c.Post("/tickets/"+id+"/close", nil), "/tickets/"+id)
	r = c.Get("/tickets/" + id)
	webtest.WantText(t, r, "工单已关闭", `badge-ticket-closed">已关闭`, `href="/tickets/new?follow_up=`+id+`"`, "创建关联工单")
	webtest.WantNoText(t, r, `id="reply"`, `id="close"`, `id="reopen"`)
	webtest.WantStatus(t, reply(c, ticket.ID, "还在吗", nil), http.StatusUnprocessableEntity)
	if v, _ := e.svc.Detail(ctx, as(a), ticket.ID); v.Ticket.Status != tk.StatusClosed {
		t.Errorf("status %s", v.Ticket.Status)
	}
	en := e.client("en", "a@example.com").Get("/tickets/" + id)
	webtest.WantText(t, en, "Open a follow-up ticket", "Closed")
}

func TestPayloadsShownAsText(t *testing.T) {
	e := newThreadEnv(t)
	a := e.customer("a@example.com", "王敏", "上海示例数据科技有限公司", codeA)
	const xss = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	ticket := e.ticket(a, "标题"+xss, "")
	c := e.client("zh-CN", "a@example.com")
	c.Get("/tickets/" + itoa(ticket.ID))
	webtest.WantRedirect(t, reply(c, ticket.ID, "正文"+xss, []upload{{`a"><svg onload=alert(3)>.txt`, []byte("x\n")}}), "/tickets/"+itoa(ticket.ID))
	for _, p := range []string{"/tickets", "/tickets/" + itoa(ticket.ID)} {
		raw := string(c.Get(p).Raw)
		for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload"} {
			if strings.Contains(raw, bad) {
				t.Errorf("%s carries %q unescaped", p, bad)
			}
		}
		if !strings.Contains(raw, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the title as text", p)
		}
	}
}
