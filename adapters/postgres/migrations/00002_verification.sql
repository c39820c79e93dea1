-- Verification: enterprise verification submissions, the reviewer queue's
-- claims and decisions, and the append-only history of every submission,
-- modification and decision.

-- +goose Up
CREATE TABLE verification_submissions (
    id            bigserial PRIMARY KEY,
    company_id    bigint NOT NULL REFERENCES companies (id),
    account_id    bigint NOT NULL REFERENCES accounts (id),
    region        text NOT NULL DEFAULT '',
    company_name  text NOT NULL,
    doc_type      text NOT NULL,
    credit_code   text NOT NULL,
    licence_key   text NOT NULL,
    licence_name  text NOT NULL DEFAULT '',
    licence_type  text NOT NULL DEFAULT '',
    licence_size  bigint NOT NULL DEFAULT 0,
    state         text NOT NULL CHECK (state IN ('pending', 'rejected', 'verified')),
    version       integer NOT NULL CHECK (version > 0),
    submitted_at  timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    -- Reviewers: no foreign keys, so that decisions outlive staff accounts,
    -- as in audit_log.
    claimed_by    bigint,
    claimed_until timestamptz,
    decided_by    bigint,
    decided_at    timestamptz,
    reason        text NOT NULL DEFAULT '',
    note          text NOT NULL DEFAULT ''
);
-- A company's submissions, newest first (LatestSubmission).
CREATE INDEX verification_submissions_company_id_id_idx ON verification_submissions (company_id, id DESC);
-- At most one pending submission per company, whatever races the callers run.
CREATE UNIQUE INDEX verification_submissions_one_pending_key ON verification_submissions (company_id)
    WHERE state = 'pending';
-- The queue: the oldest free pending submission (ClaimNext) and lists by state.
CREATE INDEX verification_submissions_pending_idx ON verification_submissions (submitted_at, id)
    WHERE state = 'pending';
CREATE INDEX verification_submissions_state_idx ON verification_submissions (state, submitted_at, id);
-- Duplicate credit codes among verified companies (VerifiedElsewhere) and the
-- link to warranty data.
CREATE INDEX verification_submissions_verified_code_idx ON verification_submissions (credit_code)
    WHERE state = 'verified';
-- Reviewer search: any-position name fragments and exact codes.
CREATE INDEX verification_submissions_company_name_trgm_idx ON verification_submissions
    USING gin (company_name gin_trgm_ops);
CREATE INDEX verification_submissions_credit_code_idx ON verification_submissions (credit_code);
-- The licence sweeper (LicenceKeyInUse).
CREATE INDEX verification_submissions_licence_key_idx ON verification_submissions (licence_key);

-- company_id is copied from the submission so that a company's history is
-- one index range. actor_id has no foreign key so that it outlives accounts.
CREATE TABLE verification_history (
    id            bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES verification_submissions (id),
    company_id    bigint NOT NULL,
    version       integer NOT NULL,
    at            timestamptz NOT NULL,
    actor_id      bigint NOT NULL,
    action        text NOT NULL
        CHECK (action IN ('submitted', 'modified', 'resubmitted', 'approved', 'rejected')),
    company_name  text NOT NULL,
    doc_type      text NOT NULL,
    credit_code   text NOT NULL,
    licence_key   text NOT NULL,
    reason        text NOT NULL DEFAULT '',
    note          text NOT NULL DEFAULT ''
);
CREATE INDEX verification_history_company_id_id_idx ON verification_history (company_id, id);
CREATE INDEX verification_history_submission_id_idx ON verification_history (submission_id);
CREATE INDEX verification_history_licence_key_idx ON verification_history (licence_key);

-- The history is append-only: changing or removing a line is an error.
-- +goose StatementBegin
CREATE FUNCTION verification_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'verification_history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER verification_history_no_change
    BEFORE UPDATE OR DELETE ON verification_history
    FOR EACH ROW EXECUTE FUNCTION verification_history_append_only();
CREATE TRIGGER verification_history_no_truncate
    BEFORE TRUNCATE ON verification_history
    FOR EACH STATEMENT EXECUTE FUNCTION verification_history_append_only();

-- +goose Down
DROP TABLE verification_history;
DROP FUNCTION verification_history_append_only();
DROP TABLE verification_submissions;
