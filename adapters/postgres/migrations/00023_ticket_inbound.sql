-- Tickets: replies by email. Each email received at a reply address and
-- handled on a ticket (posted as a message, or answered because the ticket
-- takes no more messages) is remembered by its Message-ID (or a digest of
-- the email without one), so that an email delivered twice is handled once.

-- +goose Up
CREATE TABLE ticket_inbound (
    ticket_id   bigint NOT NULL REFERENCES tickets (id),
    key         text NOT NULL,
    account_id  bigint NOT NULL REFERENCES accounts (id),
    message_id  bigint REFERENCES ticket_messages (id),
    outcome     text NOT NULL CHECK (outcome IN ('posted', 'answered')),
    received_at timestamptz NOT NULL,
    PRIMARY KEY (ticket_id, key)
);

-- +goose Down
DROP TABLE ticket_inbound;
