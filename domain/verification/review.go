package verification

import (
	"context"
	"io"
	"strings"

	"supportal/domain"
	"supportal/domain/creditcode"
	"supportal/domain/page"
)

// PageSize is the number of queue rows per page.
const PageSize = 20

// QueuePages bound the queue's pages.
var QueuePages = page.Limits{DefaultSize: PageSize, MaxSize: PageSize, MaxNumber: 100000}

// QueuePage is one page of the reviewer queue.
type QueuePage struct {
	Items []QueueItem
	Page  page.Page
	Query Query
}

// Queue lists page number of the submissions for reviewers: pending first,
// oldest first.
func (s *Service) Queue(ctx context.Context, q Query, number int) (QueuePage, error) {
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
	req := QueuePages.Request(number, 0)
	q.Offset, q.Limit = req.Offset(), req.Size
	items, total, err := s.d.Queue.ListSubmissions(ctx, q)
	if err != nil {
		return QueuePage{}, err
	}
	return QueuePage{Items: items, Page: req.Page(len(items), false, total, 0), Query: q}, nil
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
	// ClaimedByMe is set while the reviewer's own claim runs: only then may
	// they decide.
	ClaimedByMe bool
	// ClaimedByOther is set while another reviewer's claim runs; the page is
	// then read-only.
	ClaimedByOther bool
	// Holder is the verified submission of another company holding the
	// pending submission's credit code, nil when the code is free.
	Holder *Submission
	// Current is the company's verification in force when it is another
	// (older) submission: the one a re-verification would replace.
	Current *Submission
}

// Open shows a submission to a reviewer. It changes nothing: opening a page
// (or a link prefetcher, or a crawler) never claims; Claim does.
func (s *Service) Open(ctx context.Context, reviewer, id int64) (Detail, error) {
	now := s.now()
	sub, err := s.d.Submissions.SubmissionByID(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Submission: sub}
	if sub.State == StatePending && sub.ClaimedBy != 0 && now.Before(sub.ClaimedUntil) {
		d.ClaimedByMe = sub.ClaimedBy == reviewer
		d.ClaimedByOther = !d.ClaimedByMe
	}
	if d.Customer, err = s.d.Customers.Customer(ctx, sub.AccountID); err != nil && domain.KindOf(err) != domain.NotFound {
		return Detail{}, err
	}
	if d.History, err = s.d.Submissions.History(ctx, sub.CompanyID); err != nil {
		return Detail{}, err
	}
	d.Changes = changes(d.History, sub)
	if sub.State == StatePending {
		switch h, err := s.d.Queue.CodeHolder(ctx, sub.Fields.CreditCode, sub.CompanyID); {
		case err == nil:
			d.Holder = &h
		case domain.KindOf(err) != domain.NotFound:
			return Detail{}, err
		}
	}
	switch v, err := s.d.Submissions.VerifiedSubmission(ctx, sub.CompanyID); {
	case err == nil && v.ID != sub.ID:
		d.Current = &v
	case err != nil && domain.KindOf(err) != domain.NotFound:
		return Detail{}, err
	}
	return d, nil
}

// Claim reserves a pending submission for the reviewer for ClaimTTL, so that
// two reviewers do not decide the same item. Claiming one's own running
// claim renews it; another reviewer's running claim is a Conflict
// (error.verification.claimed), a decided submission too.
func (s *Service) Claim(ctx context.Context, reviewer, id int64) (Submission, error) {
	now := s.now()
	return s.d.Submissions.UpdateSubmission(ctx, id, func(x *Submission) ([]Entry, error) {
		return nil, x.Claim(reviewer, now)
	})
}

// changes compares the submission with the last snapshot before its current
// version (a previous version of it, or the previous submission).
func changes(h []Entry, sub Submission) []Change {
	var prev *Entry
	for i := range h {
		e := h[i]
		if e.Action == ActionApproved || e.Action == ActionRejected || e.Action == ActionRevoked {
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

// ReviewerLicence opens any submission's licence (for staff).
func (s *Service) ReviewerLicence(ctx context.Context, id int64) (io.ReadCloser, Licence, error) {
	sub, err := s.d.Submissions.SubmissionByID(ctx, id)
	if err != nil {
		return nil, Licence{}, err
	}
	return s.open(ctx, sub.Licence)
}
