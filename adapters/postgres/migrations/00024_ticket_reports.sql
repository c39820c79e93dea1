-- Tickets: the staff reports (/staff/reports). The SLA clocks are computed
-- from a ticket's history on every event (domain/ticket/service.go, clocks);
-- besides the due times of 00016 the ticket now keeps what they found for the
-- first response and the resolution: whether each was breached then, and
-- the resolution's due time while its clock runs. A report counts a metric as
-- breached when it was breached at the last event or when its clock still
-- runs and the due time has passed (ticket.Ticket.FirstResponseOutcome), as
-- the ticket's page finds from the history.
--
-- Tickets stored before this migration get the first-response result from
-- their stored times below. Their resolution result needs the clocks: it
-- stays NULL for the covered ones, which the server recomputes from their
-- histories when it starts (cmd/supportal/reclock.go; until then the reports
-- count no resolution target for them). Every ticket written since stores it.
--
-- The indexes let each report read one index in the month range it shows
-- (index-only: every column the report needs is in the index): covered
-- tickets by creation time, open tickets, rated tickets by rating time.
-- The first two carry a condition that holds for every such ticket but that
-- only the report queries state (a covered ticket always has a tier; tier is
-- never NULL), so that the planner never takes them for the queue's
-- queries, whose plans the queue's own indexes make (ticket_plan_test.go):
-- with a plain partial index on the open tickets, the count of 我的 read it
-- and sorted instead of reading tickets_assignee_idx.

-- +goose Up
ALTER TABLE tickets
    ADD COLUMN first_response_breached boolean NOT NULL DEFAULT false,
    ADD COLUMN resolution_due          timestamptz,
    ADD COLUMN resolution_breached     boolean;
UPDATE tickets SET resolution_breached = false WHERE NOT covered;
ALTER TABLE tickets ALTER COLUMN resolution_breached SET DEFAULT false;

UPDATE tickets SET first_response_breached = true
WHERE covered AND first_response_due IS NOT NULL
  AND (first_response_at > first_response_due
       OR (first_response_at IS NULL AND status NOT IN ('new', 'in_progress', 'waiting')));

CREATE INDEX tickets_report_sla_idx ON tickets (created_at)
    INCLUDE (company_id, tier, status, first_response_at, first_response_due, first_response_breached,
             resolution_due, resolution_breached)
    WHERE covered AND tier <> '';
CREATE INDEX tickets_report_open_idx ON tickets (created_at)
    INCLUDE (company_id, tier, status, priority)
    WHERE status IN ('new', 'in_progress', 'waiting') AND tier IS NOT NULL;
CREATE INDEX tickets_unclocked_idx ON tickets (id) WHERE resolution_breached IS NULL;
CREATE INDEX tickets_report_rated_idx ON tickets (rated_at)
    INCLUDE (company_id, tier, rating_score)
    WHERE rating_score IS NOT NULL;

-- +goose Down
DROP INDEX tickets_report_rated_idx;
DROP INDEX tickets_unclocked_idx;
DROP INDEX tickets_report_open_idx;
DROP INDEX tickets_report_sla_idx;
ALTER TABLE tickets DROP COLUMN resolution_breached, DROP COLUMN resolution_due,
    DROP COLUMN first_response_breached;
