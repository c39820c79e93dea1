package verification

import (
	"context"
	"time"

	"supportal/ports"
)

// Submissions stores submissions and their history. Lookups return NotFound
// (error.verification.not_found) when nothing matches.
type Submissions interface {
	// CreateSubmission stores a new submission and its first history entry,
	// filling s.ID.
	CreateSubmission(ctx context.Context, s *Submission, e Entry) error
	// LatestSubmission returns the company's newest submission.
	LatestSubmission(ctx context.Context, companyID int64) (Submission, error)
	SubmissionByID(ctx context.Context, id int64) (Submission, error)
	// VerifiedSubmission returns the company's verified submission (at most
	// one), whether or not a newer one is in review; NotFound when the
	// company is not verified.
	VerifiedSubmission(ctx context.Context, companyID int64) (Submission, error)
	// UpdateSubmission locks the submission, calls fn, and when fn returns nil
	// stores the changed submission and appends the returned entries, all in
	// one transaction. It returns the stored submission, or fn's error with
	// the submission as it was. A submission that becomes verified supersedes
	// the company's previously verified one in the same transaction (state
	// superseded); when its credit code is verified for another company,
	// nothing is stored and the error is Conflict
	// (error.verification.code_taken), whatever races the callers run.
	UpdateSubmission(ctx context.Context, id int64, fn func(*Submission) ([]Entry, error)) (Submission, error)
	// History returns every entry of the company's submissions, oldest first.
	History(ctx context.Context, companyID int64) ([]Entry, error)
}

// Query selects a page of the reviewer queue.
type Query struct {
	State  State  // "" for every state
	Search string // company name fragment or credit code
	Offset int
	Limit  int
}

// QueueItem is one row of the reviewer queue.
type QueueItem struct {
	Submission
	ClaimedByName string
}

// Queue serves the reviewers.
type Queue interface {
	// ListSubmissions returns a page of the queue, pending first, oldest
	// first, and the total count for the query.
	ListSubmissions(ctx context.Context, q Query) ([]QueueItem, int, error)
	// ClaimNext returns the reviewer's own running claim, else claims the
	// oldest pending submission nobody holds (skipping rows other
	// transactions have locked); NotFound (error.verification.queue_empty)
	// when none is free.
	ClaimNext(ctx context.Context, reviewer int64, now time.Time) (Submission, error)
	// CodeHolder returns the verified submission that holds code for a
	// company other than companyID; NotFound when no other company holds it.
	CodeHolder(ctx context.Context, code string, companyID int64) (Submission, error)
}

// Customer is what verification needs to know about a customer account.
type Customer struct {
	AccountID   int64
	CompanyID   int64
	CompanyName string
	Country     string
	Email       string
	Name        string
	Lang        string
	TimeZone    string // IANA name; the emails say when in it
}

// Customers looks up customer accounts (the identity module, wired by main).
// Customer returns NotFound for unknown or staff accounts.
type Customers interface {
	Customer(ctx context.Context, accountID int64) (Customer, error)
}

// CompanyNames writes the name of a company profile, which belongs to the
// identity module: an approval makes the profile carry the approved name in
// the decision's unit of work. SetVerifiedName returns NotFound
// (error.company.not_found) for an unknown company.
type CompanyNames interface {
	SetVerifiedName(ctx context.Context, companyID int64, name string) error
}

// Sniffer tells the content type of a file from its first bytes.
type Sniffer interface {
	Sniff(head []byte) string
}

// Stores are the stores of one unit of work: what they write is kept
// together when the unit of work commits, or not at all. The customer's
// notices and the audit events are written through them.
type Stores struct {
	Submissions Submissions
	Companies   CompanyNames
	Outbox      ports.Outbox
	Audit       ports.Audit
}

// TxRunner runs units of work. InTx calls fn with the stores of one unit of
// work, keeps its writes when fn returns nil and discards them otherwise; it
// returns fn's error, or the error of keeping the writes.
type TxRunner interface {
	InTx(ctx context.Context, fn func(Stores) error) error
}
