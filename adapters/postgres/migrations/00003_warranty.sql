-- Warranty: the devices of each owner (a customer's credit code), their
-- service lines, and the record of every import run.

-- +goose Up
-- max_end is the latest end date of the device's lines. The import's merge
-- keeps it up to date, so that the lookup's sort by end date is an index scan
-- that stops at its LIMIT instead of a sort of a whole tenant.
CREATE TABLE devices (
    id         bigserial PRIMARY KEY,
    owner_code text NOT NULL,
    owner_name text NOT NULL,
    name       text NOT NULL,
    sn         text NOT NULL,
    order_no   text NOT NULL DEFAULT '',
    max_end    date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Exact serial number within an owner; the merge's ON CONFLICT target; an
    -- owner's devices (snapshot removal) by its leading column.
    CONSTRAINT devices_owner_code_sn_key UNIQUE (owner_code, sn)
);
-- An owner's devices by latest end date, in both directions (a backward scan
-- gives max_end ASC, id DESC).
CREATE INDEX devices_owner_code_max_end_idx ON devices (owner_code, max_end DESC, id);
-- Fuzzy names within an owner: name ILIKE '%fragment%' AND owner_code = $1
-- in one GIN index (btree_gin supplies the text equality operator class).
CREATE INDEX devices_owner_code_name_trgm_idx ON devices USING gin (owner_code, name gin_trgm_ops);

-- The unique constraint's leading column serves the lookups by device_id
-- (the lines of a page of devices, ON DELETE CASCADE), so there is no
-- separate index on device_id.
CREATE TABLE service_lines (
    id           bigserial PRIMARY KEY,
    device_id    bigint NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    sku          text NOT NULL,
    service_name text NOT NULL,
    start_date   date NOT NULL,
    end_date     date NOT NULL CHECK (end_date >= start_date),
    CONSTRAINT service_lines_device_id_sku_start_date_key UNIQUE (device_id, sku, start_date)
);

CREATE TABLE import_runs (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL DEFAULT '',
    mode        text NOT NULL CHECK (mode IN ('upsert', 'snapshot')),
    dry_run     boolean NOT NULL DEFAULT false,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'dry_run')),
    read        integer NOT NULL DEFAULT 0,
    inserted    integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    unchanged   integer NOT NULL DEFAULT 0,
    removed     integer NOT NULL DEFAULT 0,
    rejected    integer NOT NULL DEFAULT 0,
    -- The first problems of the file: [{"line", "column", "key", "data"}].
    errors      jsonb NOT NULL DEFAULT '[]',
    message     text NOT NULL DEFAULT ''
);
-- 数据最后更新时间: the last successful run (LastSuccess).
CREATE INDEX import_runs_succeeded_idx ON import_runs (finished_at DESC) WHERE status = 'succeeded';

-- +goose Down
DROP TABLE import_runs;
DROP TABLE service_lines;
DROP TABLE devices;
