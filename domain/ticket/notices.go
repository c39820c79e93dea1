package ticket

import (
	"context"
	"slices"
	"time"

	"supportal/ports"
)

// The notices' templates: the message ids mail.<template>.subject and
// mail.<template>.body.
const (
	NoticeCreated       = "ticket_created"        // to the opener: number and first-response target
	NoticeReply         = "ticket_reply"          // to the customers: a public staff reply
	NoticeStatus        = "ticket_status"         // to the customers: waiting, resolved, closed
	NoticeNewAgent      = "ticket_new_agent"      // to the assignee or the agents: a new ticket
	NoticeCustomerReply = "ticket_customer_reply" // to the assignee or the agents: a customer message
)

// notice enqueues one notice about t to p in p's language. The data carries
// the ticket's number, title, status and priority (as message ids), the
// first-response target (DueTime, RFC 3339, which the notifier formats in
// TimeZone), the ticket's page (Path) and the time of the event (At).
func (s *Service) notice(ctx context.Context, st Stores, p Person, template string, t Ticket, now time.Time, extra map[string]any) error {
	n, ok := s.noticeTo(p, template, t, now, extra)
	if !ok {
		return nil
	}
	return st.Outbox.Enqueue(ctx, n)
}

// noticeTo returns the notice about t to p (see notice); none when p has no
// email address.
func (s *Service) noticeTo(p Person, template string, t Ticket, now time.Time, extra map[string]any) (ports.Notice, bool) {
	if p.Email == "" {
		return ports.Notice{}, false
	}
	data := map[string]any{
		"Name": p.Name, "Number": t.Number, "Title": t.Title, "Company": t.CompanyName,
		"StatusKey": "ticket.status." + string(t.Status), "PriorityKey": "ticket.priority." + itoa(int64(t.Priority)),
		"Covered": t.Covered, "TimeZone": p.TimeZone, "At": now.UTC().Format(time.RFC3339),
	}
	// The link leads to the ticket's page of the recipient's side.
	data["Path"] = "/tickets/" + itoa(t.ID)
	if p.Staff {
		data["Path"] = "/staff/tickets/" + itoa(t.ID)
	}
	if !t.FirstResponseDue.IsZero() {
		data["DueTime"] = t.FirstResponseDue.UTC().Format(time.RFC3339)
	}
	if invitesRating(p, template, t) {
		data["Rate"] = true
	}
	for k, v := range extra {
		data[k] = v
	}
	s.threadHeaders(data, template, t.ID, p)
	return ports.Notice{To: p.Email, Lang: p.Lang, Template: template, Data: data}, true
}

// invitesRating tells whether the notice to p invites a rating: a customer
// told that the ticket is resolved or closed, which has no rating yet. The
// mail links to the rating form on the ticket's page (a GET changes
// nothing: mail scanners open links).
func invitesRating(p Person, template string, t Ticket) bool {
	if p.Staff || t.Rating.Rated() || (t.Status != StatusResolved && t.Status != StatusClosed) {
		return false
	}
	return template == NoticeStatus || template == NoticeAutoResolved || template == NoticeAutoClosed
}

// threadHeaders adds the recipient's reply address and the thread's message
// ids to a notice's data: the opener's creation email is the root of the
// thread (its id is ThreadID), every other email a fresh id that refers to
// the root. The answers to an email (on a closed ticket, with refused
// files) have no reply address and say they are automatic.
func (s *Service) threadHeaders(data map[string]any, template string, ticketID int64, p Person) {
	m := s.d.Mail
	if !m.enabled() {
		return
	}
	switch template {
	case NoticeMailClosed, NoticeMailFiles: // automatic answers, which take no reply
		data[ports.MailAutoSubmitted] = "auto-replied"
	default:
		data[ports.MailReplyTo] = m.ReplyAddress(ticketID, p.ID)
		// An agent's emailed reply is public: the footer says so.
		data[ports.MailFooter] = "mail.footer_reply"
		if p.Staff {
			data[ports.MailFooter] = "mail.footer_reply_staff"
		}
	}
	if template == NoticeCreated {
		data[ports.MailMessageID] = m.ThreadID(ticketID)
		return
	}
	data[ports.MailMessageID] = m.messageID(ticketID)
	data[ports.MailInReplyTo] = m.ThreadID(ticketID)
	data[ports.MailReferences] = m.ThreadID(ticketID)
}

// notifyCustomers sends the notice to the ticket's followers who are
// customers of its company (the opener and colleagues), except the actor.
// Callers never put an internal note's text in extra.
func (s *Service) notifyCustomers(ctx context.Context, st Stores, t Ticket, template string, now time.Time, except int64, extra map[string]any) error {
	ids, err := st.Threads.Followers(ctx, t.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, t.OpenedBy) {
		ids = append(ids, t.OpenedBy)
	}
	for _, id := range ids {
		if id == except {
			continue
		}
		p, err := s.d.People.Person(ctx, id)
		if err != nil {
			return err
		}
		if p.Staff || p.CompanyID != t.CompanyID {
			continue
		}
		if err := s.notice(ctx, st, p, template, t, now, extra); err != nil {
			return err
		}
	}
	return nil
}

// notifyStaff sends the notice to the ticket's assignee or, when it has
// none, to every agent.
func (s *Service) notifyStaff(ctx context.Context, st Stores, t Ticket, template string, now time.Time, extra map[string]any) error {
	to, err := s.staffRecipients(ctx, t)
	if err != nil {
		return err
	}
	return s.noticeAll(ctx, st, to, template, t, now, extra)
}

// staffRecipients returns the ticket's assignee or, when it has none, every
// agent. It reads through People, outside any unit of work: a use case that
// holds a lock (Create holds the day's ticket number) looks them up before
// its transaction, or every connection of the pool could end up waiting for
// that lock while its holder waits for a connection.
func (s *Service) staffRecipients(ctx context.Context, t Ticket) ([]Person, error) {
	if t.AssigneeID != 0 {
		p, err := s.d.People.Person(ctx, t.AssigneeID)
		if err != nil {
			return nil, err
		}
		return []Person{p}, nil
	}
	return s.d.People.Agents(ctx)
}

// noticeAll enqueues the notice about t to each of to, in one write.
func (s *Service) noticeAll(ctx context.Context, st Stores, to []Person, template string, t Ticket, now time.Time, extra map[string]any) error {
	ns := make([]ports.Notice, 0, len(to))
	for _, p := range to {
		if n, ok := s.noticeTo(p, template, t, now, extra); ok {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return nil
	}
	return st.Outbox.Enqueue(ctx, ns...)
}

// statusNotified tells whether the customers hear of a move to the status.
func statusNotified(to Status) bool {
	return to == StatusWaiting || to == StatusResolved || to == StatusClosed
}
