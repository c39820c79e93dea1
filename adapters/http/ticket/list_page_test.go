package ticket_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
)

var (
	lineStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	lineEnd   = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
)

// listCompany is company A with 25 tickets, a minute apart: the odd ones by
// a, the even ones by a colleague, every fifth on device SN-A-002; the
// tickets in the order created.
func listCompany(t *testing.T, e *threadEnv) (a, colleague ident.Account, tickets []tk.Ticket) {
	t.Helper()
	a = e.customer("a@example.com", "王敏", "上海示例数据科技有限公司", codeA)
	colleague = e.colleague(a, "a2@example.com", "李雷")
	e.device(codeA, "SN-A-001", lineStart, lineEnd)
	e.device(codeA, "SN-A-002", lineStart, lineEnd)
	for i := range 25 {
		by, sn := a, "SN-A-001"
		if i%2 == 1 {
			by = colleague
		}
		if i%5 == 0 {
			sn = "SN-A-002"
		}
		tickets = append(tickets, e.ticket(by, "阵列告警 "+strings.Repeat("I", i%3+1)+" #"+itoa(int64(i)), sn))
		e.clock.Advance(time.Minute)
	}
	return a, colleague, tickets
}

func TestListPagesNewestFirst(t *testing.T) {
	e := newThreadEnv(t)
	_, _, ts := listCompany(t, e)
	for _, lang := range []string{"zh-CN", "en"} {
		c := e.client(lang, "a@example.com")
		r := c.Get("/tickets")
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, webtest.T(lang, "tickets.range", map[string]any{"From": 1, "To": 20, "Count": 25}),
			ts[24].Number, ts[5].Number, "SN-A-002", "李雷", "王敏", webtest.T(lang, "ticket.status.new", nil),
			webtest.T(lang, "ticket.priority.2", nil), "Asia/Shanghai", `href="/tickets?page=2"`)
		webtest.WantNoText(t, r, ts[4].Number+"<")
		if i, j := strings.Index(r.Body, ts[24].Number), strings.Index(r.Body, ts[23].Number); i > j {
			t.Errorf("%s: the newest activity is not first", lang)
		}
		r = c.Get("/tickets?page=2")
		webtest.WantText(t, r, webtest.T(lang, "tickets.range", map[string]any{"From": 21, "To": 25, "Count": 25}), ts[0].Number)
		webtest.WantNoText(t, r, ts[24].Number)
	}
}

func TestListFiltersAndSearch(t *testing.T) {
	e := newThreadEnv(t)
	a, _, ts := listCompany(t, e)
	ctx := context.Background()
	agent := e.agent("agent@example.com")
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ts[3].ID, tk.Loaded{}, tk.StatusResolved); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Close(ctx, as(a), ts[2].ID); err != nil {
		t.Fatal(err)
	}
	c := e.client("zh-CN", "a@example.com")
	count := func(q string, want int, has ...string) *webtest.Response {
		t.Helper()
		r := c.Get("/tickets?" + q)
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, webtest.T("zh-CN", "tickets.range", map[string]any{"From": 1, "To": min(want, 20), "Count": want}))
		webtest.WantText(t, r, has...)
		return r
	}
	r := count("", 23)
	webtest.WantNoText(t, r, ts[3].Number, ts[2].Number)
	count("status=resolved", 1, ts[3].Number, "已解决")
	count("status=closed", 1, ts[2].Number, "已关闭")
	count("status=all", 25)
	r = count("mine=1&status=all", 13, ts[0].Number, `id="f-mine" name="mine" value="1" checked`)
	webtest.WantNoText(t, r, ts[1].Number, "李雷")
	r = count("q="+url.QueryEscape(ts[7].Number), 1, ts[7].Number)
	count("q=sn-a-002&status=all", 5, ts[0].Number, ts[5].Number)
	count("q="+url.QueryEscape("#12"), 1, ts[12].Number)
	count("q=III&mine=1", 3) // #8, #14, #20 of a (#2 is closed)
	// Nothing matches: say so and offer to reset and to show every status.
	r = c.Get("/tickets?q=nothing-like-it")
	webtest.WantText(t, r, "没有符合条件的工单", `href="/tickets"`, "重置", `href="/tickets?q=nothing-like-it&status=all"`)
	webtest.WantNoText(t, r, "贵公司还没有工单")
	// htmx gets the results only, with the summary to focus.
	r = c.Get("/tickets?status=closed", "HX-Request", "true", "HX-Target", "results")
	webtest.WantText(t, r, `id="results-summary" tabindex="-1" data-swap-focus`, ts[2].Number)
	webtest.WantNoText(t, r, "<html", `role="search"`)
	r = c.Get("/tickets", "HX-Request", "true", "HX-Target", "tickets")
	webtest.WantText(t, r, `role="search"`, `hx-push-url="true"`)
	webtest.WantNoText(t, r, "<html")
}

func TestListEmptyAndGate(t *testing.T) {
	e := newThreadEnv(t)
	e.customer("a@example.com", "王敏", "上海示例数据科技有限公司", codeA)
	e.customer("new@example.com", "李新", "深圳新客户科技有限公司", "")
	for _, lang := range []string{"zh-CN", "en"} {
		r := e.client(lang, "a@example.com").Get("/tickets")
		webtest.WantText(t, r, webtest.T(lang, "tickets.empty.none", nil), `href="/tickets/new"`)
		webtest.WantNoText(t, r, webtest.T(lang, "tickets.empty.nomatch", nil))
		r = e.client(lang, "a@example.com").Get("/tickets?status=closed&mine=1")
		webtest.WantText(t, r, webtest.T(lang, "tickets.empty.none", nil))
		r = e.client(lang, "new@example.com").Get("/tickets")
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, webtest.T(lang, "tickets.gate.heading", nil), `href="/account/company"`)
		webtest.WantNoText(t, r, `role="search"`)
	}
}

func TestListCountAboveCap(t *testing.T) {
	lim := tk.DefaultLimits
	lim.CountCap = 10
	e := newThreadEnv(t, lim)
	listCompany(t, e)
	for _, lang := range []string{"zh-CN", "en"} {
		r := e.client(lang, "a@example.com").Get("/tickets")
		webtest.WantText(t, r, webtest.T(lang, "tickets.range_capped", map[string]any{"From": 1, "To": 20, "Count": 20}))
	}
}
