-- Tickets: 满意度评价. The customers rate a resolved or closed ticket once,
-- 1 to 5 with an optional comment, and may change it for 7 days after the
-- first rating (rated_first_at); rated_at is the last change. The rating
-- lives on the ticket so that the queue and the pages read it with the
-- ticket; changing it leaves the ticket's version and activity time alone.

-- +goose Up
ALTER TABLE tickets
    ADD COLUMN rating_score   smallint CHECK (rating_score BETWEEN 1 AND 5),
    ADD COLUMN rating_comment text NOT NULL DEFAULT '',
    ADD COLUMN rated_by       bigint REFERENCES accounts (id),
    ADD COLUMN rated_by_name  text NOT NULL DEFAULT '',
    ADD COLUMN rated_first_at timestamptz,
    ADD COLUMN rated_at       timestamptz,
    ADD CONSTRAINT tickets_rating_whole CHECK ((rating_score IS NULL) = (rated_first_at IS NULL)
        AND (rating_score IS NULL) = (rated_at IS NULL));

-- +goose Down
ALTER TABLE tickets DROP CONSTRAINT tickets_rating_whole,
    DROP COLUMN rated_at, DROP COLUMN rated_first_at, DROP COLUMN rated_by_name,
    DROP COLUMN rated_by, DROP COLUMN rating_comment, DROP COLUMN rating_score;
