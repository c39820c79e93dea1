package verification

import (
	"context"
	"fmt"
)

// Revoke ends the verification of a verified submission (an admin's action,
// guarded by the caller): the reason is required and kept in the append-only
// history and the audit log, the customer is emailed it in their language,
// and the company is no longer verified, so its gates close and its credit
// code may be verified by another company. A submission that is not verified
// is a Conflict (error.verification.not_verified); nothing is changed then.
func (s *Service) Revoke(ctx context.Context, admin, id int64, reason string) (Submission, error) {
	now := s.now()
	defer s.verified.Clear() // the gates of this instance close at once
	sub, err := s.d.Submissions.UpdateSubmission(ctx, id, func(x *Submission) ([]Entry, error) {
		if err := x.Revoke(admin, reason, now); err != nil {
			return nil, err
		}
		return []Entry{entry(x, ActionRevoked, admin, now)}, nil
	})
	if err != nil {
		return sub, err
	}
	detail := fmt.Sprintf("submission=%d company=%d code=%s reason=%q", sub.ID, sub.CompanyID, sub.Fields.CreditCode, sub.Note)
	if err := s.d.Audit.AuditEvent(ctx, now, "verification_revoked", admin, detail); err != nil {
		return sub, fmt.Errorf("verification: audit: %w", err)
	}
	if c, err := s.d.Customers.Customer(ctx, sub.AccountID); err == nil {
		s.notify(c, "verification_revoked", map[string]any{"Name": c.Name, "Company": sub.Fields.CompanyName, "Reason": sub.Note})
	}
	return sub, nil
}
