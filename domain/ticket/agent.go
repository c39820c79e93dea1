package ticket

import (
	"context"
	"errors"
	"strconv"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
)

// Assign gives the ticket to an agent (assigneeID 0: the caller), on the
// version the agent loaded; of two agents assigning at once one wins and
// the other gets the conflict.
func (s *Service) Assign(ctx context.Context, a Actor, id int64, loaded Loaded, assigneeID int64) (Ticket, error) {
	me, err := s.agent(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	to := me
	if assigneeID != 0 && assigneeID != me.ID {
		p, err := s.d.People.Person(ctx, assigneeID)
		if err != nil || !p.Staff || (p.Role != StaffAgent && p.Role != StaffAdmin) {
			if err != nil && domain.KindOf(err) != domain.NotFound {
				return Ticket{}, err
			}
			return Ticket{}, errNotAgent
		}
		to = p
	}
	return s.agentChange(ctx, me, id, loaded, "ticket_assignee", func(t *Ticket, now time.Time) ([]Event, error) {
		if t.AssigneeID == to.ID {
			return nil, nil
		}
		ev := Event{ActorID: me.ID, ActorName: me.Name, ActorRole: RoleStaff, Kind: EventAssignee, From: t.AssigneeName, To: to.Name}
		t.AssigneeID, t.AssigneeName = to.ID, to.Name
		return []Event{ev}, nil
	})
}

// SetStatus moves the ticket to a status by hand (the agents' rules of
// Move); the customers hear of 待客户反馈, 已解决 and 已关闭.
func (s *Service) SetStatus(ctx context.Context, a Actor, id int64, loaded Loaded, to Status) (Ticket, error) {
	me, err := s.agent(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	return s.agentChange(ctx, me, id, loaded, "ticket_status", func(t *Ticket, now time.Time) ([]Event, error) {
		if err := Move(*t, RoleStaff, to, now); err != nil {
			return nil, err
		}
		ev := statusEvent(me, RoleStaff, t.Status, to)
		setStatus(t, to, now)
		return []Event{ev}, nil
	})
}

// SetPriority changes the ticket's priority; its SLA targets follow.
func (s *Service) SetPriority(ctx context.Context, a Actor, id int64, loaded Loaded, p Priority) (Ticket, error) {
	me, err := s.agent(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	if !p.Valid() {
		return Ticket{}, domain.FieldError("priority", "error.ticket.priority")
	}
	return s.agentChange(ctx, me, id, loaded, "ticket_priority", func(t *Ticket, _ time.Time) ([]Event, error) {
		if t.Priority == p {
			return nil, nil
		}
		ev := Event{ActorID: me.ID, ActorName: me.Name, ActorRole: RoleStaff, Kind: EventPriority,
			From: strconv.Itoa(int(t.Priority)), To: strconv.Itoa(int(p))}
		t.Priority = p
		return []Event{ev}, nil
	})
}

// SetCategory changes the ticket's category.
func (s *Service) SetCategory(ctx context.Context, a Actor, id int64, loaded Loaded, c Category) (Ticket, error) {
	me, err := s.agent(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	if !c.Valid() {
		return Ticket{}, domain.FieldError("category", "error.ticket.category")
	}
	return s.agentChange(ctx, me, id, loaded, "", func(t *Ticket, _ time.Time) ([]Event, error) {
		if t.Category == c {
			return nil, nil
		}
		ev := Event{ActorID: me.ID, ActorName: me.Name, ActorRole: RoleStaff, Kind: EventCategory, From: string(t.Category), To: string(c)}
		t.Category = c
		return []Event{ev}, nil
	})
}

// errUnchanged ends a change that changes nothing without writing.
var errUnchanged = domain.E(domain.Invalid, "error.ticket.unchanged")

// agentChange runs one agent change on the loaded version in a unit of
// work, audited as auditType ("" none), with the status notices it causes.
// A change that changes nothing returns the ticket as it is.
func (s *Service) agentChange(ctx context.Context, me Person, id int64, loaded Loaded, auditType string,
	fn func(t *Ticket, now time.Time) ([]Event, error)) (Ticket, error) {
	if _, err := s.d.Tickets.Ticket(ctx, id); err != nil {
		return Ticket{}, err
	}
	now := s.now()
	var out Ticket
	err := s.d.Tx.InTx(ctx, func(st Stores) error {
		before, after, err := s.change(ctx, st, id, loaded, now, func(t *Ticket) ([]Event, error) {
			evs, err := fn(t, now)
			if err == nil && len(evs) == 0 {
				return nil, errUnchanged
			}
			return evs, err
		})
		if err != nil {
			return err
		}
		out = after
		if after.Status != before.Status && statusNotified(after.Status) {
			if err := s.notifyCustomers(ctx, st, after, NoticeStatus, now, 0, nil); err != nil {
				return err
			}
		}
		if auditType == "" {
			return nil
		}
		return audit(ctx, st, auditType, me.ID, now, after.Number+" "+changeDetail(before, after))
	})
	if errors.Is(err, errUnchanged) {
		return s.d.Tickets.Ticket(ctx, id)
	}
	return out, err
}

// changeDetail names what changed between two versions, for the audit log.
func changeDetail(a, b Ticket) string {
	switch {
	case a.Status != b.Status:
		return string(a.Status) + "->" + string(b.Status)
	case a.Priority != b.Priority:
		return "P" + strconv.Itoa(int(a.Priority)) + "->P" + strconv.Itoa(int(b.Priority))
	case a.AssigneeID != b.AssigneeID:
		return "assignee " + strconv.FormatInt(a.AssigneeID, 10) + "->" + strconv.FormatInt(b.AssigneeID, 10)
	}
	return ""
}

// StaffInput is an agent's message: a public reply or an internal note,
// with attachments and, optionally, the status the ticket takes in the same
// step ("reply and set 待客户反馈").
type StaffInput struct {
	Body     string
	Internal bool
	Files    []Upload
	Next     Status // "": the status the rules of AfterReply give
}

// StaffReply adds an agent's reply or note to the ticket, on the version the
// agent loaded. The customers get a public reply's text and its files'
// names, and the status notices; an internal note's text reaches no
// customer.
func (s *Service) StaffReply(ctx context.Context, a Actor, id int64, loaded Loaded, in StaffInput) (Message, Ticket, error) {
	me, err := s.agent(ctx, a)
	if err != nil {
		return Message{}, Ticket{}, err
	}
	if _, err := s.d.Tickets.Ticket(ctx, id); err != nil {
		return Message{}, Ticket{}, err
	}
	body, err := checkBody(in.Body)
	if err != nil {
		return Message{}, Ticket{}, err
	}
	if in.Next != "" && !in.Next.Valid() {
		return Message{}, Ticket{}, domain.FieldError("status", "error.ticket.transition")
	}
	files, err := s.storeFiles(ctx, in.Files)
	if err != nil {
		return Message{}, Ticket{}, err
	}
	now := s.now()
	m := Message{TicketID: id, AuthorID: me.ID, AuthorName: me.Name, AuthorRole: RoleStaff, Internal: in.Internal, Body: body, CreatedAt: now}
	var out Ticket
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		var err error
		out, err = s.addStaffReply(ctx, st, me, loaded, in, &m, files, now)
		return err
	})
	if err != nil {
		s.discard(ctx, files)
		return Message{}, Ticket{}, err
	}
	return m, out, nil
}

// addStaffReply is the unit of work of an agent's message m (a public reply
// or a note, as in says) with its stored files, from the web or by email,
// on the version loaded (0: any): the state rules, the message, the
// customers' notices and the audit of a status change.
func (s *Service) addStaffReply(ctx context.Context, st Stores, me Person, loaded Loaded, in StaffInput, m *Message,
	files []attachment.Attachment, now time.Time) (Ticket, error) {
	before, after, err := s.change(ctx, st, m.TicketID, loaded, now, func(t *Ticket) ([]Event, error) {
		if t.Status == StatusClosed {
			return nil, errClosed
		}
		var evs []Event
		next := t.Status
		if in.Internal {
			evs = append(evs, Event{ActorID: me.ID, ActorName: me.Name, ActorRole: RoleStaff, Kind: EventNote})
		} else {
			var err error
			if next, err = AfterReply(*t, RoleStaff, now); err != nil {
				return nil, err
			}
			evs = append(evs, Event{ActorID: me.ID, ActorName: me.Name, ActorRole: RoleStaff, Kind: EventStaffReply})
			if t.FirstResponseAt.IsZero() {
				t.FirstResponseAt = now
			}
		}
		if in.Next != "" && in.Next != next {
			moved := *t
			moved.Status = next
			if err := Move(moved, RoleStaff, in.Next, now); err != nil {
				return nil, domain.FieldError("status", domain.As(err).Key)
			}
			next = in.Next
		}
		if next != t.Status {
			evs = append(evs, statusEvent(me, RoleStaff, t.Status, next))
			setStatus(t, next, now)
		}
		return evs, nil
	})
	if err != nil {
		return Ticket{}, err
	}
	if err := addMessage(ctx, st, m, files); err != nil {
		return Ticket{}, err
	}
	if !in.Internal {
		extra := map[string]any{"Body": m.Body, "Author": me.Name, "Files": fileNames(m.Attachments)}
		if err := s.notifyCustomers(ctx, st, after, NoticeReply, now, 0, extra); err != nil {
			return Ticket{}, err
		}
	}
	if after.Status != before.Status && statusNotified(after.Status) {
		if err := s.notifyCustomers(ctx, st, after, NoticeStatus, now, 0, nil); err != nil {
			return Ticket{}, err
		}
	}
	if after.Status != before.Status {
		return after, audit(ctx, st, "ticket_status", me.ID, now, after.Number+" "+changeDetail(before, after))
	}
	return after, nil
}
