package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain"
	"supportal/domain/verification"
)

// VerificationStore keeps the verification module's submissions, their
// append-only history and the reviewer queue's claims.
type VerificationStore struct {
	db sqlx.ExtContext
}

var (
	_ verification.Submissions = (*VerificationStore)(nil)
	_ verification.Queue       = (*VerificationStore)(nil)
)

// NewVerificationStore returns the verification store over db: a *sqlx.DB,
// or the *sqlx.Tx of a unit of work (see NewVerificationTx).
func NewVerificationStore(db sqlx.ExtContext) *VerificationStore { return &VerificationStore{db: db} }

// The message ids of the errors the verification store returns.
const (
	keySubmissionNotFound = "error.verification.not_found"
	keyQueueEmpty         = "error.verification.queue_empty"
	keyPendingExists      = "error.verification.pending_exists"
	keyCodeTaken          = "error.verification.code_taken"
)

// licenceOwner is the owner kind of a licence's attachment row; its owner id
// is the submission's.
const licenceOwner = "licence"

// uniqueErr maps a unique violation of verification_submissions to its
// Conflict: the verified-code index to error.verification.code_taken, the
// one-pending (or one-verified) index to error.verification.pending_exists.
// It returns nil for any other error.
func uniqueErr(err error) error {
	var pe *pq.Error
	switch {
	case !isUniqueViolation(err):
		return nil
	case errors.As(err, &pe) && pe.Constraint == "verification_submissions_verified_code_key":
		return domain.E(domain.Conflict, keyCodeTaken)
	}
	return domain.E(domain.Conflict, keyPendingExists)
}

// verificationErr returns a *domain.Error unchanged and wraps anything else
// with the operation's name.
func verificationErr(op string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("verification store: %s: %w", op, err)
}

// stepErr names the step of a store method that failed, leaving a
// *domain.Error (and nil) unchanged.
func stepErr(step string, err error) error {
	var de *domain.Error
	if err == nil || errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("%s: %w", step, err)
}

// submissionRow is a row of verification_submissions.
type submissionRow struct {
	ID           int64         `db:"id"`
	CompanyID    int64         `db:"company_id"`
	AccountID    int64         `db:"account_id"`
	Region       string        `db:"region"`
	CompanyName  string        `db:"company_name"`
	DocType      string        `db:"doc_type"`
	CreditCode   string        `db:"credit_code"`
	LicenceKey   string        `db:"licence_key"`
	LicenceName  string        `db:"licence_name"`
	LicenceType  string        `db:"licence_type"`
	LicenceSize  int64         `db:"licence_size"`
	State        string        `db:"state"`
	Version      int           `db:"version"`
	SubmittedAt  time.Time     `db:"submitted_at"`
	UpdatedAt    time.Time     `db:"updated_at"`
	ClaimedBy    sql.NullInt64 `db:"claimed_by"`
	ClaimedUntil sql.NullTime  `db:"claimed_until"`
	DecidedBy    sql.NullInt64 `db:"decided_by"`
	DecidedAt    sql.NullTime  `db:"decided_at"`
	Reason       string        `db:"reason"`
	Note         string        `db:"note"`
}

// submissionColumns lists the columns submissionRow scans.
const submissionColumns = `id, company_id, account_id, region, company_name, doc_type, credit_code,
	licence_key, licence_name, licence_type, licence_size, state, version, submitted_at, updated_at,
	claimed_by, claimed_until, decided_by, decided_at, reason, note`

func (r submissionRow) submission() verification.Submission {
	return verification.Submission{
		ID:        r.ID,
		CompanyID: r.CompanyID,
		AccountID: r.AccountID,
		Region:    r.Region,
		Fields:    verification.Fields{CompanyName: r.CompanyName, DocType: r.DocType, CreditCode: r.CreditCode},
		Licence: verification.Licence{Key: r.LicenceKey, Name: r.LicenceName, ContentType: r.LicenceType,
			Size: r.LicenceSize},
		State:        verification.State(r.State),
		Version:      r.Version,
		SubmittedAt:  r.SubmittedAt.UTC(),
		UpdatedAt:    r.UpdatedAt.UTC(),
		ClaimedBy:    r.ClaimedBy.Int64,
		ClaimedUntil: utcOrZero(r.ClaimedUntil),
		DecidedBy:    r.DecidedBy.Int64,
		DecidedAt:    utcOrZero(r.DecidedAt),
		Reason:       r.Reason,
		Note:         r.Note,
	}
}

// utcOrZero returns a nullable time in UTC, or the zero time for NULL.
func utcOrZero(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// nullTime stores the zero time as NULL.
func zeroNull(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// nullID stores the id 0 as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateSubmission stores a new submission and its first history entry in one
// transaction and fills s.ID; the entry is stored under that id. A second
// pending submission of the same company returns Conflict
// (error.verification.pending_exists) and stores nothing.
func (s *VerificationStore) CreateSubmission(ctx context.Context, sub *verification.Submission, e verification.Entry) error {
	const q = `
INSERT INTO verification_submissions (company_id, account_id, region, company_name, doc_type, credit_code,
	licence_key, licence_name, licence_type, licence_size, state, version, submitted_at, updated_at,
	claimed_by, claimed_until, decided_by, decided_at, reason, note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
RETURNING id`
	var id int64
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		err := tx.QueryRowxContext(ctx, q,
			sub.CompanyID, sub.AccountID, sub.Region, sub.Fields.CompanyName, sub.Fields.DocType, sub.Fields.CreditCode,
			sub.Licence.Key, sub.Licence.Name, sub.Licence.ContentType, sub.Licence.Size, sub.State, sub.Version,
			sub.SubmittedAt, sub.UpdatedAt, nullID(sub.ClaimedBy), zeroNull(sub.ClaimedUntil),
			nullID(sub.DecidedBy), zeroNull(sub.DecidedAt), sub.Reason, sub.Note,
		).Scan(&id)
		if uerr := uniqueErr(err); uerr != nil {
			return uerr
		}
		if err != nil {
			return err
		}
		if err := insertAttachment(ctx, tx, sub.Licence, licenceOwner, id); err != nil {
			return stepErr("licence", err)
		}
		e.SubmissionID = id
		return stepErr("history", insertEntry(ctx, tx, sub.CompanyID, e))
	})
	if err != nil {
		return verificationErr("create submission", err)
	}
	sub.ID = id
	return nil
}

// LatestSubmission returns the company's newest submission. It returns
// NotFound (error.verification.not_found) when the company submitted nothing.
func (s *VerificationStore) LatestSubmission(ctx context.Context, companyID int64) (verification.Submission, error) {
	const q = `SELECT ` + submissionColumns + ` FROM verification_submissions
WHERE company_id = $1 ORDER BY id DESC LIMIT 1`
	var r submissionRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, companyID); err != nil {
		return verification.Submission{}, verificationErr("latest submission", notFound(err, keySubmissionNotFound))
	}
	return r.submission(), nil
}

// SubmissionByID returns the submission with the given id. It returns
// NotFound (error.verification.not_found).
func (s *VerificationStore) SubmissionByID(ctx context.Context, id int64) (verification.Submission, error) {
	const q = `SELECT ` + submissionColumns + ` FROM verification_submissions WHERE id = $1`
	var r submissionRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, id); err != nil {
		return verification.Submission{}, verificationErr("submission by id", notFound(err, keySubmissionNotFound))
	}
	return r.submission(), nil
}

// VerifiedSubmission returns the company's verified submission (a unique
// index allows one). It returns NotFound (error.verification.not_found) when
// the company is not verified.
func (s *VerificationStore) VerifiedSubmission(ctx context.Context, companyID int64) (verification.Submission, error) {
	const q = `SELECT ` + submissionColumns + ` FROM verification_submissions
WHERE company_id = $1 AND state = 'verified'`
	var r submissionRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, companyID); err != nil {
		return verification.Submission{}, verificationErr("verified submission", notFound(err, keySubmissionNotFound))
	}
	return r.submission(), nil
}
