-- Identity: companies, accounts, emailed codes, sessions, throttling attempts,
-- registration drafts and the security audit log.

-- +goose Up
-- Later modules search names with trigram and combined GIN indexes. Both
-- extensions are trusted, so the database owner may create them. They are
-- not dropped on the way down: other schemas in the database may use them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE companies (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    industry   text NOT NULL DEFAULT '',
    size       text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    business   text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id                  bigserial PRIMARY KEY,
    email               text NOT NULL CHECK (email = lower(email)),
    kind                text NOT NULL CHECK (kind IN ('customer', 'partner', 'staff')),
    role                text NOT NULL CHECK (role IN ('customer', 'reviewer', 'agent', 'admin')),
    name                text NOT NULL,
    job_title           text NOT NULL DEFAULT '',
    country             text NOT NULL DEFAULT '',
    mobile              text NOT NULL DEFAULT '',
    password_hash       text NOT NULL,
    company_id          bigint REFERENCES companies (id),
    lang                text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
CREATE INDEX accounts_company_id_idx ON accounts (company_id);

CREATE TABLE codes (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL,
    purpose    text NOT NULL,
    hash       bytea NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    tries      integer NOT NULL DEFAULT 0,
    used_at    timestamptz
);
CREATE INDEX codes_email_purpose_id_idx ON codes (email, purpose, id DESC);
CREATE INDEX codes_expires_at_idx ON codes (expires_at);

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account_id_idx ON sessions (account_id);

CREATE TABLE attempts (
    id      bigserial PRIMARY KEY,
    scope   text NOT NULL,
    subject text NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX attempts_scope_subject_at_idx ON attempts (scope, subject, at);
CREATE INDEX attempts_at_idx ON attempts (at);

CREATE TABLE registration_drafts (
    token_hash    bytea PRIMARY KEY,
    data          jsonb NOT NULL,
    code_sent_to  text NOT NULL DEFAULT '',
    verified      boolean NOT NULL DEFAULT false,
    password_hash text NOT NULL DEFAULT '',
    expires_at    timestamptz NOT NULL
);
CREATE INDEX registration_drafts_expires_at_idx ON registration_drafts (expires_at);

-- account_id has no foreign key so that the history outlives the account.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    type       text NOT NULL,
    account_id bigint,
    email      text NOT NULL DEFAULT '',
    ip         text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT '',
    detail     text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_account_id_at_idx ON audit_log (account_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE registration_drafts;
DROP TABLE attempts;
DROP TABLE sessions;
DROP TABLE codes;
DROP TABLE accounts;
DROP TABLE companies;
