package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain/verification"
)

// queueRow is a row of the reviewer queue with the query's total.
type queueRow struct {
	submissionRow
	ClaimedByName string `db:"claimed_by_name"`
	Total         int    `db:"total"`
}

// likeEscaper escapes the wildcards of a LIKE pattern (backslash is the
// default escape character).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ListSubmissions returns a page of the queue, filtered by q.State when it is
// set and by q.Search when it is set (a fragment of the company name, without
// regard to case, or the whole credit code), pending first, then oldest
// submission first, with the number of submissions the query matches. A
// Limit of 0 or less returns every row from Offset. ClaimedByName is the
// reviewer's name while their claim is running and empty otherwise.
func (s *VerificationStore) ListSubmissions(ctx context.Context, q verification.Query) ([]verification.QueueItem, int, error) {
	const query = `
SELECT s.id, s.company_id, s.account_id, s.region, s.company_name, s.doc_type, s.credit_code,
	s.licence_key, s.licence_name, s.licence_type, s.licence_size, s.state, s.version,
	s.submitted_at, s.updated_at, s.claimed_by, s.claimed_until, s.decided_by, s.decided_at,
	s.reason, s.note,
	coalesce(a.name, '') AS claimed_by_name,
	count(*) OVER () AS total
FROM verification_submissions s
LEFT JOIN accounts a ON a.id = s.claimed_by AND s.claimed_until > now()
WHERE ($1::text = '' OR s.state = $1)
	AND ($2::text = '' OR s.company_name ILIKE $3 OR s.credit_code = upper($2))
ORDER BY s.state <> 'pending', s.submitted_at, s.id
LIMIT $4 OFFSET $5`
	var limit *int
	if q.Limit > 0 {
		limit = &q.Limit
	}
	offset := max(q.Offset, 0)
	pattern := "%" + likeEscaper.Replace(q.Search) + "%"
	var rows []queueRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, query, q.State, q.Search, pattern, limit, offset); err != nil {
		return nil, 0, verificationErr("list submissions", err)
	}
	if len(rows) == 0 {
		if offset == 0 {
			return nil, 0, nil
		}
		total, err := s.countSubmissions(ctx, q)
		return nil, total, err
	}
	items := make([]verification.QueueItem, len(rows))
	for i, r := range rows {
		items[i] = verification.QueueItem{Submission: r.submission(), ClaimedByName: r.ClaimedByName}
	}
	return items, rows[0].Total, nil
}

// countSubmissions counts the submissions q matches, for a page past the end
// where the window count of ListSubmissions has no row to ride on.
func (s *VerificationStore) countSubmissions(ctx context.Context, q verification.Query) (int, error) {
	const query = `
SELECT count(*) FROM verification_submissions s
WHERE ($1::text = '' OR s.state = $1)
	AND ($2::text = '' OR s.company_name ILIKE $3 OR s.credit_code = upper($2))`
	var n int
	pattern := "%" + likeEscaper.Replace(q.Search) + "%"
	if err := sqlx.GetContext(ctx, s.db, &n, query, q.State, q.Search, pattern); err != nil {
		return 0, verificationErr("count submissions", err)
	}
	return n, nil
}

// ClaimNext returns the reviewer's own running claim first, else claims the
// oldest pending submission that nobody holds at now for reviewer until
// now+ClaimTTL. Rows that other
// transactions have locked are skipped, so concurrent callers get different
// submissions. It returns NotFound (error.verification.queue_empty) when none
// is free.
func (s *VerificationStore) ClaimNext(ctx context.Context, reviewer int64, now time.Time) (verification.Submission, error) {
	const q = `
WITH next AS (
	SELECT id FROM verification_submissions
	WHERE state = 'pending' AND (claimed_by IS NULL OR claimed_until <= $2 OR claimed_by = $1)
	ORDER BY (claimed_by = $1 AND claimed_until > $2) IS NOT TRUE, submitted_at, id
	LIMIT 1
	FOR UPDATE SKIP LOCKED
)
UPDATE verification_submissions s SET claimed_by = $1, claimed_until = $3
FROM next
WHERE s.id = next.id
RETURNING s.id, s.company_id, s.account_id, s.region, s.company_name, s.doc_type, s.credit_code,
	s.licence_key, s.licence_name, s.licence_type, s.licence_size, s.state, s.version,
	s.submitted_at, s.updated_at, s.claimed_by, s.claimed_until, s.decided_by, s.decided_at,
	s.reason, s.note`
	var r submissionRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, reviewer, now, now.Add(verification.ClaimTTL)); err != nil {
		return verification.Submission{}, verificationErr("claim next", notFound(err, keyQueueEmpty))
	}
	return r.submission(), nil
}

// CodeHolder returns the verified submission of a company other than
// companyID whose credit code is code (a unique index allows one). It returns
// NotFound (error.verification.not_found) when no other company holds it.
func (s *VerificationStore) CodeHolder(ctx context.Context, code string, companyID int64) (verification.Submission, error) {
	const q = `SELECT ` + submissionColumns + ` FROM verification_submissions
WHERE credit_code = $1 AND state = 'verified' AND company_id <> $2`
	var r submissionRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, code, companyID); err != nil {
		return verification.Submission{}, verificationErr("code holder", notFound(err, keySubmissionNotFound))
	}
	return r.submission(), nil
}
