package verification

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"supportal/domain"
	"supportal/domain/creditcode"
	"supportal/ports"
)

// PageSize is the number of queue rows per page.
const PageSize = 20

// QueuePage is one page of the reviewer queue.
type QueuePage struct {
	Items []QueueItem
	Total int
	Query Query
}

// Queue lists submissions for reviewers: pending first, oldest first.
func (s *Service) Queue(ctx context.Context, q Query) (QueuePage, error) {
	q.Search = strings.TrimSpace(q.Search)
	if code := creditcode.Normalize(q.Search); creditcode.Validate(code) == nil {
		q.Search = code // a code typed with spaces, hyphens or in lower case
	}
	if len([]rune(q.Search)) > 100 {
		q.Search = string([]rune(q.Search)[:100])
	}
	switch q.State {
	case "", StatePending, StateRejected, StateVerified:
	default:
		q.State = ""
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	q.Limit = PageSize
	items, total, err := s.d.Queue.ListSubmissions(ctx, q)
	if err != nil {
		return QueuePage{}, err
	}
	return QueuePage{Items: items, Total: total, Query: q}, nil
}

// Change is one field that differs between two versions.
type Change struct {
	Field    string // company_name, doc_type, credit_code or licence
	Old, New string
}

// Detail is what a reviewer sees of one submission.
type Detail struct {
	Submission Submission
	Customer   Customer
	History    []Entry
	Changes    []Change // against the previous version or submission
	// ClaimedByOther is set when another reviewer holds the claim; the page
	// is then read-only.
	ClaimedByOther bool
	// DuplicateCode flags a credit code already verified for another company.
	DuplicateCode bool
}

// Open shows a submission to a reviewer and, when it is pending, claims it
// for them for ClaimTTL so that two reviewers are not handed the same item.
func (s *Service) Open(ctx context.Context, reviewer, id int64) (Detail, error) {
	now := s.now()
	sub, err := s.d.Submissions.SubmissionByID(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{}
	if sub.State == StatePending {
		sub, err = s.d.Submissions.UpdateSubmission(ctx, id, func(x *Submission) ([]Entry, error) {
			return nil, x.Claim(reviewer, now)
		})
		if domain.As(err).Key == "error.verification.claimed" {
			d.ClaimedByOther, err = true, nil
			sub, err = s.d.Submissions.SubmissionByID(ctx, id)
		} else if domain.As(err).Key == errNotPending.Key {
			sub, err = s.d.Submissions.SubmissionByID(ctx, id)
		}
		if err != nil {
			return Detail{}, err
		}
	}
	d.Submission = sub
	if d.Customer, err = s.d.Customers.Customer(ctx, sub.AccountID); err != nil && domain.KindOf(err) != domain.NotFound {
		return Detail{}, err
	}
	if d.History, err = s.d.Submissions.History(ctx, sub.CompanyID); err != nil {
		return Detail{}, err
	}
	d.Changes = changes(d.History, sub)
	if sub.Region == "CN" || sub.Region == "" {
		if d.DuplicateCode, err = s.d.Queue.VerifiedElsewhere(ctx, sub.Fields.CreditCode, sub.CompanyID); err != nil {
			return Detail{}, err
		}
	}
	return d, nil
}

// changes compares the submission with the last snapshot before its current
// version (a previous version of it, or the previous submission).
func changes(h []Entry, sub Submission) []Change {
	var prev *Entry
	for i := range h {
		e := h[i]
		if e.Action == ActionApproved || e.Action == ActionRejected {
			continue
		}
		if e.SubmissionID == sub.ID && e.Version >= sub.Version {
			continue
		}
		if e.SubmissionID > sub.ID {
			continue
		}
		prev = &h[i]
	}
	if prev == nil {
		return nil
	}
	var out []Change
	add := func(field, o, n string) {
		if o != n {
			out = append(out, Change{Field: field, Old: o, New: n})
		}
	}
	add("company_name", prev.Fields.CompanyName, sub.Fields.CompanyName)
	add("doc_type", prev.Fields.DocType, sub.Fields.DocType)
	add("credit_code", prev.Fields.CreditCode, sub.Fields.CreditCode)
	if prev.LicenceKey != sub.Licence.Key {
		out = append(out, Change{Field: "licence"})
	}
	return out
}

// ClaimNext claims the oldest pending submission nobody holds.
func (s *Service) ClaimNext(ctx context.Context, reviewer int64) (int64, error) {
	sub, err := s.d.Queue.ClaimNext(ctx, reviewer, s.now())
	if err != nil {
		return 0, err
	}
	return sub.ID, nil
}

// Decide approves or rejects the version of a submission the reviewer saw.
// A modification in between, a lost claim or an earlier decision is a
// Conflict; nothing is changed then. The customer is emailed the outcome.
func (s *Service) Decide(ctx context.Context, reviewer, id int64, seen int, approve bool, reason, note string) (Submission, error) {
	now := s.now()
	defer s.verified.Clear() // whichever company it was
	sub, err := s.d.Submissions.UpdateSubmission(ctx, id, func(x *Submission) ([]Entry, error) {
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
		return sub, err
	}
	if sub.State == StateVerified {
		if err := s.d.Customers.SetVerifiedName(ctx, sub.CompanyID, sub.Fields.CompanyName); err != nil {
			return sub, fmt.Errorf("verification: set verified name: %w", err)
		}
	}
	detail := fmt.Sprintf("submission=%d version=%d state=%s reason=%s", sub.ID, sub.Version, sub.State, sub.Reason)
	if err := s.d.Audit.AuditEvent(ctx, now, "verification_"+string(sub.State), reviewer, detail); err != nil {
		return sub, fmt.Errorf("verification: audit: %w", err)
	}
	if c, err := s.d.Customers.Customer(ctx, sub.AccountID); err == nil {
		s.notify(c, sub)
	}
	return sub, nil
}

func (s *Service) notify(c Customer, sub Submission) {
	template, data := "verification_approved", map[string]any{"Name": c.Name, "Company": sub.Fields.CompanyName}
	if sub.State == StateRejected {
		template = "verification_rejected"
		data["ReasonKey"] = "reason." + sub.Reason
		data["Note"] = sub.Note
	}
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.d.Notifier.Notify(ctx, c.Email, c.Lang, template, data); err != nil {
			s.d.OnAsyncError(fmt.Errorf("verification: notify: %w", err))
		}
	}()
}

// ReviewerLicence opens any submission's licence (for staff).
func (s *Service) ReviewerLicence(ctx context.Context, id int64) (io.ReadCloser, Licence, error) {
	sub, err := s.d.Submissions.SubmissionByID(ctx, id)
	if err != nil {
		return nil, Licence{}, err
	}
	return s.open(ctx, sub.Licence)
}

// Sweep removes licence objects older than olderThan that no row points to
// (left by uploads whose row was never committed). It returns how many it removed.
func (s *Service) Sweep(ctx context.Context, olderThan time.Time) (int, error) {
	var orphans []string
	err := s.d.Files.List(ctx, licencePrefix, olderThan, func(fi ports.FileInfo) error {
		used, err := s.d.Queue.LicenceKeyInUse(ctx, fi.Key)
		if err == nil && !used {
			orphans = append(orphans, fi.Key)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("verification: sweep: %w", err)
	}
	for _, k := range orphans {
		if err := s.d.Files.Delete(ctx, k); err != nil {
			return 0, fmt.Errorf("verification: sweep: %w", err)
		}
	}
	return len(orphans), nil
}
