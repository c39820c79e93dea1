-- Warranty: import runs that were cancelled, and the rows a run applied
-- once because they repeated another row exactly.

-- +goose Up
ALTER TABLE import_runs DROP CONSTRAINT import_runs_status_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'dry_run', 'cancelled'));
ALTER TABLE import_runs ADD COLUMN duplicates integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE import_runs DROP COLUMN duplicates;
UPDATE import_runs SET status = 'failed' WHERE status = 'cancelled';
ALTER TABLE import_runs DROP CONSTRAINT import_runs_status_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'dry_run'));
