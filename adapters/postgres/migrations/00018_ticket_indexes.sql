-- Tickets: the indexes the searches and limits of the ticket lists need
-- beyond those of 00016. A search matches the number exactly or a fragment
-- of the title, the device SN or (in the agents' queue) the company name;
-- with a trigram index on each, PostgreSQL answers the OR of them with a
-- bitmap of the indexes instead of reading every ticket. The company's
-- creation limit counts its tickets of the last day.

-- +goose Up
CREATE INDEX tickets_device_sn_trgm_idx ON tickets USING gin (device_sn gin_trgm_ops);
CREATE INDEX tickets_company_name_trgm_idx ON tickets USING gin (company_name gin_trgm_ops);
CREATE INDEX tickets_company_created_idx ON tickets (company_id, created_at);

-- +goose Down
DROP INDEX tickets_company_created_idx;
DROP INDEX tickets_company_name_trgm_idx;
DROP INDEX tickets_device_sn_trgm_idx;
