package verification

import (
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/creditcode"
)

// State is where a company stands in verification (认证状态).
type State string

// The four states of SPEC §2.1. StateNone means nothing was submitted yet.
// Two more end a verified submission: StateSuperseded when a newer
// submission of the same company is approved (re-verification), and
// StateRevoked when an admin revokes the verification. A company has at most
// one verified submission, and a credit code is verified for at most one
// company.
const (
	StateNone       State = "none"
	StatePending    State = "pending"
	StateRejected   State = "rejected"
	StateVerified   State = "verified"
	StateSuperseded State = "superseded"
	StateRevoked    State = "revoked"
)

// Action is one step of a submission's history.
type Action string

// The recorded actions.
const (
	ActionSubmitted   Action = "submitted"
	ActionModified    Action = "modified"
	ActionResubmitted Action = "resubmitted"
	ActionApproved    Action = "approved"
	ActionRejected    Action = "rejected"
	ActionRevoked     Action = "revoked"
)

// DocTypes lists the licence types (企业证件类型); labels are "doctype.<code>".
var DocTypes = []string{"business_licence", "org_code", "institution", "social_org", "law_enforcement", "other"}

// RejectReasons lists the fixed reasons of SPEC §2.2; labels are "reason.<code>".
// "code_taken" is for a credit code that another company verified after it
// was submitted: the approval is refused and the reviewer rejects with it.
var RejectReasons = []string{"blurry", "name_mismatch", "code_mismatch", "expired", ReasonCodeTaken, "other"}

// ReasonCodeTaken is the reject reason for a credit code already verified for
// another company.
const ReasonCodeTaken = "code_taken"

// ClaimTTL is how long claiming a pending submission reserves it for a reviewer.
const ClaimTTL = 15 * time.Minute

// Licence is the stored licence file of a submission; the submission's row
// and its history name it by Key.
type Licence = attachment.Attachment

// Fields are what the customer submits.
type Fields struct {
	CompanyName string
	DocType     string
	CreditCode  string // normalised code, or a free-form number outside Mainland China
}

// Submission is one verification request of a company. Modifying it while it
// is pending bumps Version, so decisions can name the exact version seen.
type Submission struct {
	ID           int64
	CompanyID    int64
	AccountID    int64
	Region       string
	Fields       Fields
	Licence      Licence
	State        State
	Version      int
	SubmittedAt  time.Time
	UpdatedAt    time.Time
	ClaimedBy    int64
	ClaimedUntil time.Time
	DecidedBy    int64
	DecidedAt    time.Time
	Reason       string
	Note         string
}

// Entry is one append-only history line: who did what to which version.
type Entry struct {
	SubmissionID int64
	Version      int
	At           time.Time
	ActorID      int64
	ActorName    string // the actor's account name, read with the history
	Action       Action
	Fields       Fields
	LicenceKey   string
	Reason       string
	Note         string
}

// Validate normalises and checks the fields for a company in region.
func (f Fields) Validate(region string) (Fields, error) {
	var errs domain.Errors
	f.CompanyName = strings.TrimSpace(f.CompanyName)
	switch n := utf8.RuneCountInString(f.CompanyName); {
	case n == 0:
		errs = append(errs, domain.FieldError("company_name", "error.company_name.required"))
	case n > 100:
		errs = append(errs, domain.FieldError("company_name", "error.company_name.too_long"))
	}
	if !oneOf(DocTypes, f.DocType) {
		errs = append(errs, domain.FieldError("doc_type", "error.doc_type.required"))
	}
	if region == "CN" || region == "" {
		f.CreditCode = creditcode.Normalize(f.CreditCode)
		if e := creditcode.Validate(f.CreditCode); e != nil {
			errs = append(errs, e)
		}
	} else {
		code, e := creditcode.CheckRegistrationNumber(f.CreditCode)
		if e != nil {
			errs = append(errs, e)
		}
		f.CreditCode = code
	}
	return f, errs.Err()
}

func oneOf(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

var (
	errNotPending   = domain.E(domain.Conflict, "error.verification.not_pending")
	errStale        = domain.E(domain.Conflict, "error.verification.stale")
	errNotClaimed   = domain.E(domain.Conflict, "error.verification.claim_lost")
	errNotRevocable = domain.E(domain.Conflict, "error.verification.not_verified")
)

// Modify replaces the fields (and optionally the licence) of a pending
// submission, bumping its version.
func (s *Submission) Modify(f Fields, l *Licence, now time.Time) error {
	if s.State != StatePending {
		return errNotPending
	}
	s.Fields = f
	if l != nil {
		s.Licence = *l
	}
	s.Version++
	s.UpdatedAt = now
	return nil
}

// Decide approves (reason "") or rejects the submission for reviewer at now.
// seen is the version the reviewer looked at; a newer version, a decided
// submission or a claim held by someone else is a Conflict.
func (s *Submission) Decide(reviewer int64, seen int, approve bool, reason, note string, now time.Time) error {
	if s.State != StatePending {
		return errNotPending
	}
	if s.Version != seen {
		return errStale
	}
	if s.ClaimedBy != reviewer || !now.Before(s.ClaimedUntil) {
		return errNotClaimed
	}
	if approve {
		s.State, s.Reason, s.Note = StateVerified, "", ""
	} else {
		note = strings.TrimSpace(note)
		if !oneOf(RejectReasons, reason) {
			return domain.FieldError("reason", "error.reason.required")
		}
		if reason == "other" && note == "" {
			return domain.FieldError("note", "error.reason.note_required")
		}
		if utf8.RuneCountInString(note) > 500 {
			return domain.FieldError("note", "error.reason.note_too_long")
		}
		s.State, s.Reason, s.Note = StateRejected, reason, note
	}
	s.DecidedBy, s.DecidedAt, s.UpdatedAt = reviewer, now, now
	s.ClaimedBy, s.ClaimedUntil = 0, time.Time{}
	return nil
}

// Claim reserves a pending submission for reviewer until now+ClaimTTL. It
// fails with Conflict when another reviewer's claim is still running.
func (s *Submission) Claim(reviewer int64, now time.Time) error {
	if s.State != StatePending {
		return errNotPending
	}
	if s.ClaimedBy != 0 && s.ClaimedBy != reviewer && now.Before(s.ClaimedUntil) {
		return domain.E(domain.Conflict, "error.verification.claimed")
	}
	s.ClaimedBy, s.ClaimedUntil = reviewer, now.Add(ClaimTTL)
	return nil
}

// Revoke ends the verification of a verified submission for the admin at now,
// with the admin's reason (required, at most 500 characters), which the
// customer is told. The credit code is then free for another company.
func (s *Submission) Revoke(admin int64, reason string, now time.Time) error {
	if s.State != StateVerified {
		return errNotRevocable
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return domain.FieldError("revoke_reason", "error.revoke.reason_required")
	case n > 500:
		return domain.FieldError("revoke_reason", "error.reason.note_too_long")
	}
	s.State, s.Reason, s.Note, s.UpdatedAt = StateRevoked, "", reason, now
	return nil
}
