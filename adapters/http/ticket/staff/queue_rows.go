package staff

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	tk "supportal/domain/ticket"
)

// queueRow is one ticket of the queue as the agent reads it, with every text
// and link of its row ready: the page renders twenty of them, and each
// template call costs more than the Go that prepares its value.
type queueRow struct {
	T     tk.Ticket
	Class string // "row-overdue", "row-soon" or ""
	// Due is the working time left to the next target ("剩余工作时间 45
	// 分钟") or how long ago it was due ("已超时 2 小时"); "" without a
	// running target.
	Due      string
	Overdue  bool
	Soon     bool   // due within the hour
	NoDue    string // why there is no running target (uncovered, paused), or "–"
	DueISO   string // the next target (RFC 3339, UTC); "" without one
	DueLocal string // the next target in the viewer's zone
	Href     string // the ticket's page
	Age      string // "创建于 2026-11-30 09:12"
	// CompanyHref filters the queue by the ticket's company.
	CompanyHref string
	Status      string // the status's name
	Priority    string // the priority's name
	Rating      string // the satisfaction badge; "" when not rated
}

// queueLabels are the column names, written once per page: the narrow
// layout shows them in every cell (data-label).
type queueLabels struct {
	Due, Number, Title, Company, SN, Status, Priority, Assignee string
	Uncovered, CompanyOnly                                      string
}

// labels returns the queue's column names in the viewer's language.
func (h *Handler) labels(c *fiber.Ctx) queueLabels {
	t := func(id string) string { return h.s.T(c, id, nil) }
	return queueLabels{Due: t("staffticket.col.due"), Number: t("staffticket.col.number"), Title: t("staffticket.col.title"),
		Company: t("staffticket.col.company"), SN: t("staffticket.col.sn"), Status: t("staffticket.col.status"),
		Priority: t("staffticket.col.priority"), Assignee: t("staffticket.col.assignee"),
		Uncovered: t("staffticket.uncovered"), CompanyOnly: t("staffticket.filter.company_only")}
}

// row describes a ticket for the queue: its next target (the working time
// left, which the service gives in the tier's calendar, or how long ago it
// was due), its times in the viewer's zone and its links.
func (h *Handler) row(c *fiber.Ctx, t tk.Ticket, left map[int64]time.Duration, now time.Time, zone *time.Location) queueRow {
	id := strconv.FormatInt(t.ID, 10)
	r := queueRow{T: t, Href: "/staff/tickets/" + id,
		CompanyHref: "/staff/tickets?company=" + strconv.FormatInt(t.CompanyID, 10),
		Status:      h.s.T(c, "ticket.status."+string(t.Status), nil),
		Priority:    h.s.T(c, "ticket.priority."+strconv.Itoa(int(t.Priority)), nil),
		Age:         h.s.T(c, "staffticket.queue.age", map[string]any{"At": t.CreatedAt.In(zone).Format("2006-01-02 15:04")})}
	if t.Rating.Rated() {
		r.Rating = h.s.T(c, "staffticket.rating.badge", map[string]any{"Score": t.Rating.Score})
	}
	if !t.NextDue.IsZero() {
		r.DueISO = t.NextDue.UTC().Format(time.RFC3339)
		r.DueLocal = t.NextDue.In(zone).Format("2006-01-02 15:04")
	}
	switch {
	case !t.Covered:
		r.NoDue = h.s.T(c, "staffticket.due.none", nil)
	case t.Status == tk.StatusWaiting:
		r.NoDue = h.s.T(c, "staffticket.due.paused", nil)
	default:
		r.NoDue = "–"
	}
	if t.NextDue.IsZero() || !t.Open() {
		return r
	}
	wall := t.NextDue.Sub(now)
	if wall <= 0 {
		r.Overdue, r.Class = true, "row-overdue"
		r.Due = h.s.T(c, "staffticket.due.overdue", map[string]any{"Span": h.span(c, -wall)})
		return r
	}
	r.Soon = wall <= tk.DueSoonWithin // as the 即将超时 view counts
	if r.Soon {
		r.Class = "row-soon"
	}
	work, ok := left[t.ID]
	if !ok {
		work = wall
	}
	r.Due = h.s.T(c, "staffticket.due.left", map[string]any{"Span": h.span(c, work)})
	return r
}

// agentOption is one choice of the assignee filter.
type agentOption struct {
	ID       int64
	Name     string
	Selected bool
}

// agentOptions lists the agents for the assignee filter, the one filtered
// by selected.
func agentOptions(agents []tk.Person, selected int64) []agentOption {
	out := make([]agentOption, len(agents))
	for i, a := range agents {
		out[i] = agentOption{ID: a.ID, Name: a.Name, Selected: a.ID == selected}
	}
	return out
}
