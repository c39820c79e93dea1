package ticket

import (
	"context"
	"errors"
	"strings"
	"time"

	"supportal/domain"
	"supportal/ports"
)

// InboundMail is an email received at a reply address, as the mail adapter
// read it.
type InboundMail struct {
	// Recipient is the reply address it was delivered to (the envelope
	// recipient, RCPT TO).
	Recipient string
	// NullSender tells that the envelope sender was empty (MAIL FROM:<>):
	// a bounce or another notice of a mail system.
	NullSender bool
	// TooLarge tells that the email was over the size limit; nothing but
	// the recipient was read.
	TooLarge bool
	// MessageID is the Message-ID without angle brackets ("": none).
	MessageID string
	// From is the address of the From header.
	From    string
	Subject string
	Date    time.Time
	// Auto tells that a machine wrote the email (an auto-reply, a bounce,
	// bulk mail); AutoReason says which sign gave it away, for the log.
	Auto       bool
	AutoReason string
	// Reply is what the person wrote, without the quoted history and the
	// signature.
	Reply string
	Files []Upload
}

// The reasons an inbound email is dropped, never posted.
const (
	DropUnknown  = "unknown_address" // not a reply address of this portal
	DropForged   = "forged_token"    // a reply address whose token does not verify
	DropNoTicket = "unknown_ticket"  // the token's ticket or account is gone
	DropSender   = "wrong_sender"    // From is neither the token's account nor a colleague following the ticket
	DropNull     = "null_sender"     // MAIL FROM:<>
	DropAuto     = "auto_reply"      // written by a machine
	DropTooLarge = "too_large"       // over the size limit
	DropEmpty    = "empty_reply"     // nothing new written
	DropInvalid  = "invalid_reply"   // too long, or not text
	DropClosed   = "closed"          // the ticket takes no messages; the sender was answered
	DropReplay   = "replay"          // the same email was handled before
)

// Received is what became of an inbound email: posted as Message, or
// dropped for Reason. Refused names the attached files left out of a
// posted message, each with the message id of why.
type Received struct {
	Posted   bool
	Reason   string
	TicketID int64
	Message  Message
	Refused  []string
}

// InboundRecord is an inbound email that was handled on a ticket: posted as
// the message MessageID, or answered (MessageID 0).
type InboundRecord struct {
	TicketID  int64
	AccountID int64
	Key       string // the Message-ID, or a digest of the email without one
	MessageID int64
	Outcome   string // "posted" or "answered"
	At        time.Time
}

// Inbound remembers the handled inbound emails, so that an email delivered
// twice is handled once.
type Inbound interface {
	// Seen tells whether an email with key was handled on the ticket.
	Seen(ctx context.Context, ticketID int64, key string) (bool, error)
	// Record remembers a handled email; one with the same ticket and key
	// is a Conflict (error.ticket.mail_replay).
	Record(ctx context.Context, r InboundRecord) error
}

// isReplay tells whether err is Inbound.Record's refusal of an email
// handled before (another delivery of it may have been handled meanwhile).
func isReplay(err error) bool {
	return domain.KindOf(err) == domain.Conflict && domain.As(err).Key == "error.ticket.mail_replay"
}

// CheckRecipient tells whether addr can take a reply: "" for a reply
// address whose token verifies, DropUnknown or DropForged otherwise. The
// SMTP listener refuses the others at RCPT time.
func (s *Service) CheckRecipient(addr string) string {
	switch _, _, res := s.d.Mail.ParseReplyAddress(addr); res {
	case AddressValid:
		return ""
	case AddressForged:
		return DropForged
	}
	return DropUnknown
}

// Receive adds an email reply to its ticket as its author's public message,
// through the rules of a reply on the portal, or drops it with a reason
// (Received.Reason): the outcome is logged and audited. The author is the
// token's account when From is its address (in any case), or a colleague
// of its company following the ticket whose address From is; an agent's
// reply becomes the agent's public reply. A reply to a ticket that takes
// no more messages (closed, or resolved more than ReopenWithin ago) gets
// the sender one answer pointing to the portal. Attached files go through
// the web form's rules; a refused one is left out, the text posted and the
// author told which files were left out (NoticeMailFiles). An
// error is temporary (a store unreachable): nothing was posted, and the
// email may be delivered again.
func (s *Service) Receive(ctx context.Context, in InboundMail) (Received, error) {
	r, err := s.receive(ctx, in)
	if err != nil {
		return r, err
	}
	args := []any{"to", in.Recipient, "from", in.From, "message_id", in.MessageID, "ticket", r.TicketID}
	if r.Posted {
		s.d.Log.InfoContext(ctx, "ticket mail posted", append(args, "message", r.Message.ID, "refused_files", strings.Join(r.Refused, "; "))...)
	} else {
		s.d.Log.InfoContext(ctx, "ticket mail dropped", append(args, "reason", r.Reason, "auto", in.AutoReason)...)
	}
	return r, nil
}

func (s *Service) receive(ctx context.Context, in InboundMail) (Received, error) {
	ticketID, accountID, res := s.d.Mail.ParseReplyAddress(in.Recipient)
	r := Received{TicketID: ticketID}
	switch {
	case res == AddressUnknown:
		return s.drop(ctx, in, r, DropUnknown, 0)
	case res == AddressForged:
		return s.drop(ctx, in, r, DropForged, 0)
	case in.TooLarge:
		return s.drop(ctx, in, r, DropTooLarge, 0)
	case in.NullSender:
		return s.drop(ctx, in, r, DropNull, 0)
	case in.Auto:
		return s.drop(ctx, in, r, DropAuto, 0)
	}
	t, err := s.d.Tickets.Ticket(ctx, ticketID)
	if domain.KindOf(err) == domain.NotFound {
		return s.drop(ctx, in, r, DropNoTicket, 0)
	}
	if err != nil {
		return r, err
	}
	author, reason, err := s.author(ctx, t, accountID, in.From)
	if err != nil || reason != "" {
		if err != nil {
			return r, err
		}
		return s.drop(ctx, in, r, reason, 0)
	}
	role, now := RoleCustomer, s.now()
	if author.Staff {
		role = RoleStaff
	}
	key := inboundKey(in)
	if _, err := AfterReply(t, role, now); err != nil {
		return s.answerClosed(ctx, in, r, t, author, key, now)
	}
	body, err := checkBody(in.Reply)
	if err != nil {
		if domain.As(err).Key == "error.ticket.body_required" {
			return s.drop(ctx, in, r, DropEmpty, author.ID)
		}
		return s.drop(ctx, in, r, DropInvalid, author.ID)
	}
	var seen bool
	if err := s.d.Tx.InTx(ctx, func(st Stores) (err error) { seen, err = st.Inbound.Seen(ctx, t.ID, key); return err }); err != nil {
		return r, err
	}
	if seen {
		return s.drop(ctx, in, r, DropReplay, author.ID)
	}
	files, refused, err := s.mailFiles(ctx, in.Files)
	if err != nil {
		return r, err
	}
	m := Message{TicketID: t.ID, AuthorID: author.ID, AuthorName: author.Name, AuthorRole: role, Body: body, CreatedAt: now}
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		var err error
		if author.Staff {
			_, err = s.addStaffReply(ctx, st, author, Loaded{}, StaffInput{Body: body}, &m, files, now)
		} else {
			err = s.addCustomerReply(ctx, st, author, &m, files, now)
		}
		if err != nil {
			return err
		}
		if err := st.Inbound.Record(ctx, InboundRecord{TicketID: t.ID, AccountID: author.ID, Key: key, MessageID: m.ID,
			Outcome: "posted", At: now}); err != nil {
			return err
		}
		detail := t.Number + " message=" + itoa(m.ID)
		if len(refused) > 0 {
			detail += " refused=" + strings.Join(refused, "; ")
			if err := s.notice(ctx, st, author, NoticeMailFiles, t, now, map[string]any{"Files": refusedNames(refused)}); err != nil {
				return err
			}
		}
		return st.Audit.Record(ctx, ports.AuditEvent{At: now, Type: "ticket_mail_reply", ActorID: author.ID, Email: in.From, Detail: detail})
	})
	if err != nil {
		s.discard(ctx, files)
		switch {
		case isReplay(err):
			return s.drop(ctx, in, r, DropReplay, author.ID)
		case errors.Is(err, errClosed), errors.Is(err, errReopenLate):
			return s.answerClosed(ctx, in, r, t, author, key, now)
		}
		return r, err
	}
	r.Posted, r.Message, r.Refused = true, m, refused
	return r, nil
}

// drop audits a dropped email with its reason.
func (s *Service) drop(ctx context.Context, in InboundMail, r Received, reason string, actor int64) (Received, error) {
	r.Reason = reason
	now := s.now()
	detail := "reason=" + reason + " to=" + in.Recipient + " message_id=" + in.MessageID
	if in.AutoReason != "" && reason == DropAuto {
		detail += " auto=" + in.AutoReason
	}
	err := s.d.Tx.InTx(ctx, func(st Stores) error {
		return st.Audit.Record(ctx, ports.AuditEvent{At: now, Type: "ticket_mail_dropped", ActorID: actor, Email: in.From, Detail: detail})
	})
	return r, err
}
