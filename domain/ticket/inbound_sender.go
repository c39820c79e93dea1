package ticket

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/ports"
)

// NoticeMailClosed answers an email reply to a ticket that takes no more
// messages, pointing to the portal (to the sender, in its language).
const NoticeMailClosed = "ticket_mail_closed"

// NoticeMailFiles tells the author of a posted email reply which attached
// files were left out (Files, one name a line) and links to the ticket's
// page, where they can be uploaded.
const NoticeMailFiles = "ticket_mail_files"

// refusedNames returns the file names of mailFiles' refusals ("name: key").
func refusedNames(refused []string) string {
	names := make([]string, 0, len(refused))
	for _, r := range refused {
		if i := strings.LastIndex(r, ": "); i >= 0 {
			r = r[:i]
		}
		names = append(names, r)
	}
	return strings.Join(names, "\n")
}

// author returns who wrote an email to the token's account on t from the
// address from: the account itself when from is its address, or, for a
// customer's token, a colleague following the ticket whose address it is.
// The author must still be allowed to reply on the portal: a customer of
// the ticket's verified company, or an agent or admin. Otherwise the
// reason is DropSender (DropNoTicket for an account that is gone).
func (s *Service) author(ctx context.Context, t Ticket, accountID int64, from string) (Person, string, error) {
	from = strings.ToLower(strings.TrimSpace(from))
	p, err := s.d.People.Person(ctx, accountID)
	if domain.KindOf(err) == domain.NotFound {
		return Person{}, DropNoTicket, nil
	}
	if err != nil {
		return Person{}, "", err
	}
	if p.Staff {
		if from == "" || !strings.EqualFold(p.Email, from) || (p.Role != StaffAgent && p.Role != StaffAdmin) {
			return Person{}, DropSender, nil
		}
		return p, "", nil
	}
	if p.CompanyID != t.CompanyID || from == "" {
		return Person{}, DropSender, nil
	}
	if !strings.EqualFold(p.Email, from) {
		if p, err = s.colleague(ctx, t, from); err != nil || p.ID == 0 {
			return Person{}, DropSender, err
		}
	}
	if _, err := s.d.Verified.VerifiedCreditCode(ctx, t.CompanyID); err != nil {
		if domain.KindOf(err) == domain.Forbidden {
			return Person{}, DropSender, nil
		}
		return Person{}, "", err
	}
	return p, "", nil
}

// colleague returns the customer of t's company following t whose address
// is from (ID 0: none).
func (s *Service) colleague(ctx context.Context, t Ticket, from string) (Person, error) {
	ids, err := s.d.Threads.Followers(ctx, t.ID)
	if err != nil {
		return Person{}, err
	}
	for _, id := range ids {
		q, err := s.d.People.Person(ctx, id)
		if domain.KindOf(err) == domain.NotFound {
			continue
		}
		if err != nil {
			return Person{}, err
		}
		if !q.Staff && q.CompanyID == t.CompanyID && strings.EqualFold(q.Email, from) {
			return q, nil
		}
	}
	return Person{}, nil
}

// mailFiles stores an email's attachments under the web form's rules,
// before the unit of work that names them. A refused file (its type, its
// size, one more than MaxFiles) is left out and named in refused with the
// reason's message id; an error of the file store is returned, with what
// was stored deleted again.
func (s *Service) mailFiles(ctx context.Context, ups []Upload) (stored []attachment.Attachment, refused []string, err error) {
	for i, u := range ups {
		name := attachment.CleanName(u.Name)
		if i >= s.d.Limits.MaxFiles {
			refused = append(refused, name+": error.ticket_file.too_many")
			continue
		}
		a, err := s.uploads().Save(ctx, u, s.rules())
		if err != nil {
			if e := domain.As(err); e.Kind == domain.Invalid {
				refused = append(refused, name+": "+e.Key)
				continue
			}
			s.discard(ctx, stored)
			return nil, nil, err
		}
		stored = append(stored, a)
	}
	return stored, refused, nil
}

// inboundKey is what tells two deliveries of one email apart from two
// emails: its Message-ID, or without one a digest of its sender, subject,
// date and text.
func inboundKey(in InboundMail) string {
	if id := strings.TrimSpace(in.MessageID); id != "" && len(id) <= 200 {
		return id
	}
	h := sha256.New()
	for _, part := range []string{in.MessageID, in.From, in.Subject, in.Date.UTC().Format(time.RFC3339), in.Reply} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// answerClosed drops an email reply to a ticket that takes no more
// messages and sends its author one short answer pointing to the portal:
// a customer to the follow-up form of a closed ticket (the ticket's page
// otherwise), an agent to the ticket's page. The same email delivered
// again gets no second answer.
func (s *Service) answerClosed(ctx context.Context, in InboundMail, r Received, t Ticket, author Person, key string, now time.Time) (Received, error) {
	r.Reason = DropClosed
	extra := map[string]any{}
	if !author.Staff && t.Status == StatusClosed {
		extra["Path"] = "/tickets/new?follow_up=" + itoa(t.ID)
	}
	err := s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Inbound.Record(ctx, InboundRecord{TicketID: t.ID, AccountID: author.ID, Key: key, Outcome: "answered", At: now}); err != nil {
			return err
		}
		if err := s.notice(ctx, st, author, NoticeMailClosed, t, now, extra); err != nil {
			return err
		}
		return st.Audit.Record(ctx, ports.AuditEvent{At: now, Type: "ticket_mail_dropped", ActorID: author.ID, Email: in.From,
			Detail: "reason=" + DropClosed + " " + t.Number + " message_id=" + in.MessageID})
	})
	if isReplay(err) {
		return s.drop(ctx, in, r, DropReplay, author.ID)
	}
	return r, err
}
