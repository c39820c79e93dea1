package ticket

import (
	"context"
	"slices"
	"strings"
	"time"

	"supportal/domain"
)

// The saved views of the agents' queue.
const (
	ViewUnassigned = "unassigned" // 未分配
	ViewMine       = "mine"       // 我的
	ViewDueSoon    = "due_soon"   // 即将超时: the next target within the hour
	ViewOverdue    = "overdue"    // 已超时
	ViewWaiting    = "waiting"    // 待客户反馈
	ViewOpen       = "open"       // all open
)

// Views lists the saved views in the order the queue shows them.
var Views = []string{ViewUnassigned, ViewMine, ViewDueSoon, ViewOverdue, ViewWaiting, ViewOpen}

// DueSoonWithin is how near a target must be for 即将超时.
const DueSoonWithin = time.Hour

var openStatuses = []Status{StatusNew, StatusInProgress, StatusWaiting}

// QueueQuery selects tickets of the agents' queue: a view (ViewOpen by
// default) narrowed by the filters and the search (number, title, SN or
// company name), sorted by the next SLA target, then age.
type QueueQuery struct {
	View       string
	Status     Status
	Priority   Priority
	Category   Category
	AssigneeID int64
	// CompanyID keeps one company's tickets (0: every company).
	CompanyID int64
	Covered   *bool
	Search    string
	Page      int
}

// Queue is one page of the queue and the count of every view.
type Queue struct {
	List
	Counts map[string]int
	// Left is, by ticket id, the working time left to the next target of
	// each open ticket of the page that has one (negative when overdue),
	// in its tier's calendar.
	Left map[int64]time.Duration
}

// viewFilter returns the filter of a view for the agent at now.
func viewFilter(view string, me int64, now time.Time) Filter {
	f := Filter{Statuses: openStatuses, Sort: SortDue}
	switch view {
	case ViewUnassigned:
		f.Unassigned = true
	case ViewMine:
		f.AssigneeID = me
	case ViewDueSoon:
		f.DueFrom, f.DueBefore = now, now.Add(DueSoonWithin)
	case ViewOverdue:
		f.DueBefore = now
	case ViewWaiting:
		f.Statuses = []Status{StatusWaiting}
	}
	return f
}

// Queue returns the agents' queue (agents and admins only).
func (s *Service) Queue(ctx context.Context, a Actor, q QueueQuery) (Queue, error) {
	if _, err := s.agent(ctx, a); err != nil {
		return Queue{}, err
	}
	now := s.now()
	if !slices.Contains(Views, q.View) {
		q.View = ViewOpen
	}
	counts, err := s.counts(ctx, a, now)
	if err != nil {
		return Queue{}, err
	}
	out := Queue{Counts: counts}
	f := viewFilter(q.View, a.AccountID, now)
	if q.Status != "" {
		if !slices.Contains(f.Statuses, q.Status) {
			return Queue{Counts: out.Counts, List: List{Page: s.d.Limits.List.Request(1, 0).Page(0, false, 0, 0)}}, nil
		}
		f.Statuses = []Status{q.Status}
	}
	f.Priority, f.Category, f.Covered, f.Search = q.Priority, q.Category, q.Covered, strings.TrimSpace(q.Search)
	f.CompanyID = q.CompanyID
	if q.AssigneeID != 0 && q.View != ViewUnassigned {
		f.AssigneeID = q.AssigneeID
	}
	l, err := s.page(ctx, f, q.Page)
	if err != nil {
		return Queue{}, err
	}
	out.List = l
	out.Left = make(map[int64]time.Duration, len(l.Tickets))
	for _, t := range l.Tickets {
		if t.NextDue.IsZero() || !t.Open() {
			continue
		}
		if out.Left[t.ID], err = s.d.Clocks.Remaining(ctx, t.Tier, now, t.NextDue); err != nil {
			return Queue{}, err
		}
	}
	return out, nil
}

// Agents returns the staff who handle tickets, for the assignee choices
// (agents and admins only).
func (s *Service) Agents(ctx context.Context, a Actor) ([]Person, error) {
	if _, err := s.agent(ctx, a); err != nil {
		return nil, err
	}
	return s.d.People.Agents(ctx)
}

// CountCap is the count up to which the lists count; a count above it
// means "more than CountCap".
func (s *Service) CountCap() int { return s.d.Limits.CountCap }

func cut(size int, rows []Ticket) ([]Ticket, bool) {
	if len(rows) > size {
		return rows[:size], true
	}
	return rows, false
}

// AgentView is a ticket as the agents' page shows it: the thread with
// internal notes, the history, the company's other open tickets and the
// device's live warranty beside the snapshot.
type AgentView struct {
	View
	Events      []Event
	CompanyOpen []Ticket
	// Device is the device as the warranty data has it now (nil: no
	// device, or the device is gone).
	Device *Device
}

// maxCompanyOpen bounds the company's other open tickets on the page.
const maxCompanyOpen = 20

// AgentDetail returns a ticket for an agent or admin.
func (s *Service) AgentDetail(ctx context.Context, a Actor, id int64) (AgentView, error) {
	if _, err := s.agent(ctx, a); err != nil {
		return AgentView{}, err
	}
	t, err := s.d.Tickets.Ticket(ctx, id)
	if err != nil {
		return AgentView{}, err
	}
	msgs, err := s.d.Threads.Messages(ctx, id, true)
	if err != nil {
		return AgentView{}, err
	}
	evs, err := s.d.Threads.Events(ctx, id)
	if err != nil {
		return AgentView{}, err
	}
	v := AgentView{View: View{Ticket: t, Messages: msgs}, Events: evs}
	if t.Covered {
		if v.SLA, err = s.d.Clocks.State(ctx, t, evs, s.now()); err != nil {
			return AgentView{}, err
		}
	}
	others, _, err := s.d.Tickets.List(ctx, Filter{CompanyID: t.CompanyID, Statuses: openStatuses, Sort: SortActivity,
		Limit: maxCompanyOpen + 1}, 0)
	if err != nil {
		return AgentView{}, err
	}
	for _, o := range others {
		if o.ID != t.ID && len(v.CompanyOpen) < maxCompanyOpen {
			v.CompanyOpen = append(v.CompanyOpen, o)
		}
	}
	if t.Snapshot.DeviceID != 0 {
		switch d, err := s.d.Devices.DeviceByID(ctx, t.CompanyID, t.Snapshot.DeviceID); {
		case err == nil:
			v.Device = &d
		case domain.KindOf(err) != domain.NotFound:
			return AgentView{}, err
		}
	}
	return v, nil
}

// Counts returns how many tickets each saved view of the agent holds (a
// count above Limits.CountCap means more than CountCap), for the staff
// workbench.
func (s *Service) Counts(ctx context.Context, a Actor) (map[string]int, error) {
	if _, err := s.agent(ctx, a); err != nil {
		return nil, err
	}
	return s.counts(ctx, a, s.now())
}

func (s *Service) counts(ctx context.Context, a Actor, now time.Time) (map[string]int, error) {
	fs := make([]Filter, len(Views))
	for i, v := range Views {
		fs[i] = viewFilter(v, a.AccountID, now)
	}
	ns, err := s.d.Counter.CountEach(ctx, fs, s.d.Limits.CountCap)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(Views))
	for i, v := range Views {
		out[v] = ns[i]
	}
	return out, nil
}
