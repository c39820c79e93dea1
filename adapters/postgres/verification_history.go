package postgres

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain/verification"
)

// UpdateSubmission locks the submission with SELECT … FOR UPDATE and calls fn
// with a copy of it. When fn returns nil, every column but id and company_id
// is stored from the changed copy and the returned entries are appended to
// the history under id, all in one transaction (the unit of work's, when the
// store is built over one); the stored submission is returned. When fn fails, nothing is
// stored and the submission as it was is returned with fn's error. An unknown
// id returns NotFound (error.verification.not_found) without calling fn.
// When the submission becomes verified, the company's previously verified
// submission is superseded in the same transaction, so the verified code
// switches atomically; a code that another company holds verified violates
// the unique index and returns Conflict (error.verification.code_taken) with
// nothing stored.
func (s *VerificationStore) UpdateSubmission(ctx context.Context, id int64,
	fn func(*verification.Submission) ([]verification.Entry, error),
) (verification.Submission, error) {
	var (
		old, stored verification.Submission
		fnErr       error
	)
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		const q = `SELECT ` + submissionColumns + ` FROM verification_submissions WHERE id = $1 FOR UPDATE`
		var r submissionRow
		if err := sqlx.GetContext(ctx, tx, &r, q, id); err != nil {
			return stepErr("lock", notFound(err, keySubmissionNotFound))
		}
		old = r.submission()
		sub := old
		var entries []verification.Entry
		if entries, fnErr = fn(&sub); fnErr != nil {
			return fnErr
		}
		if sub.State == verification.StateVerified && old.State != verification.StateVerified {
			if err := supersede(ctx, tx, old.CompanyID, id, sub.UpdatedAt); err != nil {
				return stepErr("supersede", err)
			}
		}
		var err error
		if stored, err = updateSubmission(ctx, tx, id, sub); err != nil {
			return err
		}
		if err := insertAttachment(ctx, tx, stored.Licence, licenceOwner, id); err != nil {
			return stepErr("licence", err)
		}
		for _, e := range entries {
			e.SubmissionID = id
			if err := insertEntry(ctx, tx, old.CompanyID, e); err != nil {
				return stepErr("history", err)
			}
		}
		return nil
	})
	switch {
	case fnErr != nil:
		return old, fnErr
	case err != nil:
		return old, verificationErr("update submission", err)
	}
	return stored, nil
}

// supersede ends the company's verified submission other than id inside tx,
// before id becomes the verified one.
func supersede(ctx context.Context, tx sqlx.ExtContext, companyID, id int64, at time.Time) error {
	const q = `
UPDATE verification_submissions SET state = 'superseded', updated_at = $3
WHERE company_id = $1 AND state = 'verified' AND id <> $2`
	_, err := tx.ExecContext(ctx, q, companyID, id, at)
	return err
}

// updateSubmission writes every mutable column of sub to the row id inside tx
// and returns the row as stored.
func updateSubmission(ctx context.Context, tx sqlx.ExtContext, id int64, sub verification.Submission) (verification.Submission, error) {
	const q = `
UPDATE verification_submissions SET
	account_id = $2, region = $3, company_name = $4, doc_type = $5, credit_code = $6,
	licence_key = $7, licence_name = $8, licence_type = $9, licence_size = $10,
	state = $11, version = $12, submitted_at = $13, updated_at = $14,
	claimed_by = $15, claimed_until = $16, decided_by = $17, decided_at = $18, reason = $19, note = $20
WHERE id = $1
RETURNING ` + submissionColumns
	var r submissionRow
	err := sqlx.GetContext(ctx, tx, &r, q, id,
		sub.AccountID, sub.Region, sub.Fields.CompanyName, sub.Fields.DocType, sub.Fields.CreditCode,
		sub.Licence.Key, sub.Licence.Name, sub.Licence.ContentType, sub.Licence.Size,
		sub.State, sub.Version, sub.SubmittedAt, sub.UpdatedAt,
		nullID(sub.ClaimedBy), zeroNull(sub.ClaimedUntil), nullID(sub.DecidedBy), zeroNull(sub.DecidedAt),
		sub.Reason, sub.Note,
	)
	if uerr := uniqueErr(err); uerr != nil {
		return verification.Submission{}, uerr
	}
	if err != nil {
		return verification.Submission{}, stepErr("write", err)
	}
	return r.submission(), nil
}

// insertEntry appends e to the history of companyID inside tx.
func insertEntry(ctx context.Context, tx sqlx.ExtContext, companyID int64, e verification.Entry) error {
	const q = `
INSERT INTO verification_history (submission_id, company_id, version, at, actor_id, action,
	company_name, doc_type, credit_code, licence_key, reason, note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id`
	var id int64
	return tx.QueryRowxContext(ctx, q,
		e.SubmissionID, companyID, e.Version, e.At, e.ActorID, e.Action,
		e.Fields.CompanyName, e.Fields.DocType, e.Fields.CreditCode, e.LicenceKey, e.Reason, e.Note,
	).Scan(&id)
}

// entryRow is a row of verification_history.
type entryRow struct {
	SubmissionID int64     `db:"submission_id"`
	Version      int       `db:"version"`
	At           time.Time `db:"at"`
	ActorID      int64     `db:"actor_id"`
	ActorName    string    `db:"actor_name"`
	Action       string    `db:"action"`
	CompanyName  string    `db:"company_name"`
	DocType      string    `db:"doc_type"`
	CreditCode   string    `db:"credit_code"`
	LicenceKey   string    `db:"licence_key"`
	Reason       string    `db:"reason"`
	Note         string    `db:"note"`
}

// History returns every entry of the company's submissions, oldest first. A
// company without submissions has an empty history.
func (s *VerificationStore) History(ctx context.Context, companyID int64) ([]verification.Entry, error) {
	const q = `
SELECT h.submission_id, h.version, h.at, h.actor_id, coalesce(a.name, '') AS actor_name, h.action,
	h.company_name, h.doc_type, h.credit_code, h.licence_key, h.reason, h.note
FROM verification_history h
LEFT JOIN accounts a ON a.id = h.actor_id
WHERE h.company_id = $1
ORDER BY h.id`
	var rows []entryRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, q, companyID); err != nil {
		return nil, verificationErr("history", err)
	}
	out := make([]verification.Entry, len(rows))
	for i, r := range rows {
		out[i] = verification.Entry{
			SubmissionID: r.SubmissionID,
			Version:      r.Version,
			At:           r.At.UTC(),
			ActorID:      r.ActorID,
			ActorName:    r.ActorName,
			Action:       verification.Action(r.Action),
			Fields:       verification.Fields{CompanyName: r.CompanyName, DocType: r.DocType, CreditCode: r.CreditCode},
			LicenceKey:   r.LicenceKey,
			Reason:       r.Reason,
			Note:         r.Note,
		}
	}
	return out, nil
}
