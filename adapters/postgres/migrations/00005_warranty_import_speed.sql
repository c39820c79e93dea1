-- Warranty: make the import's merge cheaper on large batches.

-- +goose Up
-- The foreign key checked every inserted service line against devices, one
-- index probe and FOR KEY SHARE lock per line: about half the time of
-- inserting a large batch's lines. The import's merge is the only writer of
-- both tables, inserts a device before its lines and, in snapshot mode,
-- removes a device only once it has no lines left (removeUnlisted), so the
-- key had nothing left to catch; the merge's tests check that no line is
-- left without its device. Nothing relied on ON DELETE CASCADE.
ALTER TABLE service_lines DROP CONSTRAINT service_lines_device_id_fkey;
-- Credit codes and serial numbers are identifiers (ASCII in practice,
-- normalised by the import) that nobody reads in sorted order, so byte
-- order does. The merge sorts and joins a batch by (owner_code, sn), and
-- comparing bytes is much cheaper than a linguistic collation; equality is
-- the same under both. The lookup compares both columns with = only; its
-- parameters take the columns' collation, so the indexes still serve it.
-- This rebuilds devices' indexes.
ALTER TABLE devices
    ALTER COLUMN owner_code TYPE text COLLATE "C",
    ALTER COLUMN sn TYPE text COLLATE "C";

-- +goose Down
ALTER TABLE devices
    ALTER COLUMN owner_code TYPE text COLLATE "default",
    ALTER COLUMN sn TYPE text COLLATE "default";
ALTER TABLE service_lines ADD CONSTRAINT service_lines_device_id_fkey
    FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE;
