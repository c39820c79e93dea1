-- The second factor of staff accounts: a TOTP secret (sealed with AES-GCM
-- under a key derived from the server secret), the newest time step used (so
-- that no code is accepted twice) and ten single-use recovery codes stored as
-- keyed hashes. A session records when its second factor was given.

-- +goose Up
CREATE TABLE staff_second_factors (
    account_id   bigint PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    secret       bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    confirmed_at timestamptz,
    last_step    bigint NOT NULL DEFAULT 0
);

CREATE TABLE staff_recovery_codes (
    account_id bigint NOT NULL REFERENCES staff_second_factors (account_id) ON DELETE CASCADE,
    hash       bytea NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (account_id, hash)
);

ALTER TABLE sessions ADD COLUMN second_factor_at timestamptz;

-- +goose Down
ALTER TABLE sessions DROP COLUMN second_factor_at;
DROP TABLE staff_recovery_codes;
DROP TABLE staff_second_factors;
