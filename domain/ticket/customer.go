package ticket

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/page"
)

// The status filters of 我的工单.
const (
	ShowOpen     = "open"
	ShowResolved = "resolved"
	ShowClosed   = "closed"
	ShowAll      = "all"
)

// ListQuery is 我的工单's filter: Show (ShowOpen by default), only the
// caller's own tickets, a search by number, title or SN, and a page.
type ListQuery struct {
	Show   string
	Mine   bool
	Search string
	Page   int
}

// List is one page of tickets.
type List struct {
	Tickets []Ticket
	Page    page.Page
}

// List returns 我的工单: the tickets of the caller's company, newest activity
// first, 20 a page.
func (s *Service) List(ctx context.Context, a Actor, q ListQuery) (List, error) {
	if _, err := s.customer(ctx, a); err != nil {
		return List{}, err
	}
	f := Filter{CompanyID: a.CompanyID, Search: strings.TrimSpace(q.Search), Sort: SortActivity}
	switch q.Show {
	case ShowResolved:
		f.Statuses = []Status{StatusResolved}
	case ShowClosed:
		f.Statuses = []Status{StatusClosed}
	case ShowAll:
	default:
		f.Statuses = []Status{StatusNew, StatusInProgress, StatusWaiting}
	}
	if q.Mine {
		f.OpenedBy = a.AccountID
	}
	return s.page(ctx, f, q.Page)
}

// page reads page number of the filter's tickets.
func (s *Service) page(ctx context.Context, f Filter, number int) (List, error) {
	r := s.d.Limits.List.Request(number, s.d.Limits.List.DefaultSize)
	f.Offset, f.Limit = r.Offset(), r.Limit()
	rows, total, err := s.d.Tickets.List(ctx, f, s.d.Limits.CountCap)
	if err != nil {
		return List{}, err
	}
	rows, more := page.Cut(r, rows)
	return List{Tickets: rows, Page: r.Page(len(rows), more, total, s.d.Limits.CountCap)}, nil
}

// View is a ticket as its page shows it: the thread oldest first (with
// internal notes for agents only) and the SLA clocks.
type View struct {
	Ticket   Ticket
	Messages []Message
	SLA      SLAState
}

// Detail returns a ticket of the customer's company with its public thread
// and its SLA; another company's ticket is NotFound.
func (s *Service) Detail(ctx context.Context, a Actor, id int64) (View, error) {
	if _, err := s.customer(ctx, a); err != nil {
		return View{}, err
	}
	t, err := s.own(ctx, a.CompanyID, id)
	if err != nil {
		return View{}, err
	}
	msgs, err := s.d.Threads.Messages(ctx, id, false)
	if err != nil {
		return View{}, err
	}
	sla, err := s.SLA(ctx, t)
	if err != nil {
		return View{}, err
	}
	return View{Ticket: t, Messages: msgs, SLA: sla}, nil
}

// checkBody validates a reply's text, next to the body field.
func checkBody(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return "", domain.FieldError("body", "error.ticket.body_required")
	case n > MaxDescription:
		return "", domain.FieldError("body", "error.ticket.body_long").With("Max", MaxDescription)
	case !utf8.ValidString(body) || strings.ContainsRune(body, 0):
		return "", domain.FieldError("body", "error.ticket.description_invalid")
	}
	return body, nil
}

func statusEvent(p Person, role Role, from, to Status) Event {
	return Event{ActorID: p.ID, ActorName: p.Name, ActorRole: role, Kind: EventStatus, From: string(from), To: string(to)}
}

// setStatus moves t to status to at now, keeping the resolution and closing
// times.
func setStatus(t *Ticket, to Status, now time.Time) {
	switch to {
	case StatusResolved:
		t.ResolvedAt = now
	case StatusClosed:
		t.ClosedAt = now
	case StatusInProgress, StatusWaiting, StatusNew:
		t.ResolvedAt = time.Time{}
	}
	t.Status = to
}

// Reply adds a customer's public message (with attachments) to a ticket of
// its company: a reply on 待客户反馈 or 已解决 moves it back to 处理中 (within
// 30 days of the resolution); the assignee, or the agents, are told.
func (s *Service) Reply(ctx context.Context, a Actor, id int64, body string, ups []Upload) (Message, error) {
	p, err := s.customer(ctx, a)
	if err != nil {
		return Message{}, err
	}
	if _, err := s.own(ctx, a.CompanyID, id); err != nil {
		return Message{}, err
	}
	if body, err = checkBody(body); err != nil {
		return Message{}, err
	}
	files, err := s.storeFiles(ctx, ups)
	if err != nil {
		return Message{}, err
	}
	now := s.now()
	m := Message{TicketID: id, AuthorID: p.ID, AuthorName: p.Name, AuthorRole: RoleCustomer, Body: body, CreatedAt: now}
	err = s.d.Tx.InTx(ctx, func(st Stores) error { return s.addCustomerReply(ctx, st, p, &m, files, now) })
	if err != nil {
		s.discard(ctx, files)
		return Message{}, err
	}
	return m, nil
}

// addCustomerReply is the unit of work of a customer's public message m
// with its stored files, from the web or by email: the state rules of
// AfterReply, the message, the author following the ticket and the staff
// told.
func (s *Service) addCustomerReply(ctx context.Context, st Stores, p Person, m *Message, files []attachment.Attachment, now time.Time) error {
	id := m.TicketID
	_, t, err := s.change(ctx, st, id, Loaded{}, now, func(t *Ticket) ([]Event, error) {
		next, err := AfterReply(*t, RoleCustomer, now)
		if err != nil {
			return nil, err
		}
		evs := []Event{{ActorID: p.ID, ActorName: p.Name, ActorRole: RoleCustomer, Kind: EventCustomerReply}}
		if next != t.Status {
			evs = append(evs, statusEvent(p, RoleCustomer, t.Status, next))
			setStatus(t, next, now)
		}
		return evs, nil
	})
	if err != nil {
		return err
	}
	if err := addMessage(ctx, st, m, files); err != nil {
		return err
	}
	if err := st.Threads.Follow(ctx, id, p.ID); err != nil {
		return err
	}
	return s.notifyStaff(ctx, st, t, NoticeCustomerReply, now, map[string]any{"Body": m.Body, "Author": p.Name,
		"Files": fileNames(m.Attachments)})
}

// fileNames joins the attachments' names for a notice.
func fileNames(as []Attachment) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// Close closes a ticket of the customer's company (已关闭).
func (s *Service) Close(ctx context.Context, a Actor, id int64) (Ticket, error) {
	return s.customerMove(ctx, a, id, StatusClosed)
}

// Reopen reopens a resolved ticket of the customer's company (处理中),
// within 30 days of its resolution.
func (s *Service) Reopen(ctx context.Context, a Actor, id int64) (Ticket, error) {
	return s.customerMove(ctx, a, id, StatusInProgress)
}

func (s *Service) customerMove(ctx context.Context, a Actor, id int64, to Status) (Ticket, error) {
	p, err := s.customer(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	if _, err := s.own(ctx, a.CompanyID, id); err != nil {
		return Ticket{}, err
	}
	now := s.now()
	var out Ticket
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		var err error
		_, out, err = s.change(ctx, st, id, Loaded{}, now, func(t *Ticket) ([]Event, error) {
			if err := Move(*t, RoleCustomer, to, now); err != nil {
				return nil, err
			}
			ev := statusEvent(p, RoleCustomer, t.Status, to)
			setStatus(t, to, now)
			return []Event{ev}, nil
		})
		if err != nil {
			return err
		}
		if statusNotified(to) {
			if err := s.notifyCustomers(ctx, st, out, NoticeStatus, now, p.ID, nil); err != nil {
				return err
			}
		}
		if err := s.notifyStaff(ctx, st, out, NoticeStatus, now, nil); err != nil {
			return err
		}
		return audit(ctx, st, "ticket_status", p.ID, now, out.Number+" "+string(to))
	})
	return out, err
}
