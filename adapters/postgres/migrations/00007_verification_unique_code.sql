-- Verification: one verified company per credit code, revocation by an admin,
-- and re-verification of a verified company.
--
-- A verified submission ends as 'superseded' when a newer submission of the
-- same company is approved, or as 'revoked' when an admin revokes it. Two
-- partial unique indexes keep at most one verified submission per company
-- and per credit code, so two reviewers approving two companies with the same
-- code at once cannot both win.

-- +goose Up
ALTER TABLE verification_submissions DROP CONSTRAINT verification_submissions_state_check;
ALTER TABLE verification_submissions ADD CONSTRAINT verification_submissions_state_check
    CHECK (state IN ('pending', 'rejected', 'verified', 'superseded', 'revoked'));
ALTER TABLE verification_history DROP CONSTRAINT verification_history_action_check;
ALTER TABLE verification_history ADD CONSTRAINT verification_history_action_check
    CHECK (action IN ('submitted', 'modified', 'resubmitted', 'approved', 'rejected', 'revoked'));

-- Codes verified for several companies before this migration: the company
-- verified first keeps the code, the others lose their verification (reason
-- code_taken), recorded in the history and the audit log with no actor.
CREATE TEMPORARY TABLE verification_duplicate_codes ON COMMIT DROP AS
SELECT id FROM (
    SELECT id, row_number() OVER (PARTITION BY credit_code ORDER BY decided_at NULLS LAST, id) AS n
    FROM verification_submissions WHERE state = 'verified'
) ranked
WHERE n > 1;

INSERT INTO verification_history (submission_id, company_id, version, at, actor_id, action,
    company_name, doc_type, credit_code, licence_key, reason, note)
SELECT s.id, s.company_id, s.version, now(), 0, 'revoked',
    s.company_name, s.doc_type, s.credit_code, s.licence_key, 'code_taken', ''
FROM verification_submissions s JOIN verification_duplicate_codes d ON d.id = s.id;

INSERT INTO audit_log (at, type, account_id, detail)
SELECT now(), 'verification_revoked', NULL,
    format('submission=%s company=%s code=%s reason=code_taken', s.id, s.company_id, s.credit_code)
FROM verification_submissions s JOIN verification_duplicate_codes d ON d.id = s.id;

UPDATE verification_submissions s SET state = 'revoked', reason = 'code_taken', note = '', updated_at = now()
FROM verification_duplicate_codes d WHERE d.id = s.id;

-- One verified submission per credit code (CodeHolder, the approval's
-- refusal) and per company (VerifiedSubmission, the gates).
DROP INDEX verification_submissions_verified_code_idx;
CREATE UNIQUE INDEX verification_submissions_verified_code_key ON verification_submissions (credit_code)
    WHERE state = 'verified';
CREATE UNIQUE INDEX verification_submissions_one_verified_key ON verification_submissions (company_id)
    WHERE state = 'verified';

-- +goose Down
-- The history stays append-only, so its 'revoked' lines and the widened
-- checks remain; only the uniqueness goes.
DROP INDEX verification_submissions_one_verified_key;
DROP INDEX verification_submissions_verified_code_key;
CREATE INDEX verification_submissions_verified_code_idx ON verification_submissions (credit_code)
    WHERE state = 'verified';
