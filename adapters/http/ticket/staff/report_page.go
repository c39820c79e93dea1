package staff

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/ticket/report"
)

// ReportsPath is the staff reports page.
const ReportsPath = "/staff/reports"

// reportTiers are the tiers the filter offers (the tiers of the SLA
// settings).
var reportTiers = []string{"premium", "onsite", "standard"}

// Reports serves the staff reports (SPEC §4.8): the page and its exports.
type Reports struct {
	s   *web.Server
	svc *report.Service
}

// RegisterReports installs /staff/reports for agents and admins: the page,
// and each report as CSV and XLSX at /staff/reports/<name>.csv|.xlsx, with
// the page's query.
func RegisterReports(s *web.Server, svc *report.Service) *Reports {
	h := &Reports{s: s, svc: svc}
	g := s.App.Group(ReportsPath, s.RequireStaff(identity.RoleAgent, identity.RoleAdmin))
	g.Get("", h.page)
	g.Get("/:name.csv", h.exportCSV)
	g.Get("/:name.xlsx", h.exportXLSX)
	return h
}

// reportView is the data of the reports page.
type reportView struct {
	Period    report.Period
	Zone      string
	Tiers     []string
	Company   string // the name of the company filtered by
	NoCompany string // the page's URL without the company filter
	Query     string // the filter as a query string, for the exports' links
	Tables    []table
}

// input reads the page's filter: from and to ("yyyy-mm"), tier, company.
// The values kept in the form are returned with it.
func input(c *fiber.Ctx) (report.Input, map[string]string) {
	f := map[string]string{}
	for _, k := range []string{"from", "to", "tier", "company"} {
		f[k] = strings.TrimSpace(strings.Clone(c.Query(k)))
	}
	in := report.Input{From: f["from"], To: f["to"]}
	for _, t := range reportTiers {
		if f["tier"] == t {
			in.Tier = t
		}
	}
	f["tier"] = in.Tier
	if id, err := strconv.ParseInt(f["company"], 10, 64); err == nil && id > 0 {
		in.CompanyID = id
	} else {
		f["company"] = ""
	}
	if a, ok := web.Account(c); ok {
		in.Zone = a.Location()
	} else {
		in.Zone = identity.Location("")
	}
	return in, f
}

// query writes the filter as a query string, without the keys dropped.
func query(f map[string]string, drop ...string) url.Values {
	v := url.Values{}
	for _, k := range []string{"from", "to", "tier", "company"} {
		if f[k] != "" {
			v.Set(k, f[k])
		}
	}
	for _, k := range drop {
		v.Del(k)
	}
	return v
}

// page shows the reports for the period and filters of the query. A period
// the service refuses is shown next to the month fields, with 422.
func (h *Reports) page(c *fiber.Ctx) error {
	in, f := input(c)
	p := h.s.Page(c)
	p.Title = "report.title"
	p.Form = f
	v := &reportView{Tiers: reportTiers, Zone: in.Zone.String()}
	p.Data = v
	in.Companies = pageCompanies
	r, err := h.svc.Report(c.UserContext(), actor(c), in)
	if err != nil && domain.KindOf(err) == domain.Invalid {
		p.Errors = map[string]string{"from": h.s.T(c, domain.As(err).Key, nil)}
		return h.s.RenderStatus(c, fiber.StatusUnprocessableEntity, "report/reports", p)
	}
	if err != nil {
		return err
	}
	v.Period = r.Period
	f["from"], f["to"] = r.Period.From, r.Period.To
	v.Query = query(f).Encode()
	base := func(company string) string {
		q := query(f)
		q.Set("company", company)
		return ReportsPath + "?" + q.Encode()
	}
	v.Tables = h.reportTables(c, r, base)
	for i := range v.Tables {
		u := ReportsPath + "/" + v.Tables[i].Name
		v.Tables[i].CSV, v.Tables[i].XLSX = u+".csv?"+v.Query, u+".xlsx?"+v.Query
	}
	if in.CompanyID != 0 {
		v.NoCompany = ReportsPath + "?" + query(f, "company").Encode()
		for _, a := range r.SLA.ByCompany {
			if a.Key == f["company"] {
				v.Company = a.Label
			}
		}
		if v.Company == "" {
			v.Company = "#" + f["company"]
		}
	}
	return h.s.Render(c, "report/reports", p)
}
