package staff_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
)

// desk is one covered ticket and two agents.
type desk struct {
	e          *env
	cust       ident.Account
	wang, zhao ident.Account
	t          tk.Ticket
}

func newDesk(t *testing.T, title string) *desk {
	e := newEnv(t)
	d := &desk{e: e, cust: e.customer("li@acme.example", "上海艾克米科技有限公司"),
		wang: e.staff("wang@example.com", "坐席 王", ident.RoleAgent), zhao: e.staff("zhao@example.com", "坐席 赵", ident.RoleAgent)}
	e.devs.add(d.cust.CompanyID, "SN-ACME-1", premium())
	d.t = e.open(d.cust, title, tk.P2, "SN-ACME-1")
	return d
}

func (d *desk) customerActor() tk.Actor {
	return tk.Actor{AccountID: d.cust.ID, CompanyID: d.cust.CompanyID}
}

func TestTicketPageShowsEverything(t *testing.T) {
	d := newDesk(t, "阵列离线")
	other := d.e.open(d.cust, "另一台设备告警", tk.P3, "")
	c := d.e.signIn(d.wang, "zh-CN")
	r, _ := c.page(d.t.ID)
	webtest.WantText(t, r, d.t.Number, "阵列离线", "描述：阵列离线", "上海艾克米科技有限公司", "新建", "P2 高",
		"首次响应", "剩余工作时间 2 小时", "当前维保（实时）", "提交时的维保（快照）", "SVC-PREM-3Y",
		"该公司的其他未关闭工单", other.Number, "历史记录", "提交了工单", "分配给我")
}

func TestAssignReplyAndSetWaitingInOnePost(t *testing.T) {
	d := newDesk(t, "阵列离线")
	c := d.e.signIn(d.wang, "zh-CN")
	_, stamp := c.page(d.t.ID)
	r := c.act(d.t.ID, "assign", stamp, "assignee", "me")
	webtest.WantRedirect(t, r, "/staff/tickets/"+itoa(d.t.ID))
	r, stamp = c.page(d.t.ID)
	webtest.WantText(t, r, "处理人已更新。", "将处理人由 未分配 改为 坐席 王")
	r = c.reply(d.t.ID, stamp, map[string]string{"body": "请提供控制器日志。", "internal": "0", "next_status": "waiting"},
		upload{"diag.png", pngBytes()})
	webtest.WantRedirect(t, r, "/staff/tickets/"+itoa(d.t.ID))
	r, stamp = c.page(d.t.ID)
	webtest.WantText(t, r, "已保存。", "请提供控制器日志。", "diag.png", "待客户反馈", "将状态由 新建 改为 待客户反馈", "发送了公开回复")
	v, err := d.e.svc.Detail(t.Context(), d.customerActor(), d.t.ID)
	if err != nil || v.Ticket.Status != tk.StatusWaiting || v.Ticket.AssigneeID != d.wang.ID || len(v.Messages) != 2 || len(v.Messages[1].Attachments) != 1 {
		t.Fatalf("stored: %+v %v", v.Ticket, err)
	}
	// The attachment downloads for staff, as an image inline, never sniffed.
	link := regexp.MustCompile(`href="(/staff/tickets/files/\d+)"`).FindStringSubmatch(string(r.Raw))
	if link == nil {
		t.Fatal("no attachment link")
	}
	f := c.Get(link[1])
	webtest.WantStatus(t, f, http.StatusOK)
	if f.Header.Get("Content-Type") != "image/png" || f.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(f.Header.Get("Content-Disposition"), "inline") || !bytes.Equal(f.Raw, pngBytes()) {
		t.Errorf("download headers %v", f.Header)
	}
	// Status, priority and category.
	webtest.WantRedirect(t, c.act(d.t.ID, "priority", stamp, "priority", "1"), "/staff/tickets/"+itoa(d.t.ID))
	_, stamp = c.page(d.t.ID)
	webtest.WantRedirect(t, c.act(d.t.ID, "category", stamp, "category", "question"), "/staff/tickets/"+itoa(d.t.ID))
	_, stamp = c.page(d.t.ID)
	webtest.WantRedirect(t, c.act(d.t.ID, "status", stamp, "status", "resolved"), "/staff/tickets/"+itoa(d.t.ID))
	r, _ = c.page(d.t.ID)
	webtest.WantText(t, r, "将优先级由 P2 高 改为 P1 紧急", "将工单类型由 故障报修 改为 咨询", "将状态由 待客户反馈 改为 已解决")
}

func TestInternalNoteStaysInternal(t *testing.T) {
	d := newDesk(t, "阵列离线")
	c := d.e.signIn(d.wang, "en")
	_, stamp := c.page(d.t.ID)
	r := c.reply(d.t.ID, stamp, map[string]string{"body": "怀疑是固件缺陷 <script>alert(1)</script>", "internal": "1"})
	webtest.WantRedirect(t, r, "/staff/tickets/"+itoa(d.t.ID))
	r, _ = c.page(d.t.ID)
	webtest.WantText(t, r, "Internal note", "Visible to support staff only", "added an internal note")
	if !strings.Contains(string(r.Raw), `class="msg msg-note"`) || strings.Contains(string(r.Raw), "<script>alert(1)") ||
		!strings.Contains(string(r.Raw), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the note is not marked apart, or its text is not escaped")
	}
	v, err := d.e.svc.Detail(t.Context(), d.customerActor(), d.t.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Messages {
		if strings.Contains(m.Body, "固件缺陷") {
			t.Fatal("the customer's detail shows the internal note")
		}
	}
	// A note does not change the status at the same time.
	_, stamp = c.page(d.t.ID)
	r = c.reply(d.t.ID, stamp, map[string]string{"body": "再记一笔", "internal": "1", "next_status": "waiting"})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, "An internal note cannot change the status", "再记一笔")
}

func TestReplyValidation(t *testing.T) {
	d := newDesk(t, "阵列离线")
	c := d.e.signIn(d.wang, "zh-CN")
	_, stamp := c.page(d.t.ID)
	r := c.reply(d.t.ID, stamp, map[string]string{"body": "  ", "internal": "0"})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, "请输入回复内容。")
	if !strings.Contains(string(r.Raw), `href="#r-f-body"`) {
		t.Error("the error summary does not link the reply's field")
	}
	big := make([]byte, tk.DefaultLimits.MaxFileBytes+10)
	r = c.reply(d.t.ID, stamp, map[string]string{"body": "见附件", "internal": "0"}, upload{"dump.log", big})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, "文件 dump.log 超过 20 MB。", "见附件")
	r = c.reply(d.t.ID, stamp, map[string]string{"body": "x", "internal": "0"}, upload{"page.html", []byte("<html><script>alert(1)</script></html>")})
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	v, _ := d.e.svc.Detail(t.Context(), d.customerActor(), d.t.ID)
	if len(v.Messages) != 1 {
		t.Errorf("a refused reply was stored: %d messages", len(v.Messages))
	}
}

func TestStaleReplyShowsCustomerReplyAndKeepsText(t *testing.T) {
	d := newDesk(t, "阵列离线")
	c := d.e.signIn(d.wang, "zh-CN")
	_, stamp := c.page(d.t.ID)
	d.e.clock.Advance(60_000_000_000) // a minute later the customer writes
	if _, err := d.e.svc.Reply(t.Context(), d.customerActor(), d.t.ID, "设备已经恢复了，不用处理。", nil); err != nil {
		t.Fatal(err)
	}
	r := c.reply(d.t.ID, stamp, map[string]string{"body": "我们马上安排工程师上门。", "internal": "0", "next_status": "waiting"})
	webtest.WantStatus(t, r, http.StatusConflict)
	webtest.WantText(t, r, "您打开此工单后，它已被修改", "李雷", "发送了客户回复", "设备已经恢复了，不用处理。",
		"我们马上安排工程师上门。", "在最新版本上重新提交", "放弃我的操作")
	v, _ := d.e.svc.Detail(t.Context(), d.customerActor(), d.t.ID)
	if len(v.Messages) != 2 {
		t.Fatalf("the stale reply was stored: %d messages", len(v.Messages))
	}
	// Applied again on the version the conflict page carries, it goes in.
	stamp2 := stampOf(t, r)
	r = c.reply(d.t.ID, stamp2, map[string]string{"body": "我们马上安排工程师上门。", "internal": "0"})
	webtest.WantRedirect(t, r, "/staff/tickets/"+itoa(d.t.ID))
}

func TestTwoAgentsAssigning(t *testing.T) {
	d := newDesk(t, "阵列离线")
	wang, zhao := d.e.signIn(d.wang, "zh-CN"), d.e.signIn(d.zhao, "zh-CN")
	_, sw := wang.page(d.t.ID)
	_, sz := zhao.page(d.t.ID)
	webtest.WantRedirect(t, wang.act(d.t.ID, "assign", sw, "assignee", "me"), "/staff/tickets/"+itoa(d.t.ID))
	r := zhao.act(d.t.ID, "assign", sz, "assignee", "me")
	webtest.WantStatus(t, r, http.StatusConflict)
	webtest.WantText(t, r, "坐席 王", "将处理人由 未分配 改为 坐席 王", "在最新版本上重新提交")
	v, _ := d.e.svc.Detail(t.Context(), d.customerActor(), d.t.ID)
	if v.Ticket.AssigneeID != d.wang.ID {
		t.Fatalf("the second assignment overwrote the first: %d", v.Ticket.AssigneeID)
	}
	// Applied again, the second agent takes it over knowingly.
	webtest.WantRedirect(t, zhao.act(d.t.ID, "assign", stampOf(t, r), "assignee", "me"), "/staff/tickets/"+itoa(d.t.ID))
}

func TestRolesAndXSS(t *testing.T) {
	d := newDesk(t, `<img src=x onerror=alert(1)>标题`)
	rev := d.e.staff("rev@example.com", "审核员 韩", ident.RoleReviewer)
	admin := d.e.staff("admin@example.com", "管理员 周", ident.RoleAdmin)
	rc := d.e.signIn(rev, "zh-CN")
	id := itoa(d.t.ID)
	for _, p := range []string{"/staff/tickets", "/staff/tickets/" + id, "/staff/tickets/files/1"} {
		webtest.WantStatus(t, rc.Get(p), http.StatusForbidden)
	}
	for _, a := range []string{"assign", "reply", "status", "priority", "category"} {
		webtest.WantStatus(t, rc.Post("/staff/tickets/"+id+"/"+a, nil), http.StatusForbidden)
	}
	cc := &client{webtest.NewClient(t, d.e.app, "zh-CN")}
	cc.Login("/login", d.cust.Email)
	for _, p := range []string{"/staff/tickets", "/staff/tickets/" + id, "/staff/tickets/files/1"} {
		if r := cc.Get(p); r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
			t.Errorf("customer GET %s: %d", p, r.Status)
		}
	}
	anon := webtest.NewClient(t, d.e.app, "zh-CN")
	if r := anon.Get("/staff/tickets"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/staff/login") {
		t.Errorf("anonymous queue: %d %s", r.Status, r.Location())
	}
	ac := d.e.signIn(admin, "zh-CN")
	for _, p := range []string{"/staff/tickets", "/staff/tickets/" + id} {
		r := ac.Get(p)
		webtest.WantStatus(t, r, http.StatusOK)
		if strings.Contains(string(r.Raw), "<img src=x") || !strings.Contains(string(r.Raw), "&lt;img src=x onerror=alert(1)&gt;标题") {
			t.Errorf("%s does not show the title as text", p)
		}
	}
}

// stampOf reads the version and last activity the page's forms carry.
func stampOf(t *testing.T, r *webtest.Response) map[string][]string {
	t.Helper()
	v, l := versionField.FindStringSubmatch(r.Body), loadedField.FindStringSubmatch(string(r.Raw))
	if v == nil || l == nil {
		t.Fatal("no stamp on the page")
	}
	return map[string][]string{"version": {v[1]}, "loaded": {l[1]}}
}

func pngBytes() []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
	return buf.Bytes()
}

// TestActionErrorsAreLinked: a refused status, priority or category change
// shows its message next to its field, tied to the field for screen readers
// and linked from the error summary.
func TestActionErrorsAreLinked(t *testing.T) {
	d := newDesk(t, "阵列离线")
	c := d.e.signIn(d.wang, "zh-CN")
	for _, tt := range []struct{ action, field, value, prefix string }{
		{"status", "status", "", "s"},
		{"priority", "priority", "9", "p"},
		{"category", "category", "nonsense", "c"},
	} {
		_, stamp := c.page(d.t.ID)
		r := c.act(d.t.ID, tt.action, stamp, tt.field, tt.value)
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
		body := string(r.Raw)
		id := tt.prefix + "-e-" + tt.field
		for _, want := range []string{`aria-describedby="` + id + `"`, `<p class="error" id="` + id + `">`, `aria-invalid="true"`,
			`href="#` + tt.prefix + `-f-` + tt.field + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s refused: no %s", tt.action, want)
			}
		}
	}
}
