-- Tickets: the timed rules. A resolved ticket closes itself after a week, a
-- ticket waiting for the customer (待客户反馈) is reminded after three days
-- and resolved after ten, and the agents are warned before a first-response
-- breach. reminded_at and breach_warned_at record the emails sent, so that
-- none is sent twice; the partial indexes let each rule's claim find its due
-- tickets without reading the others.

-- +goose Up
ALTER TABLE tickets
    ADD COLUMN reminded_at      timestamptz,
    ADD COLUMN breach_warned_at timestamptz;
CREATE INDEX tickets_resolved_at_idx ON tickets (resolved_at, id) WHERE status = 'resolved';
CREATE INDEX tickets_warn_due_idx ON tickets (first_response_due, id)
    WHERE status IN ('new', 'in_progress', 'waiting') AND covered AND first_response_at IS NULL
      AND breach_warned_at IS NULL;
-- The last move of each ticket to waiting.
CREATE INDEX ticket_events_waiting_idx ON ticket_events (ticket_id, at)
    WHERE kind = 'status' AND to_value = 'waiting';

-- +goose Down
DROP INDEX ticket_events_waiting_idx;
DROP INDEX tickets_warn_due_idx;
DROP INDEX tickets_resolved_at_idx;
ALTER TABLE tickets DROP COLUMN breach_warned_at, DROP COLUMN reminded_at;
