-- Tickets: the queue counts every saved view on every page. Waiting tickets
-- have no next target (their clocks pause), so they sit at the end of
-- tickets_open_due_idx and 待客户反馈 walked past every other open ticket
-- (12,536 rows removed by the filter, 18 ms, on 200,000 tickets with 20,000
-- open); 未分配 read every matching row from the heap and sorted
-- them (3,540 rows, 16 ms). With an index in the queue's order for each of
-- the two views, their counts and pages stop at the LIMIT (0.3 ms).

-- +goose Up
CREATE INDEX tickets_waiting_due_idx ON tickets (next_due NULLS LAST, created_at, id)
    WHERE status = 'waiting';
CREATE INDEX tickets_unassigned_due_idx ON tickets (next_due NULLS LAST, created_at, id)
    WHERE status IN ('new', 'in_progress', 'waiting') AND assignee_id IS NULL;

-- +goose Down
DROP INDEX tickets_unassigned_due_idx;
DROP INDEX tickets_waiting_due_idx;
