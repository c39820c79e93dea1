-- Attachments: one row for every stored object (licences now, ticket
-- attachments next) that a committed row refers to, written in the same
-- transaction as that row. An uploaded object is stored before its row is
-- committed, so the sweeper removes the objects under a prefix, older than a
-- cut-off, that no row here names (or whose row is marked deleted).

-- +goose Up
CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    key          text NOT NULL UNIQUE,
    name         text NOT NULL DEFAULT '',
    content_type text NOT NULL DEFAULT '',
    size         bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
    -- What owns it: 'licence' and the submission id, for example.
    owner_kind   text NOT NULL,
    owner_id     bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Set when nothing refers to it any more; the sweeper removes the object,
    -- then the row.
    deleted_at   timestamptz
);
CREATE INDEX attachments_owner_idx ON attachments (owner_kind, owner_id);

-- The licences stored so far: those of the submissions, then those only the
-- history still names (replaced by a modification), which the history does
-- not describe.
INSERT INTO attachments (key, name, content_type, size, owner_kind, owner_id, created_at)
SELECT DISTINCT ON (licence_key) licence_key, licence_name, licence_type, licence_size, 'licence', id, submitted_at
FROM verification_submissions
ORDER BY licence_key, id;
INSERT INTO attachments (key, owner_kind, owner_id, created_at)
SELECT DISTINCT ON (h.licence_key) h.licence_key, 'licence', h.submission_id, h.at
FROM verification_history h
WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.key = h.licence_key)
ORDER BY h.licence_key, h.id;

-- A licence named by a submission or the history always has its row, so the
-- sweeper never removes it. Checked at commit: the store writes the
-- submission first, then the attachment row that names its id.
ALTER TABLE verification_submissions ADD CONSTRAINT verification_submissions_licence_key_fkey
    FOREIGN KEY (licence_key) REFERENCES attachments (key) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE verification_history ADD CONSTRAINT verification_history_licence_key_fkey
    FOREIGN KEY (licence_key) REFERENCES attachments (key) DEFERRABLE INITIALLY DEFERRED;

-- +goose Down
ALTER TABLE verification_history DROP CONSTRAINT verification_history_licence_key_fkey;
ALTER TABLE verification_submissions DROP CONSTRAINT verification_submissions_licence_key_fkey;
DROP TABLE attachments;
