package staff_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
)

// queueWorld opens tickets at different times: with the 7×24 tier P1 is
// due 30 min after creation, P2 after 2 h, P3 after 8 h.
type queueWorld struct {
	e                          *env
	agent, other               ident.Account
	overdue, soon, later, none tk.Ticket
	mine, waiting              tk.Ticket
}

func newQueueWorld(t *testing.T) *queueWorld {
	e := newEnv(t)
	w := &queueWorld{e: e, agent: e.staff("agent@example.com", "坐席 王", ident.RoleAgent),
		other: e.staff("agent2@example.com", "坐席 赵", ident.RoleAgent)}
	acme := e.customer("li@acme.example", "上海艾克米科技有限公司")
	beta := e.customer("wu@beta.example", "北京贝塔数据有限公司")
	e.devs.add(acme.CompanyID, "SN-ACME-1", premium())
	e.devs.add(beta.CompanyID, "SN-BETA-1", premium())
	e.devs.add(beta.CompanyID, "SN-BETA-OLD", tk.Line{SKU: "SVC-STD-1Y", ServiceName: "标准维保", Start: start.AddDate(-3, 0, 0), End: start.AddDate(-1, 0, 0)})
	w.overdue = e.open(acme, "阵列离线", tk.P1, "SN-ACME-1") // due 10:30, overdue at 11:20
	e.clock.Advance(50 * time.Minute)
	w.soon = e.open(beta, "控制器告警", tk.P1, "SN-BETA-1") // due 11:20
	w.later = e.open(acme, "扩容咨询", tk.P3, "SN-ACME-1")
	w.none = e.open(beta, "旧设备报修", tk.P2, "SN-BETA-OLD")
	w.mine = e.open(acme, "固件升级", tk.P2, "SN-ACME-1")
	w.waiting = e.open(beta, "日志分析", tk.P3, "SN-BETA-1")
	ctx := t.Context()
	me := tk.Actor{AccountID: w.agent.ID, StaffRole: tk.StaffAgent}
	for _, x := range []tk.Ticket{w.mine, w.waiting} {
		if _, err := e.svc.Assign(ctx, me, x.ID, tk.Loaded{}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.svc.StaffReply(ctx, me, w.waiting.ID, tk.Loaded{}, tk.StaffInput{Body: "请提供日志。", Next: tk.StatusWaiting}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute) // 11:00 Shanghai: the first overdue by 30 min, the second due in 20 min
	return w
}

func TestQueueViewsCountsAndDueOrder(t *testing.T) {
	w := newQueueWorld(t)
	c := w.e.signIn(w.agent, "zh-CN")
	r := c.Get("/staff/tickets")
	webtest.WantStatus(t, r, http.StatusOK)
	// Soonest due first; the uncovered ticket (no target) and the paused
	// one after those with a target.
	got := rows(r)
	want := []string{w.overdue.Number, w.soon.Number, w.mine.Number, w.later.Number}
	if len(got) != 6 || !slices.Equal(got[:4], want) {
		t.Fatalf("all open in order %v, want %v then the two without a target", got, want)
	}
	for view, n := range map[string]string{"unassigned": "4", "mine": "2", "due_soon": "1", "overdue": "1", "waiting": "1", "open": "6"} {
		if got := tabCount(t, r, view); got != n {
			t.Errorf("tab %s shows %s, want %s", view, got, n)
		}
	}
	webtest.WantText(t, r, "已超时 30 分钟", "剩余工作时间 20 分钟", "无有效维保", "上海艾克米科技有限公司", "SN-BETA-1")
	if !strings.Contains(r.Body, `class="row-overdue"`) || !strings.Contains(r.Body, "⚠") {
		t.Error("the overdue row does not stand out with its icon")
	}
	for view, want := range map[string][]string{
		"unassigned": {w.overdue.Number, w.soon.Number, w.later.Number, w.none.Number},
		"mine":       {w.mine.Number, w.waiting.Number},
		"due_soon":   {w.soon.Number},
		"overdue":    {w.overdue.Number},
		"waiting":    {w.waiting.Number},
	} {
		r := c.Get("/staff/tickets?view=" + view)
		if got := rows(r); !slices.Equal(got, want) {
			t.Errorf("view %s lists %v, want %v", view, got, want)
		}
	}
	r = c.Get("/staff/tickets?view=due_soon&priority=3")
	webtest.WantText(t, r, "没有符合条件的工单。")
	w.e.clock.Advance(2 * time.Hour)
	r = c.Get("/staff/tickets?view=overdue")
	webtest.WantText(t, r, "已超时 2 小时 30 分钟")
}

func TestQueueFiltersAndSearch(t *testing.T) {
	w := newQueueWorld(t)
	c := w.e.signIn(w.agent, "zh-CN")
	for q, want := range map[string][]string{
		"?priority=1":                        {w.overdue.Number, w.soon.Number},
		"?status=waiting":                    {w.waiting.Number},
		"?coverage=uncovered":                {w.none.Number},
		"?q=贝塔&coverage=covered":             {w.soon.Number, w.waiting.Number},
		"?q=" + w.later.Number:               {w.later.Number},
		"?q=sn-beta-old":                     {w.none.Number},
		"?q=扩容":                              {w.later.Number},
		"?view=open&assignee=" + id(w.agent): {w.mine.Number, w.waiting.Number},
		"?company=" + cid(w.overdue):         {w.overdue.Number, w.mine.Number, w.later.Number},
		"?category=question":                 nil,
	} {
		r := c.Get("/staff/tickets" + q)
		webtest.WantStatus(t, r, http.StatusOK)
		if got := rows(r); !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v", q, got, want)
		}
	}
	// The company filter names the company and keeps the other filters in
	// the tabs' links.
	r := c.Get("/staff/tickets?company=" + cid(w.overdue) + "&priority=1")
	webtest.WantText(t, r, "仅显示公司：上海艾克米科技有限公司", "显示所有公司")
	if !strings.Contains(string(r.Raw), `href="/staff/tickets?company=`+cid(w.overdue)+`&amp;priority=1&amp;view=overdue"`) {
		t.Error("the overdue tab does not keep the filters")
	}
	// htmx gets the tabs and results only, with the view field out of band.
	r = c.Get("/staff/tickets?view=mine", "HX-Request", "true", "HX-Target", "queue")
	webtest.WantStatus(t, r, http.StatusOK)
	if strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, `id="f-view" name="view" value="mine" hx-swap-oob="true"`) {
		t.Errorf("the fragment is not the queue alone: %.300s", r.Body)
	}
	if !strings.Contains(r.Body, `id="results-summary" tabindex="-1" data-swap-focus`) {
		t.Error("no summary to focus after the swap")
	}
	webtest.WantText(t, r, "我的：共 2 个工单")
}

func TestQueueEmptyViews(t *testing.T) {
	e := newEnv(t)
	a := e.staff("agent@example.com", "坐席 王", ident.RoleAgent)
	c := e.signIn(a, "en")
	r := c.Get("/staff/tickets?view=overdue")
	webtest.WantText(t, r, "No overdue tickets.")
	if tabCount(t, r, "open") != "0" {
		t.Error("an empty queue counts tickets")
	}
}

func id(a ident.Account) string { return itoa(a.ID) }
func cid(t tk.Ticket) string    { return itoa(t.CompanyID) }

// The staff workbench shows the agent's unassigned, own and overdue
// tickets, each linking to its view; a reviewer's shows no ticket card.
func TestWorkbenchTicketCounts(t *testing.T) {
	w := newQueueWorld(t)
	for _, lang := range []string{"zh-CN", "en"} {
		r := w.e.signIn(w.agent, lang).Get("/staff")
		webtest.WantStatus(t, r, http.StatusOK)
		for _, want := range []string{
			`<a href="/staff/tickets?view=unassigned">` + webtest.T(lang, "staffticket.view.unassigned", nil) + `</a> <span class="card-count">4</span>`,
			`<a href="/staff/tickets?view=mine">` + webtest.T(lang, "staffticket.view.mine", nil) + `</a> <span class="card-count">2</span>`,
			`<a href="/staff/tickets?view=overdue">` + webtest.T(lang, "staffticket.view.overdue", nil) + `</a> <span class="card-count">1</span>`,
		} {
			webtest.WantText(t, r, want)
		}
	}
	rev := w.e.staff("rev@example.com", "审核员", ident.RoleReviewer)
	webtest.WantNoText(t, w.e.signIn(rev, "zh-CN").Get("/staff"), `id="ticket-counts"`, webtest.T("zh-CN", "staff.home.tickets", nil))
}

// TestQueueShowsWorkingTimeLeft: a standard (5×8) ticket opened at 17:00 on
// a Wednesday has 4 hours of working time to its first response, due the
// next day; the queue says so, as the ticket's page does, rather than the
// 19 hours of the wall clock, and the evening hours do not count it down.
func TestQueueShowsWorkingTimeLeft(t *testing.T) {
	e := newEnv(t)
	agent := e.staff("agent@example.com", "坐席 王", ident.RoleAgent)
	acme := e.customer("li@acme.example", "上海艾克米科技有限公司")
	e.devs.add(acme.CompanyID, "SN-STD-1", tk.Line{SKU: "SVC-STD-1Y", ServiceName: "标准维保",
		Start: start.AddDate(-1, 0, 0), End: start.AddDate(1, 0, 0)})
	e.clock.Advance(7 * time.Hour) // 17:00 Shanghai, Wednesday 11 March 2026
	tkt := e.open(acme, "备份失败", tk.P2, "SN-STD-1")
	c := e.signIn(agent, "zh-CN")
	r := c.Get("/staff/tickets")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, tkt.Number, "剩余工作时间 4 小时")
	if strings.Contains(r.Body, "19 小时") {
		t.Error("the queue shows the wall-clock time to the target")
	}
	e.clock.Advance(3 * time.Hour) // 20:00: an hour of work went by, then none
	r = c.Get("/staff/tickets")
	webtest.WantText(t, r, "剩余工作时间 3 小时")
	en := e.signIn(agent, "en")
	webtest.WantText(t, en.Get("/staff/tickets"), "3 hours of business time left")
}
