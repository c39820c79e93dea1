-- +goose Up
-- The mail outbox: notices written in the transaction of the change that
-- causes them, sent by workers that claim rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    recipient  text        NOT NULL,
    lang       text        NOT NULL,
    template   text        NOT NULL,
    data       jsonb       NOT NULL DEFAULT '{}',
    request_id text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    next_at    timestamptz NOT NULL DEFAULT '-infinity', -- due at once; a retry sets a time
    attempts   integer     NOT NULL DEFAULT 0,
    last_error text        NOT NULL DEFAULT '',
    sent_at    timestamptz,
    failed_at  timestamptz
);
-- The worker's claim: the oldest due notice that is neither sent nor given up.
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP TABLE outbox;
