package staff

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	tk "supportal/domain/ticket"
)

// eventView is one line of a ticket's history as the agent reads it.
type eventView struct {
	At    time.Time
	Actor string
	Role  tk.Role
	Text  string
}

// clockView is one SLA metric of the ticket.
type clockView struct {
	Metric   string // message id of its name
	T        tk.Target
	Left     string // business time left, or how long it is overdue
	Breached bool
}

// lineView is one service line with whether it is active now.
type lineView struct {
	tk.Line
	Active bool
	Future bool // not started yet
}

// conflictView is a change refused because the ticket moved on since the
// agent loaded it: what happened meanwhile, and what the agent asked for.
type conflictView struct {
	Action   string // assign, reply, status, priority or category
	Changes  []eventView
	Messages []tk.Message // the messages written meanwhile
	Values   map[string]string
}

// ticketView is the data of an agent's ticket page.
type ticketView struct {
	T           tk.Ticket
	Messages    []tk.Message
	Events      []eventView // newest first
	CompanyOpen []tk.Ticket
	Device      *tk.Device
	LiveLines   []lineView
	SnapLines   []lineView
	Clocks      []clockView
	Agents      []tk.Person
	Me          int64
	Version     int
	Loaded      string
	Statuses    []string // the statuses the status form offers
	NextStatus  []string // the choices of "回复并设为"
	Priorities  []string
	Categories  []string
	Conflict    *conflictView
	// Action is the refused action whose form shows its messages; ErrIn
	// maps its fields to their id prefix, for the error summary.
	Action   string
	ErrIn    map[string]string
	MaxFiles int
	MaxMB    int
}

// ticketPage shows a ticket to an agent.
func (h *Handler) ticketPage(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	p, err := h.ticket(c, id)
	if err != nil {
		return err
	}
	return h.s.Render(c, "ticket/staff_ticket", p)
}

// ticket loads the ticket and builds its page.
func (h *Handler) ticket(c *fiber.Ctx, id int64) (*web.Page, error) {
	ctx, a := c.UserContext(), actor(c)
	d, err := h.svc.AgentDetail(ctx, a, id)
	if err != nil {
		return nil, err
	}
	agents, err := h.svc.Agents(ctx, a)
	if err != nil {
		return nil, err
	}
	t, now := d.Ticket, h.now()
	v := &ticketView{T: t, Messages: d.Messages, CompanyOpen: d.CompanyOpen, Device: d.Device, Agents: agents, Me: a.AccountID,
		Version: t.Version, Loaded: loadedStamp(t.UpdatedAt), MaxFiles: tk.DefaultLimits.MaxFiles,
		MaxMB:      int(tk.DefaultLimits.MaxFileBytes >> 20),
		NextStatus: []string{string(tk.StatusWaiting), string(tk.StatusResolved)}}
	for _, s := range tk.Statuses {
		if s != t.Status {
			v.Statuses = append(v.Statuses, string(s))
		}
	}
	for _, p := range tk.Priorities {
		v.Priorities = append(v.Priorities, strconv.Itoa(int(p)))
	}
	for _, k := range tk.Categories {
		v.Categories = append(v.Categories, string(k))
	}
	for i := len(d.Events) - 1; i >= 0; i-- {
		v.Events = append(v.Events, h.event(c, d.Events[i]))
	}
	v.SnapLines = lines(t.Snapshot.Lines, now)
	if d.Device != nil {
		v.LiveLines = lines(d.Device.Lines, now)
	}
	if t.Covered {
		for _, m := range []struct {
			id string
			t  tk.Target
		}{{"sla.metric.first", d.SLA.FirstResponse}, {"sla.metric.next", d.SLA.NextResponse}, {"sla.metric.resolution", d.SLA.Resolution}} {
			if m.t.Due.IsZero() && !m.t.Met {
				continue
			}
			cv := clockView{Metric: m.id, T: m.t, Breached: m.t.Breached}
			if m.t.Running || m.t.Paused {
				if m.t.Remaining < 0 || m.t.Breached {
					cv.Breached = true
					cv.Left = h.s.T(c, "staffticket.due.overdue", map[string]any{"Span": h.span(c, m.t.Remaining)})
				} else {
					cv.Left = h.s.T(c, "staffticket.sla.left", map[string]any{"Span": h.span(c, m.t.Remaining)})
				}
			}
			v.Clocks = append(v.Clocks, cv)
		}
	}
	p := h.s.Page(c)
	p.Title = "staffticket.ticket.title"
	p.Data = v
	p.SwitchForm = "reply-form"
	p.Form = map[string]string{"next_status": "", "assignee": strconv.FormatInt(t.AssigneeID, 10),
		"priority": strconv.Itoa(int(t.Priority)), "category": string(t.Category)}
	return p, nil
}

// lines marks which of the lines are active at now.
func lines(ls []tk.Line, now time.Time) []lineView {
	out := make([]lineView, 0, len(ls))
	for _, l := range ls {
		out = append(out, lineView{Line: l, Active: !now.Before(l.Start) && now.Before(l.End), Future: now.Before(l.Start)})
	}
	return out
}

// event describes a history entry in the agent's language.
func (h *Handler) event(c *fiber.Ctx, e tk.Event) eventView {
	from, to := e.From, e.To
	switch e.Kind {
	case tk.EventStatus:
		from, to = h.label(c, "ticket.status.", from), h.label(c, "ticket.status.", to)
	case tk.EventPriority:
		from, to = h.label(c, "ticket.priority.", from), h.label(c, "ticket.priority.", to)
	case tk.EventCategory:
		from, to = h.label(c, "ticket.category.", from), h.label(c, "ticket.category.", to)
	case tk.EventAssignee:
		if from == "" {
			from = h.s.T(c, "staffticket.unassigned", nil)
		}
		if to == "" {
			to = h.s.T(c, "staffticket.unassigned", nil)
		}
	}
	key := "staffticket.event." + string(e.Kind)
	if e.Kind == tk.EventRating && from == "" {
		key = "staffticket.event.rating_first"
	}
	actor := e.ActorName
	if e.ActorRole == tk.RoleSystem || actor == "" {
		actor = h.s.T(c, "staffticket.role.system", nil)
	}
	return eventView{At: e.At, Actor: actor, Role: e.ActorRole,
		Text: h.s.T(c, key, map[string]any{"From": from, "To": to})}
}

// label translates a code under prefix; an empty code is a dash.
func (h *Handler) label(c *fiber.Ctx, prefix, code string) string {
	if code == "" {
		return "–"
	}
	return h.s.T(c, prefix+code, nil)
}
