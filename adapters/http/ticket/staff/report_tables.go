package staff

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/i18n"
	"supportal/domain/ticket/report"
)

// table is one report as a table: the page shows it with its chart, the
// exports write its header and rows. The first cell of each row names it.
type table struct {
	Name    string // the export's name: backlog_status, sla_month, …
	Caption string
	Header  []string
	Rows    [][]string
	Links   []string // per row, a link for its first cell ("" none)
	Empty   string   // shown instead of table and chart when Rows judge nothing
	IsEmpty bool
	Chart   *chart
	// CSV and XLSX are the links of its downloads, with the page's filter.
	CSV, XLSX string
}

// tableNames are the reports of the page, in its order.
var tableNames = []string{"backlog_status", "backlog_priority", "backlog_age", "sla_month", "sla_tier",
	"sla_company", "csat_month", "csat_score"}

// pageCompanies is how many companies the page asks for; the export has
// all.
const pageCompanies = 20

// reportTables turns a report into its tables, in the viewer's language.
func (h *Reports) reportTables(c *fiber.Ctx, r report.Report, base func(company string) string) []table {
	t := func(id string) string { return h.s.T(c, id, nil) }
	sum := func(caption string, parts []string) string {
		return h.s.T(c, "report.chart.summary", map[string]any{"Caption": caption,
			"Figures": strings.Join(parts, t("report.chart.sep"))})
	}
	out := make([]table, 0, len(tableNames))
	// The backlog.
	count := t("report.col.count")
	back := func(name, dim, prefix string, rows []report.Count) table {
		tb := table{Name: name, Caption: t("report." + name), Header: []string{t(dim), count},
			Empty: t("report.backlog.empty"), IsEmpty: r.Backlog.Total == 0}
		for _, c := range rows {
			tb.Rows = append(tb.Rows, []string{t(prefix + c.Key), strconv.Itoa(c.N)})
		}
		tb.Chart = countChart(sum, tb.Caption, tb.Rows)
		return tb
	}
	out = append(out, back("backlog_status", "report.col.status", "ticket.status.", r.Backlog.ByStatus),
		back("backlog_priority", "report.col.priority", "ticket.priority.", r.Backlog.ByPriority),
		back("backlog_age", "report.col.age", "report.age.", r.Backlog.Age))
	// SLA attainment.
	lang := web.Lang(c)
	slaHeader := func(first string) []string {
		return []string{t(first), t("report.col.tickets"), t("report.col.first_met"), t("report.col.first_breached"),
			t("report.col.first_share"), t("report.col.res_met"), t("report.col.res_breached"), t("report.col.res_share")}
	}
	judged := 0
	for _, a := range r.SLA.ByMonth {
		judged += a.Tickets
	}
	sla := func(name, first string, rows []report.Attainment, label func(report.Attainment) string) table {
		tb := table{Name: name, Caption: t("report." + name), Header: slaHeader(first), Empty: t("report.sla.empty"),
			IsEmpty: judged == 0}
		for _, a := range rows {
			tb.Rows = append(tb.Rows, []string{label(a), strconv.Itoa(a.Tickets), strconv.Itoa(a.First.Met),
				strconv.Itoa(a.First.Breached), share(a.First), strconv.Itoa(a.Res.Met),
				strconv.Itoa(a.Res.Breached), share(a.Res)})
		}
		return tb
	}
	month := func(a report.Attainment) string { return monthLabel(lang, a.Key) }
	sm := sla("sla_month", "report.col.month", r.SLA.ByMonth, month)
	sm.Chart = shareChart(sum, sm.Caption, t("report.col.first_share"), t("report.col.res_share"), lang, r.SLA.ByMonth, month)
	tier := func(a report.Attainment) string { return t("sla.tier." + a.Key) }
	st := sla("sla_tier", "report.col.tier", r.SLA.ByTier, tier)
	st.Chart = shareChart(sum, st.Caption, t("report.col.first_share"), t("report.col.res_share"), lang, r.SLA.ByTier, tier)
	company := func(a report.Attainment) string { return a.Label }
	// The page lists the pageCompanies it asked for, each with its link
	// and in the chart; an export lists every company, without a chart.
	cos := r.SLA.ByCompany
	sc := sla("sla_company", "report.col.company", cos, company)
	if base != nil {
		for _, a := range cos {
			sc.Links = append(sc.Links, base(a.Key))
		}
		if r.SLA.Companies > len(cos) {
			sc.Caption = h.s.T(c, "report.sla_company.top", map[string]any{"N": len(cos), "All": r.SLA.Companies})
		}
		sc.Chart = shareChart(sum, sc.Caption, t("report.col.first_share"), t("report.col.res_share"), lang, cos, company)
	}
	out = append(out, sm, st, sc)
	// Satisfaction.
	cm := table{Name: "csat_month", Caption: t("report.csat_month"), Empty: t("report.csat.empty"),
		IsEmpty: r.CSAT.All.Count() == 0, Header: []string{t("report.col.month"), t("report.col.ratings"), t("report.col.average"),
			"1", "2", "3", "4", "5"}}
	for _, m := range append(r.CSAT.Months, report.Ratings{Key: ""}) {
		label := t("report.total")
		if m.Key != "" {
			label = monthLabel(lang, m.Key)
		} else {
			m = r.CSAT.All
		}
		row := []string{label, strconv.Itoa(m.Count()), average(m)}
		for _, n := range m.Score {
			row = append(row, strconv.Itoa(n))
		}
		cm.Rows = append(cm.Rows, row)
	}
	cm.Chart = averageChart(sum, cm.Caption, lang, r.CSAT.Months)
	cs := table{Name: "csat_score", Caption: t("report.csat_score"), Empty: cm.Empty, IsEmpty: cm.IsEmpty,
		Header: []string{t("report.col.score"), t("report.col.ratings")}}
	for i, n := range r.CSAT.All.Score {
		cs.Rows = append(cs.Rows, []string{h.s.T(c, "report.score", map[string]any{"Score": i + 1}), strconv.Itoa(n)})
	}
	cs.Chart = countChart(sum, cs.Caption, cs.Rows)
	return append(out, cm, cs)
}

// share writes the part of a tally met as a percentage with one decimal;
// "—" when nothing was judged.
func share(t report.Tally) string {
	s, ok := t.Share()
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(s*100, 'f', 1, 64) + "%"
}

// average writes the mean score with two decimals; "—" without ratings.
func average(r report.Ratings) string {
	a, ok := r.Average()
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(a, 'f', 2, 64)
}

// monthLabel writes "2026-11" as the language writes a month.
func monthLabel(lang, key string) string {
	if len(key) != 7 {
		return key
	}
	if lang == i18n.ZH {
		m, _ := strconv.Atoi(key[5:])
		return key[:4] + "年" + strconv.Itoa(m) + "月"
	}
	return key
}
