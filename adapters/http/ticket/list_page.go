package ticket

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/i18n"
	"supportal/domain"
	tk "supportal/domain/ticket"
)

// shows are the status filters of 我的工单 in the order the form offers them.
var shows = []string{tk.ShowOpen, tk.ShowResolved, tk.ShowClosed, tk.ShowAll}

// listView is the data of 我的工单.
type listView struct {
	Gate     bool // the company is not verified: explain instead of listing
	Show     string
	Shows    []string
	Mine     bool
	Q        string
	Filtered bool // anything but the default filter was chosen
	Rows     []listRow
	Labels   listLabels
	// None tells that the company has no ticket at all (the empty state
	// that points to 提交工单 rather than to the filters).
	None     bool
	Total    int  // matching tickets as shown (page.Page.Shown)
	Capped   bool // Total is a lower bound: "more than"
	From, To int
	Page     int
	Pager    web.Pager
	AllURL   string // the same search over every status
}

// listRow is one ticket of the list, its texts ready: a template call
// costs more than the Go that prepares its value.
type listRow struct {
	URL          string
	Number       string
	Title        string
	SN           string
	Status       tk.Status
	StatusName   string
	Priority     tk.Priority
	PriorityName string
	UpdatedISO   string // RFC 3339, UTC
	Updated      string // in the viewer's zone and language, the zone named
	OpenedBy     string
}

// listLabels are the column names, written once per page: the narrow
// layout shows them in every cell (data-label).
type listLabels struct{ Number, SN, Status, Priority, Updated, OpenedBy string }

// listQuery reads the list's query string (copied: Fiber's strings live only
// during the handler); an unknown status filter is the default.
func listQuery(c *fiber.Ctx) tk.ListQuery {
	q := tk.ListQuery{Show: strings.Clone(c.Query("status")), Mine: c.Query("mine") == "1",
		Search: strings.TrimSpace(strings.Clone(c.Query("q"))), Page: c.QueryInt("page", 1)}
	if !slices.Contains(shows, q.Show) {
		q.Show = tk.ShowOpen
	}
	return q
}

// listValues are the list's query parameters, the defaults left out.
func listValues(q tk.ListQuery) url.Values {
	v := url.Values{}
	if q.Show != tk.ShowOpen {
		v.Set("status", q.Show)
	}
	if q.Mine {
		v.Set("mine", "1")
	}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	return v
}

// listPage answers GET /tickets: the filters and one page of the company's
// tickets, newest activity first. htmx gets the results only (HX-Target
// results) or the filters with the results (HX-Target tickets, for 重置).
// An unverified company is told why the list is closed.
func (h *Handler) listPage(c *fiber.Ctx) error {
	p := h.s.Page(c)
	p.Title = "nav.tickets"
	q := listQuery(c)
	res, err := h.svc.List(c.UserContext(), actor(c), q)
	if err != nil {
		if de := domain.As(err); de.Kind == domain.Forbidden && de.Key == "error.verification.required" {
			p.Data = &listView{Gate: true}
			return h.renderList(c, p)
		}
		return err
	}
	v := &listView{Show: q.Show, Shows: shows, Mine: q.Mine, Q: q.Search, Page: res.Page.Number,
		Filtered: q.Show != tk.ShowOpen || q.Mine || q.Search != "", From: res.Page.From, To: res.Page.To}
	v.Total, v.Capped = res.Page.Shown()
	tr := func(id string) string { return h.s.T(c, id, nil) }
	v.Labels = listLabels{Number: tr("tickets.col.number"), SN: tr("tickets.col.sn"), Status: tr("tickets.col.status"),
		Priority: tr("tickets.col.priority"), Updated: tr("tickets.col.updated"), OpenedBy: tr("tickets.col.opened_by")}
	lang := web.Lang(c)
	for _, t := range res.Tickets {
		v.Rows = append(v.Rows, listRow{URL: ticketURL(t.ID), Number: t.Number, Title: t.Title, SN: t.Snapshot.SN,
			Status: t.Status, StatusName: tr("ticket.status." + string(t.Status)),
			Priority: t.Priority, PriorityName: tr("ticket.priority." + strconv.Itoa(int(t.Priority))),
			UpdatedISO: t.UpdatedAt.UTC().Format(time.RFC3339), Updated: i18n.DateTime(lang, t.UpdatedAt, p.Zone),
			OpenedBy: t.OpenedByName})
	}
	if len(v.Rows) == 0 && res.Page.Number <= 1 {
		if v.None, err = h.noTickets(c, q); err != nil {
			return err
		}
	}
	all := q
	all.Show = tk.ShowAll
	v.AllURL = "/tickets?" + listValues(all).Encode()
	v.Pager = web.NewPager(c, res.Page, listValues(q), "tickets.pages", "results")
	v.Pager.Range, v.Pager.RangeCapped = "tickets.range", "tickets.range_capped" // tickets, as the summary
	p.Data = v
	return h.renderList(c, p)
}

// noTickets tells whether the company has no ticket at all, for the empty
// state of a list that shows none.
func (h *Handler) noTickets(c *fiber.Ctx, q tk.ListQuery) (bool, error) {
	if q.Show == tk.ShowAll && !q.Mine && q.Search == "" {
		return true, nil
	}
	all, err := h.svc.List(c.UserContext(), actor(c), tk.ListQuery{Show: tk.ShowAll})
	if err != nil {
		return false, err
	}
	return len(all.Tickets) == 0, nil
}

// renderList writes the list, or the block htmx asked for.
func (h *Handler) renderList(c *fiber.Ctx, p *web.Page) error {
	if hx := web.HTMX(c); hx.Partial() {
		switch hx.Target {
		case "results":
			return h.s.Fragment(c, fiber.StatusOK, "ticket/list", "results", p)
		case "tickets":
			return h.s.Fragment(c, fiber.StatusOK, "ticket/list", "tickets", p)
		}
	}
	return h.s.Render(c, "ticket/list", p)
}

// ticketURL is the detail page of a ticket.
func ticketURL(id int64) string { return "/tickets/" + itoa(id) }
