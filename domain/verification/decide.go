package verification

import (
	"context"
	"fmt"
	"time"

	"supportal/domain"
	"supportal/ports"
)

// Decide approves or rejects the version of a submission the reviewer saw.
// A modification in between, a lost claim or an earlier decision is a
// Conflict; nothing is changed then. The decision, its history entry, on
// approval the company profile's verified name, the audit event and the
// customer's email (in their language) are one unit of work: when one of
// them cannot be written, none is, and the submission stays pending.
//
// One credit code is verified for one company only: approving a code that
// another company holds is refused with a Conflict naming that company
// (error.verification.code_taken_by), and nothing is changed, so the customer
// is not told anything yet. The reviewer then rejects with the reason
// code_taken, which the customer is emailed and shown in their language. The
// store's unique constraint refuses the second of two racing approvals the
// same way. Approving a re-verification switches the company's verified code
// atomically (the store supersedes the previous verification).
func (s *Service) Decide(ctx context.Context, reviewer, id int64, seen int, approve bool, reason, note string) (Submission, error) {
	now := s.now()
	defer s.verified.Clear() // whichever company it was
	cur, err := s.d.Submissions.SubmissionByID(ctx, id)
	if err != nil {
		return cur, err
	}
	if approve {
		if err := s.codeFree(ctx, cur); err != nil {
			return cur, err
		}
	}
	c, known, err := s.customerOf(ctx, cur)
	if err != nil {
		return cur, err
	}
	var sub Submission
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		var err error
		sub, err = st.Submissions.UpdateSubmission(ctx, id, func(x *Submission) ([]Entry, error) {
			if err := x.Decide(reviewer, seen, approve, reason, note, now); err != nil {
				return nil, err
			}
			a := ActionRejected
			if approve {
				a = ActionApproved
			}
			return []Entry{entry(x, a, reviewer, now)}, nil
		})
		if err != nil {
			cur = sub // as stored
			return err
		}
		if sub.State == StateVerified {
			if err := st.Companies.SetVerifiedName(ctx, sub.CompanyID, sub.Fields.CompanyName); err != nil {
				return fmt.Errorf("verification: set verified name: %w", err)
			}
		}
		detail := fmt.Sprintf("submission=%d version=%d state=%s reason=%s", sub.ID, sub.Version, sub.State, sub.Reason)
		if err := record(ctx, st, now, "verification_"+string(sub.State), reviewer, detail); err != nil {
			return err
		}
		if !known {
			return nil
		}
		template, data := "verification_approved", map[string]any{"Name": c.Name, "Company": sub.Fields.CompanyName}
		if sub.State == StateRejected {
			template = "verification_rejected"
			data["ReasonKey"] = "reason." + sub.Reason
			data["Note"] = sub.Note
		}
		return enqueue(ctx, st, c, now, template, data)
	})
	if domain.As(err).Key == "error.verification.code_taken" {
		if herr := s.codeFree(ctx, cur); herr != nil {
			return cur, herr // name the company that won the race
		}
	}
	if err != nil {
		return cur, err
	}
	return sub, nil
}

// codeFree returns the reviewer's Conflict naming the company that holds
// sub's credit code, nil when no other company holds it.
func (s *Service) codeFree(ctx context.Context, sub Submission) error {
	holder, err := s.d.Queue.CodeHolder(ctx, sub.Fields.CreditCode, sub.CompanyID)
	switch {
	case err == nil:
		return codeTakenForReviewer(holder)
	case domain.KindOf(err) == domain.NotFound:
		return nil
	}
	return err
}

// customerOf returns the customer who sent sub, to be emailed about it, read
// before the unit of work. known is false when the account is no customer
// (any more): nobody is emailed then.
func (s *Service) customerOf(ctx context.Context, sub Submission) (c Customer, known bool, err error) {
	c, err = s.d.Customers.Customer(ctx, sub.AccountID)
	switch {
	case err == nil:
		return c, true, nil
	case domain.KindOf(err) == domain.NotFound:
		return Customer{}, false, nil
	}
	return Customer{}, false, fmt.Errorf("verification: customer: %w", err)
}

// record writes an audit event in the unit of work st.
func record(ctx context.Context, st Stores, at time.Time, typ string, actor int64, detail string) error {
	if err := st.Audit.Record(ctx, ports.AuditEvent{At: at, Type: typ, ActorID: actor, Detail: detail}); err != nil {
		return fmt.Errorf("verification: audit: %w", err)
	}
	return nil
}

// enqueue writes the customer's email about a decision taken at in the unit
// of work st; the outbox sends it in their language once the unit of work is
// committed, saying when in their zone ("At" and "TimeZone").
func enqueue(ctx context.Context, st Stores, c Customer, at time.Time, template string, data map[string]any) error {
	data["At"], data["TimeZone"] = at.Format(time.RFC3339), c.TimeZone
	if err := st.Outbox.Enqueue(ctx, ports.Notice{To: c.Email, Lang: c.Lang, Template: template, Data: data}); err != nil {
		return fmt.Errorf("verification: notify: %w", err)
	}
	return nil
}
