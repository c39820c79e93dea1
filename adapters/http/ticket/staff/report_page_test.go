package staff_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"supportal/adapters/http/webtest"
	ident "supportal/domain/identity"
	tk "supportal/domain/ticket"
)

// reportDesk is two companies with a premium (7×24) device each and a P1
// ticket each, opened at start: 艾克米's answered after 10 minutes,
// resolved after 20 and rated 4; 贝塔's never answered, so that 2 hours
// later its 30-minute first response is breached.
type reportDesk struct {
	e          *env
	met, late  tk.Ticket
	agent, rev ident.Account
	c1, c2     ident.Account
}

func newReportDesk(t *testing.T) *reportDesk {
	e := newEnv(t)
	d := &reportDesk{e: e, c1: e.customer("li@acme.example", "上海艾克米科技有限公司"),
		c2:    e.customer("zhou@beta.example", "北京贝塔数据有限公司"),
		agent: e.staff("wang@example.com", "坐席 王", ident.RoleAgent),
		rev:   e.staff("sun@example.com", "审核 孙", ident.RoleReviewer)}
	e.devs.add(d.c1.CompanyID, "SN-ACME-1", premium())
	e.devs.add(d.c2.CompanyID, "SN-BETA-1", premium())
	d.met = e.open(d.c1, "阵列离线", tk.P1, "SN-ACME-1")
	d.late = e.open(d.c2, "控制器告警", tk.P1, "SN-BETA-1")
	ctx := t.Context()
	agent := tk.Actor{AccountID: d.agent.ID, StaffRole: tk.StaffAgent}
	e.clock.Advance(10 * time.Minute)
	if _, _, err := e.svc.StaffReply(ctx, agent, d.met.ID, tk.Loaded{}, tk.StaffInput{Body: "已远程修复。"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)
	if _, err := e.svc.SetStatus(ctx, agent, d.met.ID, tk.Loaded{}, tk.StatusResolved); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Rate(ctx, tk.Actor{AccountID: d.c1.ID, CompanyID: d.c1.CompanyID}, d.met.ID, tk.RatingInput{Score: 4}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(100 * time.Minute)
	return d
}

// row is a row of a report table as the page writes it (without the
// cells' data-label, which wantRows leaves out).
func row(first string, cells ...string) string {
	return `<th scope="row">` + first + `</th><td class="num">` + strings.Join(cells, `</td><td class="num">`) + `</td>`
}

var dataLabel = regexp.MustCompile(` data-label="[^"]*"`)

// wantRows checks that the page has the rows (and texts), its cells'
// captions aside.
func wantRows(t *testing.T, r *webtest.Response, rows ...string) {
	t.Helper()
	body := dataLabel.ReplaceAllString(r.Body, "")
	for _, x := range rows {
		if !strings.Contains(body, x) {
			t.Errorf("page (status %d) lacks %q", r.Status, x)
		}
	}
}

func TestReportsShowTheFigures(t *testing.T) {
	d := newReportDesk(t)
	c := d.e.signIn(d.agent, "zh-CN")

	// What the ticket pages say about the first response...
	r, _ := c.page(d.late.ID)
	webtest.WantText(t, r, "首次响应", "已超时")
	r, _ = c.page(d.met.ID)
	webtest.WantText(t, r, "已于")
	webtest.WantNoText(t, r, "（已超时）")

	// ...is what the reports count, company by company.
	r = c.Get("/staff/reports")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, "<h1>报表</h1>", "统计期间：2025-10 至 2026-03", "Asia/Shanghai",
		`<td class="num" data-label="首次响应达标率">50.0%</td>`)
	wantRows(t, r, row("新建", "1"), row("处理中", "0"), row("P1 紧急", "1"), row("不足 1 天", "1"),
		row("2026年3月", "2", "1", "1", "50.0%", "1", "0", "100.0%"),
		row("2025年10月", "0", "0", "0", "—", "0", "0", "—"),
		row("高级维保（7x24）", "2", "1", "1", "50.0%", "1", "0", "100.0%"),
		">上海艾克米科技有限公司</a></th>"+`<td class="num">1</td><td class="num">1</td><td class="num">0</td><td class="num">100.0%</td>`,
		">北京贝塔数据有限公司</a></th>"+`<td class="num">1</td><td class="num">0</td><td class="num">1</td><td class="num">0.0%</td>`,
		row("2026年3月", "1", "4.00", "0", "0", "0", "1", "0"), row("4 分", "1"),
		`role="img"`, `<title>按月份统计的 SLA 达标率：2025年10月 首次响应达标率 — · 解决达标率 —；`, `2026年3月 首次响应达标率 50.0% · 解决达标率 100.0%</title>`,
		`href="/staff/reports/sla_month.csv?from=2025-10&to=2026-03"`, `href="/staff/reports/csat_month.xlsx?`)

	// The same in English, narrowed to one company by its link.
	en := d.e.signIn(d.agent, "en")
	r = en.Get("/staff/reports?from=2026-03&to=2026-03&company=" + itoa(d.c2.CompanyID))
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, "<h1>Reports</h1>", "Period: 2026-03 to 2026-03", "北京贝塔数据有限公司")
	wantRows(t, r, row("2026-03", "1", "0", "1", "0.0%", "0", "0", "—"), row("New", "1"),
		"No satisfaction rating was given in the period.")
	webtest.WantNoText(t, r, "上海艾克米科技有限公司")
}

func TestReportsRefuseABadPeriod(t *testing.T) {
	d := newReportDesk(t)
	c := d.e.signIn(d.agent, "en")
	for _, q := range []string{"from=2026-13", "from=2026-04&to=2026-03", "from=2023-01&to=2026-03"} {
		r := c.Get("/staff/reports?" + q)
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
		webtest.WantText(t, r, "Choose a valid range of months", `aria-invalid="true"`)
		webtest.WantNoText(t, r, "SLA attainment by month")
	}
}

func TestReportExports(t *testing.T) {
	d := newReportDesk(t)
	for _, lang := range []string{"zh-CN", "en"} {
		c := d.e.signIn(d.agent, lang)
		r := c.Get("/staff/reports/sla_company.csv?from=2026-03&to=2026-03")
		webtest.WantStatus(t, r, http.StatusOK)
		if !bytes.HasPrefix(r.Raw, []byte("\xef\xbb\xbf")) {
			t.Fatalf("%s CSV starts with %q, want the UTF-8 BOM", lang, r.Raw[:min(8, len(r.Raw))])
		}
		header := map[string]string{"zh-CN": "客户公司,工单数,首次响应达标,首次响应超时,首次响应达标率,解决达标,解决超时,解决达标率\r\n",
			"en": "Customer company,Tickets,First response met,First response breached,First response met %,Resolution met,Resolution breached,Resolution met %\r\n"}[lang]
		want := header + "上海艾克米科技有限公司,1,1,0,100.0%,1,0,100.0%\r\n" + "北京贝塔数据有限公司,1,0,1,0.0%,0,0,—\r\n"
		if got := string(r.Raw[3:]); got != want {
			t.Errorf("%s CSV =\n%q\nwant\n%q", lang, got, want)
		}
		if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("CSV content type %q", ct)
		}

		r = c.Get("/staff/reports/sla_month.xlsx?from=2026-02&to=2026-03")
		webtest.WantStatus(t, r, http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatalf("%s XLSX: %v", lang, err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		wantHead := map[string][]string{"zh-CN": {"月份", "工单数", "首次响应达标"}, "en": {"Month", "Tickets", "First response met"}}[lang]
		wantLast := map[string]string{"zh-CN": "2026年3月", "en": "2026-03"}[lang]
		if len(rows) != 3 || len(rows[0]) != 8 || rows[0][0] != wantHead[0] || rows[0][1] != wantHead[1] ||
			rows[0][2] != wantHead[2] || rows[2][0] != wantLast || rows[2][4] != "50.0%" {
			t.Errorf("%s XLSX rows = %q", lang, rows)
		}
		_ = f.Close()
	}
}

// A company named like a formula is written as text in the CSV.
func TestReportCSVDefusesFormulas(t *testing.T) {
	e := newEnv(t)
	cust := e.customer("evil@x.example", "=HYPERLINK(\"http://x\")")
	e.devs.add(cust.CompanyID, "SN-X-1", premium())
	e.open(cust, "告警", tk.P2, "SN-X-1")
	agent := e.staff("wang@example.com", "坐席 王", ident.RoleAgent)
	r := e.signIn(agent, "zh-CN").Get("/staff/reports/sla_company.csv")
	webtest.WantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Raw), "\r\n\"'=HYPERLINK(\"\"http://x\"\")\",1,") {
		t.Errorf("CSV = %q, want the company's name quoted behind an apostrophe", r.Raw)
	}
}

func TestReportsAreForAgentsAndAdmins(t *testing.T) {
	d := newReportDesk(t)
	rev := d.e.signIn(d.rev, "zh-CN")
	for _, p := range []string{"/staff/reports", "/staff/reports/sla_month.csv", "/staff/reports/csat_month.xlsx"} {
		webtest.WantStatus(t, rev.Get(p), http.StatusForbidden)
	}
	webtest.WantNoText(t, rev.Get("/staff"), `href="/staff/reports"`)
	agent := d.e.signIn(d.agent, "zh-CN")
	home := agent.Get("/staff")
	webtest.WantText(t, home, `<a href="/staff/reports">报表</a>`, `<a class="card" href="/staff/reports">`)
	anon := webtest.NewClient(t, d.e.app, "zh-CN")
	r := anon.Get("/staff/reports")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/staff/login") {
		t.Errorf("anonymous: %d to %q, want the staff sign-in", r.Status, r.Location())
	}
}

// The page lists the 20 companies with most tickets and says how many
// there are; the export has them all.
func TestReportsListTheTopCompanies(t *testing.T) {
	e := newEnv(t)
	for i := range 22 {
		cust := e.customer(fmt.Sprintf("c%d@x.example", i), fmt.Sprintf("公司 %02d", i))
		sn := fmt.Sprintf("SN-C-%d", i)
		e.devs.add(cust.CompanyID, sn, premium())
		e.open(cust, "告警", tk.P2, sn)
		if i == 21 { // the last company has the most tickets
			e.open(cust, "再次告警", tk.P2, sn)
		}
	}
	agent := e.staff("wang@example.com", "坐席 王", ident.RoleAgent)
	c := e.signIn(agent, "zh-CN")
	r := c.Get("/staff/reports")
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, "工单最多的 20 家，共 22 家", ">公司 21</a></th>", ">公司 00</a></th>", ">公司 18</a></th>")
	webtest.WantNoText(t, r, ">公司 19</a>", ">公司 20</a>")
	r = c.Get("/staff/reports/sla_company.csv")
	webtest.WantStatus(t, r, http.StatusOK)
	if n := strings.Count(string(r.Raw), "\r\n"); n != 23 {
		t.Errorf("CSV has %d lines, want the header and 22 companies:\n%s", n, r.Raw)
	}
}
