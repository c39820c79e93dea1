package verification

import (
	"context"
	"fmt"
)

// Revoke ends the verification of a verified submission (an admin's action,
// guarded by the caller): the reason is required and kept in the append-only
// history and the audit log, the customer is emailed it in their language,
// and the company is no longer verified, so its gates close and its credit
// code may be verified by another company. The new state, its history entry,
// the audit event and the email are one unit of work. A submission that is
// not verified is a Conflict (error.verification.not_verified); nothing is
// changed then.
func (s *Service) Revoke(ctx context.Context, admin, id int64, reason string) (Submission, error) {
	now := s.now()
	defer s.verified.Clear() // the gates of this instance close at once
	cur, err := s.d.Submissions.SubmissionByID(ctx, id)
	if err != nil {
		return cur, err
	}
	c, known, err := s.customerOf(ctx, cur)
	if err != nil {
		return cur, err
	}
	var sub Submission
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		var err error
		sub, err = st.Submissions.UpdateSubmission(ctx, id, func(x *Submission) ([]Entry, error) {
			if err := x.Revoke(admin, reason, now); err != nil {
				return nil, err
			}
			return []Entry{entry(x, ActionRevoked, admin, now)}, nil
		})
		if err != nil {
			cur = sub // as stored
			return err
		}
		detail := fmt.Sprintf("submission=%d company=%d code=%s reason=%q", sub.ID, sub.CompanyID, sub.Fields.CreditCode, sub.Note)
		if err := record(ctx, st, now, "verification_revoked", admin, detail); err != nil {
			return err
		}
		if !known {
			return nil
		}
		return enqueue(ctx, st, c, now, "verification_revoked", map[string]any{"Name": c.Name, "Company": sub.Fields.CompanyName, "Reason": sub.Note})
	})
	if err != nil {
		return cur, err
	}
	return sub, nil
}
