-- Tickets (工单): the tickets of customer companies, their threads (public
-- messages and internal notes), attachments, histories and followers, and the
-- daily sequence their numbers are drawn from.

-- +goose Up
-- The last sequence number given out per day (Asia/Shanghai date, 20261127);
-- an UPSERT … RETURNING draws the next one under the row's lock, so numbers are
-- unique and never reused.
CREATE TABLE ticket_numbers (
    day  text PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE tickets (
    id                 bigserial PRIMARY KEY,
    number             text NOT NULL UNIQUE,
    company_id         bigint NOT NULL REFERENCES companies (id),
    company_name       text NOT NULL DEFAULT '',
    opened_by          bigint NOT NULL REFERENCES accounts (id),
    opened_by_name     text NOT NULL DEFAULT '',
    title              text NOT NULL,
    category           text NOT NULL,
    priority           smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    status             text NOT NULL,
    phone              text NOT NULL DEFAULT '',
    device_id          bigint,
    device_sn          text NOT NULL DEFAULT '',
    snapshot           jsonb NOT NULL DEFAULT '{}',
    covered            boolean NOT NULL DEFAULT false,
    tier               text NOT NULL DEFAULT '',
    follow_up_of       bigint REFERENCES tickets (id),
    assignee_id        bigint REFERENCES accounts (id),
    assignee_name      text NOT NULL DEFAULT '',
    version            integer NOT NULL DEFAULT 1,
    create_token       text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    resolved_at        timestamptz,
    closed_at          timestamptz,
    first_response_at  timestamptz,
    first_response_due timestamptz,
    next_due           timestamptz
);
-- A resent form finds the ticket it created.
CREATE UNIQUE INDEX tickets_create_token_idx ON tickets (opened_by, create_token) WHERE create_token IS NOT NULL;
-- 我的工单: a company's tickets, newest activity first.
CREATE INDEX tickets_company_activity_idx ON tickets (company_id, updated_at DESC, id DESC);
-- The agents' queue: open tickets by their next SLA target.
CREATE INDEX tickets_open_due_idx ON tickets (next_due NULLS LAST, created_at, id)
    WHERE status IN ('new', 'in_progress', 'waiting');
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, next_due NULLS LAST)
    WHERE status IN ('new', 'in_progress', 'waiting');
-- Open tickets of a device, and the creation limits.
CREATE INDEX tickets_device_idx ON tickets (company_id, device_id) WHERE device_id IS NOT NULL;
CREATE INDEX tickets_opener_idx ON tickets (opened_by, created_at);
CREATE INDEX tickets_title_trgm_idx ON tickets USING gin (title gin_trgm_ops);

CREATE TABLE ticket_messages (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id),
    author_id   bigint REFERENCES accounts (id),
    author_name text NOT NULL DEFAULT '',
    author_role text NOT NULL,
    internal    boolean NOT NULL DEFAULT false,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, id);

-- The files of messages; every key has its row in attachments (owner_kind
-- 'ticket_message'), written in the same transaction.
CREATE TABLE ticket_attachments (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets (id),
    message_id   bigint NOT NULL REFERENCES ticket_messages (id),
    key          text NOT NULL UNIQUE REFERENCES attachments (key) DEFERRABLE INITIALLY DEFERRED,
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    created_at   timestamptz NOT NULL
);
CREATE INDEX ticket_attachments_message_idx ON ticket_attachments (message_id);

-- The history: every creation, status, priority, category and assignee
-- change and every reply, from which the SLA clocks are computed.
CREATE TABLE ticket_events (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id),
    at         timestamptz NOT NULL,
    actor_id   bigint REFERENCES accounts (id),
    actor_name text NOT NULL DEFAULT '',
    actor_role text NOT NULL,
    kind       text NOT NULL,
    from_value text NOT NULL DEFAULT '',
    to_value   text NOT NULL DEFAULT ''
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

CREATE TABLE ticket_followers (
    ticket_id  bigint NOT NULL REFERENCES tickets (id),
    account_id bigint NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (ticket_id, account_id)
);

-- +goose Down
DROP TABLE ticket_followers;
DROP TABLE ticket_events;
DROP TABLE ticket_attachments;
DROP TABLE ticket_messages;
DROP TABLE tickets;
DROP TABLE ticket_numbers;
