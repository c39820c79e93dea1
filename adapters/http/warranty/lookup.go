package warranty

import (
	"cmp"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/i18n"
	"supportal/domain"
	wty "supportal/domain/warranty"
)

// dateLayout shows the dates of service lines, the same in both languages
// and in the exports.
const dateLayout = "2006-01-02"

// lookupView is the data of the 服务查询 page.
type lookupView struct {
	Gate     bool // the company is not verified: explain instead of searching
	Fragment bool // rendered for htmx: carry the sort field out of band
	Name     string
	SN       string
	Sort     string
	Asc      bool
	Filtered bool // a name or serial number was given
	Devices  []deviceRow
	Total    int  // matching devices as shown (page.Page.Shown)
	Capped   bool // Total is a lower bound: "more than"
	From, To int  // 1-based range of the devices shown
	Page     int
	Pager    web.Pager
	DescURL  string // the same query sorted by end date, latest first
	AscURL   string // … earliest first
	CSVURL   string
	XLSXURL  string
	Updated  *updatedView // nil before the first successful import
	// Summary is the results' range ("第 1–20 台，共 37 台"), shown above
	// the table and announced in the status line.
	Summary string
	L       *labels // the table's texts in the customer's language
}

// labels are the texts that every row of the results repeats, looked up
// once per language instead of once per cell.
type labels struct {
	Name, SN, Order, SKU, Service, Start, End, Coverage, Ticket, NoLines string
}

// labelsFor returns the labels in the request's language.
func (h *Handler) labelsFor(c *fiber.Ctx) *labels {
	lang := web.Lang(c)
	if l, ok := h.labels.Load(lang); ok {
		return l.(*labels)
	}
	t := func(id string) string { return h.s.T(c, id, nil) }
	l := &labels{Name: t("warranty.col.name"), SN: t("warranty.col.sn"), Order: t("warranty.col.order"),
		SKU: t("warranty.col.sku"), Service: t("warranty.col.service"), Start: t("warranty.col.start"),
		End: t("warranty.col.end"), Coverage: t("warranty.col.coverage"), Ticket: t("warranty.ticket"), NoLines: t("warranty.no_lines")}
	h.labels.Store(lang, l)
	return l
}

// updatedView is 数据最后更新时间 in the customer's zone and language.
type updatedView struct {
	ISO  string
	Text string
}

// deviceRow is one device with its service lines; the device's cells span
// all its lines.
type deviceRow struct {
	ID int64 // for 【提交工单】 on the row
	// Ticket and TicketLabel are 【提交工单】 and its name for screen
	// readers, with the device's name and serial number.
	Ticket, TicketLabel string
	Name                string
	SN                  string
	OrderNo             string
	Lines               []lineRow
}

// lineRow is one service line with its coverage badge.
type lineRow struct {
	SKU      string
	Service  string
	Start    string
	End      string
	Coverage wty.Coverage
	Badge    string // the coverage in the customer's language
}

// lookupPage answers GET /warranty: the form and one page of results. htmx
// gets only the results (HX-Target results) or the form with the results
// (HX-Target warranty, for 重置). An unverified company is told why the
// lookup is closed.
func (h *Handler) lookupPage(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	p := h.s.Page(c)
	p.Title = "nav.warranty"
	in := searchInput(c)
	res, err := h.svc.Search(c.UserContext(), a.CompanyID, in)
	if err != nil {
		switch de := domain.As(err); {
		case de.Kind == domain.Forbidden && de.Key == "error.verification.required":
			p.Data = &lookupView{Gate: true}
			return h.render(c, p)
		case de.Kind == domain.Invalid: // e.g. a search too broad to finish in time
			p.FormError = h.s.T(c, de.Key, de.Data)
			res = wty.Result{Input: in.Normalize()}
		default:
			return err
		}
	}
	v := h.view(res, func(cv wty.Coverage) string { return h.s.T(c, "coverage."+string(cv), nil) })
	v.L = h.labelsFor(c)
	for i := range v.Devices {
		d := &v.Devices[i]
		d.Ticket, d.TicketLabel = v.L.Ticket, h.s.T(c, "warranty.ticket.label", map[string]any{"Name": d.Name, "SN": d.SN})
	}
	if v.Capped {
		v.Summary = h.s.T(c, "warranty.range_capped", map[string]any{"From": v.From, "To": v.To, "Count": v.Total})
	} else {
		v.Summary = h.s.T(c, "warranty.range", map[string]any{"From": v.From, "To": v.To, "Count": v.Total})
	}
	v.Pager = web.NewPager(c, res.Page, values(res.Input), "warranty.pages", "results")
	v.Pager.Range, v.Pager.RangeCapped = "warranty.range", "warranty.range_capped" // devices (台), as the summary
	at, ok, err := h.svc.LastUpdated(c.UserContext())
	if err != nil {
		return err
	}
	if ok {
		v.Updated = updated(at, p.Zone, web.Lang(c))
	}
	p.Form = map[string]string{"name": v.Name, "sn": v.SN}
	p.Data = v
	return h.render(c, p)
}

// render writes the page, or the block htmx asked for.
func (h *Handler) render(c *fiber.Ctx, p *web.Page) error {
	if hx := web.HTMX(c); hx.Partial() {
		switch hx.Target {
		case "results":
			p.Data.(*lookupView).Fragment = true
			return h.s.Fragment(c, fiber.StatusOK, "warranty/lookup", "results", p)
		case "warranty":
			return h.s.Fragment(c, fiber.StatusOK, "warranty/lookup", "lookup", p)
		}
	}
	return h.s.Render(c, "warranty/lookup", p)
}

// view builds the page's data from one page of results; badge names a
// coverage in the customer's language.
func (h *Handler) view(res wty.Result, badge func(wty.Coverage) string) *lookupView {
	in := res.Input
	v := &lookupView{Name: in.Name, SN: in.SN, Sort: in.Sort, Asc: in.Sort == wty.SortEndAsc,
		Filtered: in.Name != "" || in.SN != "", Page: in.Page,
		From: res.Page.From, To: res.Page.To}
	v.Total, v.Capped = res.Page.Shown()
	link := func(in wty.SearchInput) string { return "/warranty" + query(in) }
	desc, asc := in, in
	desc.Sort, asc.Sort = wty.SortEndDesc, wty.SortEndAsc
	v.DescURL, v.AscURL = link(desc), link(asc)
	v.CSVURL, v.XLSXURL = "/warranty/export.csv"+query(in), "/warranty/export.xlsx"+query(in)
	now := h.Now()
	for _, d := range res.Devices {
		row := deviceRow{ID: d.ID, Name: d.Name, SN: d.SN, OrderNo: d.OrderNo}
		for _, l := range sortedLines(d.Lines, v.Asc) {
			cov := wty.CoverageOn(l.Start, l.End, now, h.loc)
			row.Lines = append(row.Lines, lineRow{SKU: l.SKU, Service: l.ServiceName, Start: l.Start.Format(dateLayout),
				End: l.End.Format(dateLayout), Coverage: cov, Badge: badge(cov)})
		}
		v.Devices = append(v.Devices, row)
	}
	return v
}

// sortedLines orders a device's lines by end date in the devices' direction
// (then by start date the same way, then by SKU), without touching the
// caller's slice.
func sortedLines(lines []wty.Line, asc bool) []wty.Line {
	dir := -1
	if asc {
		dir = 1
	}
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b wty.Line) int {
		return cmp.Or(dir*a.End.Compare(b.End), dir*a.Start.Compare(b.Start), cmp.Compare(a.SKU, b.SKU))
	})
	return out
}

// updated formats 数据最后更新时间 for the language in the viewer's zone.
func updated(at time.Time, loc *time.Location, lang string) *updatedView {
	return &updatedView{ISO: at.In(loc).Format(time.RFC3339), Text: i18n.DateTime(lang, at, loc)}
}
