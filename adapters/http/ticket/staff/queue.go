package staff

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	tk "supportal/domain/ticket"
)

// tab is one saved view of the queue with its count ("1000+" above the cap).
type tab struct {
	View    string
	Count   string
	URL     string
	Current bool
}

// queueView is the data of the queue page.
type queueView struct {
	View       string
	Tabs       []tab
	Rows       []queueRow
	Labels     queueLabels
	Pager      web.Pager
	Filtered   bool
	Fragment   bool
	Agents     []agentOption
	Company    string // the name of the company filtered by ("" none)
	CompanyID  int64
	NoCompany  string // the queue's URL without the company filter
	Statuses   []string
	Priorities []string
	Categories []string
	Coverage   []string
}

// queueParams are the query parameters the queue keeps in its links.
var queueParams = []string{"view", "status", "priority", "category", "company", "assignee", "coverage", "q"}

// queuePage shows the agents' queue: the saved views with their counts, the
// filters and the tickets sorted by their next SLA target, then age. htmx
// gets the views and the results only.
func (h *Handler) queuePage(c *fiber.Ctx) error {
	f := map[string]string{}
	for _, k := range queueParams {
		f[k] = strings.TrimSpace(strings.Clone(c.Query(k)))
	}
	q := tk.QueueQuery{View: f["view"], Status: tk.Status(f["status"]), Category: tk.Category(f["category"]), Search: f["q"],
		Page: c.QueryInt("page", 1)}
	if !slices.Contains(tk.Views, q.View) {
		q.View, f["view"] = tk.ViewOpen, ""
	}
	if !q.Status.Valid() {
		q.Status, f["status"] = "", ""
	}
	if !q.Category.Valid() {
		q.Category, f["category"] = "", ""
	}
	if p, err := strconv.Atoi(f["priority"]); err == nil && tk.Priority(p).Valid() {
		q.Priority = tk.Priority(p)
	} else {
		f["priority"] = ""
	}
	if id, err := strconv.ParseInt(f["assignee"], 10, 64); err == nil && id > 0 {
		q.AssigneeID = id
	} else {
		f["assignee"] = ""
	}
	if id, err := strconv.ParseInt(f["company"], 10, 64); err == nil && id > 0 {
		q.CompanyID = id
	} else {
		f["company"] = ""
	}
	switch f["coverage"] {
	case "covered", "uncovered":
		covered := f["coverage"] == "covered"
		q.Covered = &covered
	default:
		f["coverage"] = ""
	}
	ctx, a := c.UserContext(), actor(c)
	res, err := h.svc.Queue(ctx, a, q)
	if err != nil {
		return err
	}
	agents, err := h.svc.Agents(ctx, a)
	if err != nil {
		return err
	}
	vals := url.Values{}
	for _, k := range queueParams {
		if f[k] != "" {
			vals.Set(k, f[k])
		}
	}
	v := &queueView{View: q.View, Agents: agentOptions(agents, q.AssigneeID), CompanyID: q.CompanyID, Fragment: web.IsHTMX(c),
		Filtered: f["status"] != "" || f["priority"] != "" || f["category"] != "" || f["company"] != "" ||
			f["assignee"] != "" || f["coverage"] != "" || f["q"] != "",
		Pager:    web.NewPager(c, res.Page, vals, "staffticket.queue.pages", "queue"),
		Statuses: []string{string(tk.StatusNew), string(tk.StatusInProgress), string(tk.StatusWaiting)},
		Coverage: []string{"covered", "uncovered"}}
	for _, p := range tk.Priorities {
		v.Priorities = append(v.Priorities, strconv.Itoa(int(p)))
	}
	for _, k := range tk.Categories {
		v.Categories = append(v.Categories, string(k))
	}
	for _, view := range tk.Views {
		tv := url.Values{}
		for k, vs := range vals {
			tv[k] = vs
		}
		tv.Del("view")
		if view != tk.ViewOpen {
			tv.Set("view", view)
		}
		u := "/staff/tickets"
		if len(tv) > 0 {
			u += "?" + tv.Encode()
		}
		v.Tabs = append(v.Tabs, tab{View: view, URL: u, Current: view == q.View, Count: h.count(res.Counts[view])})
	}
	if q.CompanyID != 0 {
		nv := url.Values{}
		for k, vs := range vals {
			nv[k] = vs
		}
		nv.Del("company")
		v.NoCompany = "/staff/tickets"
		if len(nv) > 0 {
			v.NoCompany += "?" + nv.Encode()
		}
	}
	p := h.s.Page(c)
	now := h.now()
	v.Labels = h.labels(c)
	for _, t := range res.Tickets {
		if q.CompanyID != 0 && v.Company == "" {
			v.Company = t.CompanyName
		}
		v.Rows = append(v.Rows, h.row(c, t, res.Left, now, p.Zone))
	}
	p.Title = "staffticket.queue.title"
	p.Form = f
	p.Data = v
	if web.Targets(c, "queue") {
		return h.s.Fragment(c, fiber.StatusOK, "ticket/staff_queue", "queue", p)
	}
	return h.s.Render(c, "ticket/staff_queue", p)
}

// count shows a view's count, "200+" above the service's cap.
func (h *Handler) count(n int) string {
	if max := h.svc.CountCap(); n > max {
		return strconv.Itoa(max) + "+"
	}
	return strconv.Itoa(n)
}

// span writes a duration in days, hours and minutes, the two largest units
// that are not zero ("2 小时 15 分钟", "3 天 4 小时", at least "1 分钟").
func (h *Handler) span(c *fiber.Ctx, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	mins := int(d / time.Minute)
	days, hours, m := mins/(24*60), mins/60%24, mins%60
	part := func(id string, n int) string { return h.s.T(c, id, map[string]any{"Count": n}) }
	switch {
	case days > 0 && hours > 0:
		return part("duration.days", days) + " " + part("duration.hours", hours)
	case days > 0:
		return part("duration.days", days)
	case hours > 0 && m > 0:
		return part("duration.hours", hours) + " " + part("duration.minutes", m)
	case hours > 0:
		return part("duration.hours", hours)
	}
	return part("duration.minutes", max(m, 1))
}
