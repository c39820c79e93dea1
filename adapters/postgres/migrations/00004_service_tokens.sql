-- Service tokens: the bearer credentials of internal systems that call the
-- API (the warranty import). Only the SHA-256 hash of a token is stored.

-- +goose Up
CREATE TABLE service_tokens (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    hash         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
-- Every API call looks its token up by hash.
CREATE UNIQUE INDEX service_tokens_hash_key ON service_tokens (hash);
-- A name is unique among the active tokens, so a revoked name can be reused.
CREATE UNIQUE INDEX service_tokens_active_name_key ON service_tokens (lower(name)) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE service_tokens;
