package verification

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/memo"
	"supportal/ports"
)

// Deps are the driven ports of the verification service. Reads go to
// Submissions and Queue; every use case that writes runs as one unit of work
// of Tx.
type Deps struct {
	Submissions Submissions
	Queue       Queue
	Customers   Customers
	Files       ports.FileStore
	Attachments attachment.Index // the rows that name stored files, for Sweep
	Sniffer     Sniffer
	Tx          TxRunner
	Now         func() time.Time
	// Log receives what a request cannot report, such as a licence object
	// left for the sweeper; nil discards it.
	Log *slog.Logger
	// CacheFor is how long the gates may reuse a company's verified credit
	// code (0: never). Only verified states are kept, so an approval is seen
	// at once on every server instance; a revocation or an approved change of
	// code clears this instance's cache at once and reaches the other
	// instances within CacheFor.
	CacheFor time.Duration
	// HoldKey signs the tokens of licences held for the retry of a refused
	// submission (SubmitHolding); nil holds nothing.
	HoldKey []byte
}

// Service holds the verification use cases.
type Service struct {
	d        Deps
	verified *memo.Cache[int64, string] // credit code by company id
}

// maxCached bounds the companies the gates keep in memory.
const maxCached = 10000

// NewService returns the verification service over its ports. It panics
// when a port is missing, a mistake of the wiring.
func NewService(d Deps) *Service {
	for _, p := range []struct {
		name string
		nil  bool
	}{
		{"Submissions", d.Submissions == nil}, {"Queue", d.Queue == nil}, {"Customers", d.Customers == nil},
		{"Files", d.Files == nil}, {"Sniffer", d.Sniffer == nil}, {"Tx", d.Tx == nil},
	} {
		if p.nil {
			panic("verification: NewService: no " + p.name)
		}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, verified: memo.New[int64, string](d.CacheFor, maxCached)}
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

var (
	errNotFound    = domain.E(domain.NotFound, "error.verification.not_found")
	errNotVerified = domain.E(domain.Forbidden, "error.verification.required")
)

// Status is what 企业信息 shows about verification.
type Status struct {
	State  State       // the latest submission's state
	Latest *Submission // nil when nothing was submitted
	// Verified is the verification in force, nil when the company is not
	// verified. While a re-verification is in review (or after it was
	// rejected) it is older than Latest.
	Verified *Submission
	History  []Entry
}

// Status returns the company's verification state, latest submission and
// history for a customer account.
func (s *Service) Status(ctx context.Context, accountID int64) (Status, error) {
	c, err := s.d.Customers.Customer(ctx, accountID)
	if err != nil {
		return Status{}, err
	}
	latest, err := s.d.Submissions.LatestSubmission(ctx, c.CompanyID)
	if domain.KindOf(err) == domain.NotFound {
		return Status{State: StateNone}, nil
	}
	if err != nil {
		return Status{}, err
	}
	h, err := s.d.Submissions.History(ctx, c.CompanyID)
	if err != nil {
		return Status{}, err
	}
	st := Status{State: latest.State, Latest: &latest, History: h}
	if latest.State == StateVerified {
		st.Verified = &latest
	} else if v, err := s.d.Submissions.VerifiedSubmission(ctx, c.CompanyID); err == nil {
		st.Verified = &v
	} else if domain.KindOf(err) != domain.NotFound {
		return Status{}, err
	}
	return st, nil
}

// VerifiedCreditCode returns the verified credit code of the company (the
// signed-in account's, 0 for an account without one), or Forbidden
// (error.verification.required) when it is not verified. It is the gate that
// the warranty lookup and tickets use.
func (s *Service) VerifiedCreditCode(ctx context.Context, companyID int64) (string, error) {
	if companyID == 0 {
		return "", errNotVerified
	}
	code, err := s.verifiedCode(ctx, companyID)
	if err != nil {
		return "", err
	}
	if code == "" {
		return "", errNotVerified
	}
	return code, nil
}

// CompanyLocked reports whether the company is verified, so that its name and
// credit code may not be edited.
func (s *Service) CompanyLocked(ctx context.Context, companyID int64) (bool, error) {
	code, err := s.verifiedCode(ctx, companyID)
	return code != "", err
}

// verifiedCode returns the credit code of the company's verified submission,
// or "" when it is not verified. A re-verification in review does not change
// it: the code verified before stays in force until the new one is approved.
func (s *Service) verifiedCode(ctx context.Context, companyID int64) (string, error) {
	now := s.now()
	if code, ok := s.verified.Get(companyID, now); ok {
		return code, nil
	}
	gen := s.verified.Gen()
	v, err := s.d.Submissions.VerifiedSubmission(ctx, companyID)
	switch {
	case domain.KindOf(err) == domain.NotFound:
		return "", nil
	case err != nil:
		return "", err
	}
	s.verified.PutIf(companyID, v.Fields.CreditCode, now, gen)
	return v.Fields.CreditCode, nil
}

// codeTakenForCustomer tells the customer, next to the credit code, that the
// code is verified for another company and whom to ask. Joining an existing
// company is not offered yet, so the message sends them to the colleague who
// administers it.
func codeTakenForCustomer(holder Submission) error {
	return domain.FieldError("credit_code", "error.verification.code_taken_customer").
		With("Company", holder.Fields.CompanyName)
}

// codeTakenForReviewer refuses an approval and names the company holding the
// code, with the id of its verified submission for the review page's link.
func codeTakenForReviewer(holder Submission) error {
	return domain.E(domain.Conflict, "error.verification.code_taken_by").
		With("Company", holder.Fields.CompanyName).With("CompanyID", holder.CompanyID).
		With("Code", holder.Fields.CreditCode)
}

// Submit sends the 企业证件认证 form: a first submission, a modification of the
// pending one (the licence may be kept), a resubmission after a rejection or
// a revocation, or a re-verification of a verified company that changes its
// name or code (SPEC §1.4): the verified code stays in force until the new
// submission is approved. A credit code verified for another company is
// refused next to the field. The licence is stored before the row is
// committed; when the submission fails, it is deleted again.
func (s *Service) Submit(ctx context.Context, accountID int64, f Fields, u *Upload) (Submission, error) {
	sub, _, err := s.submit(ctx, accountID, f, u, "", false)
	return sub, err
}

// SubmitHolding is Submit for the form, which the customer retries: when the
// submission is refused for its fields (Invalid or a credit code taken) and a
// valid licence was uploaded, the stored licence is kept and returned as a
// Hold, whose token the retry passes as held; a retry without a new file
// uses the held licence when its token is sound (signed, for this account,
// not expired) and ignores it otherwise. A new file wins over a held one.
// Without a HoldKey nothing is held.
func (s *Service) SubmitHolding(ctx context.Context, accountID int64, f Fields, u *Upload, held string) (Submission, *Hold, error) {
	return s.submit(ctx, accountID, f, u, held, true)
}

func (s *Service) submit(ctx context.Context, accountID int64, f Fields, u *Upload, heldToken string, keep bool) (Submission, *Hold, error) {
	c, err := s.d.Customers.Customer(ctx, accountID)
	if err != nil {
		return Submission{}, nil, err
	}
	f, verr := f.Validate(c.Country)
	latest, err := s.d.Submissions.LatestSubmission(ctx, c.CompanyID)
	state := latest.State
	if domain.KindOf(err) == domain.NotFound {
		state, err = StateNone, nil
	}
	if err != nil {
		return Submission{}, nil, err
	}
	var errs domain.Errors
	if verr != nil {
		errs = verr.(domain.Errors)
	}
	// The licence: a new file (stored now, deleted again unless held or
	// committed), else a held one, else the pending submission's own.
	var lic *Licence
	fresh := false
	expires := s.now().Add(holdFor)
	switch {
	case u != nil && (verr == nil || keep):
		l, err := s.storeLicence(ctx, *u)
		switch {
		case err == nil:
			lic, fresh = &l, true
		case verr == nil:
			return Submission{}, nil, err
		case domain.KindOf(err) == domain.Invalid:
			errs = append(errs, domain.As(err))
		default: // the fields are refused anyway; the customer chooses the file again
			s.d.Log.Warn("verification: licence not stored for a refused submission", "err", err)
		}
	case u == nil && keep:
		if l, exp, ok := s.held(accountID, heldToken); ok {
			lic, expires = &l, exp
		}
	}
	if lic == nil && state != StatePending && (u == nil || keep) && !hasField(errs, "licence") {
		errs = append(errs, domain.FieldError("licence", "error.licence.required"))
	}
	// refuse returns a refusal of the fields, holding the licence for the
	// retry when the form asked for it, deleting a fresh one otherwise.
	refuse := func(err error) (Submission, *Hold, error) {
		if lic != nil && keep && domain.KindOf(err) != domain.Internal {
			if h, ok := s.hold(accountID, *lic, expires); ok {
				return Submission{}, &h, err
			}
		}
		if fresh {
			s.deleteQuietly(ctx, lic.Key)
		}
		return Submission{}, nil, err
	}
	if len(errs) > 0 {
		return refuse(errs)
	}
	switch holder, err := s.d.Queue.CodeHolder(ctx, f.CreditCode, c.CompanyID); {
	case err == nil:
		return refuse(codeTakenForCustomer(holder))
	case domain.KindOf(err) != domain.NotFound:
		return refuse(err)
	}
	now := s.now()
	var out Submission
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		if state == StatePending {
			var err error
			out, err = st.Submissions.UpdateSubmission(ctx, latest.ID, func(sub *Submission) ([]Entry, error) {
				if err := sub.Modify(f, lic, now); err != nil {
					return nil, err
				}
				return []Entry{entry(sub, ActionModified, accountID, now)}, nil
			})
			return err
		}
		out = Submission{CompanyID: c.CompanyID, AccountID: accountID, Region: c.Country, Fields: f, Licence: *lic,
			State: StatePending, Version: 1, SubmittedAt: now, UpdatedAt: now}
		action := ActionSubmitted // also a re-verification of a verified company
		if state == StateRejected || state == StateRevoked {
			action = ActionResubmitted
		}
		return st.Submissions.CreateSubmission(ctx, &out, entry(&out, action, accountID, now))
	})
	if err != nil {
		if fresh {
			s.deleteQuietly(ctx, lic.Key)
		}
		return Submission{}, nil, err
	}
	return out, nil, nil
}

// hasField reports whether errs hold an error of the field.
func hasField(errs domain.Errors, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

func entry(sub *Submission, a Action, actor int64, now time.Time) Entry {
	return Entry{SubmissionID: sub.ID, Version: sub.Version, At: now, ActorID: actor, Action: a,
		Fields: sub.Fields, LicenceKey: sub.Licence.Key, Reason: sub.Reason, Note: sub.Note}
}

// Licence opens the licence of a submission of the customer's own company.
// Any other submission is NotFound, whether or not it exists.
func (s *Service) Licence(ctx context.Context, accountID, submissionID int64) (io.ReadCloser, Licence, error) {
	c, err := s.d.Customers.Customer(ctx, accountID)
	if err != nil {
		return nil, Licence{}, errNotFound
	}
	sub, err := s.d.Submissions.SubmissionByID(ctx, submissionID)
	if err != nil || sub.CompanyID != c.CompanyID {
		if err != nil && domain.KindOf(err) != domain.NotFound {
			return nil, Licence{}, err
		}
		return nil, Licence{}, errNotFound
	}
	return s.open(ctx, sub.Licence)
}

func (s *Service) open(ctx context.Context, l Licence) (io.ReadCloser, Licence, error) {
	rc, _, err := s.d.Files.Open(ctx, l.Key)
	if err != nil {
		return nil, Licence{}, fmt.Errorf("verification: open licence: %w", err)
	}
	return rc, l, nil
}
