-- SLA settings (SPEC §4.6): business calendars (working windows per weekday,
-- a time zone, public holidays and make-up working days), service tiers with
-- their targets per priority, and the rules that map service SKUs to tiers.
-- Seeded with the defaults of domain/ticket/sla (Default) and the mainland-China
-- schedule of 2026 (domain/ticket/sla/china-2026.csv, 国办发明电〔2025〕7号).

-- +goose Up
CREATE TABLE sla_calendars (
    code           text PRIMARY KEY,
    name           text NOT NULL,
    time_zone      text NOT NULL DEFAULT 'Asia/Shanghai',
    always         boolean NOT NULL DEFAULT false,
    makeup_weekday smallint NOT NULL DEFAULT 1 CHECK (makeup_weekday BETWEEN 0 AND 6),
    version        integer NOT NULL DEFAULT 1,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Working windows in minutes after local midnight (end up to 1440 = 24:00).
CREATE TABLE sla_windows (
    calendar_code text NOT NULL REFERENCES sla_calendars (code) ON DELETE CASCADE,
    weekday       smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute  smallint NOT NULL,
    end_minute    smallint NOT NULL,
    PRIMARY KEY (calendar_code, weekday, start_minute),
    CHECK (start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440)
);

CREATE TABLE sla_days (
    calendar_code text NOT NULL REFERENCES sla_calendars (code) ON DELETE CASCADE,
    day           date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name          text NOT NULL DEFAULT '',
    PRIMARY KEY (calendar_code, day)
);

CREATE TABLE sla_tiers (
    code          text PRIMARY KEY,
    name_key      text NOT NULL,
    rank          integer NOT NULL,
    calendar_code text NOT NULL REFERENCES sla_calendars (code),
    version       integer NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Targets as spans of working time ('30m', '2h', '1d' = one working day; ''
-- no target).
CREATE TABLE sla_targets (
    tier_code      text NOT NULL REFERENCES sla_tiers (code) ON DELETE CASCADE,
    priority       smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
    first_response text NOT NULL,
    next_response  text NOT NULL DEFAULT '',
    resolution     text NOT NULL DEFAULT '',
    PRIMARY KEY (tier_code, priority)
);

-- A SKU takes the tier of its longest matching prefix; tier_code NULL grants
-- none (软件升级服务).
CREATE TABLE sla_sku_rules (
    prefix    text PRIMARY KEY CHECK (prefix = upper(prefix)),
    tier_code text REFERENCES sla_tiers (code)
);

INSERT INTO sla_calendars (code, name, time_zone, always) VALUES
    ('business', '5x8', 'Asia/Shanghai', false),
    ('24x7', '7x24', 'Asia/Shanghai', true);

INSERT INTO sla_windows (calendar_code, weekday, start_minute, end_minute) VALUES
    ('business', 1, 540, 720),
    ('business', 1, 780, 1080),
    ('business', 2, 540, 720),
    ('business', 2, 780, 1080),
    ('business', 3, 540, 720),
    ('business', 3, 780, 1080),
    ('business', 4, 540, 720),
    ('business', 4, 780, 1080),
    ('business', 5, 540, 720),
    ('business', 5, 780, 1080);

INSERT INTO sla_days (calendar_code, day, kind, name) VALUES
    ('business', '2026-01-01', 'holiday', '元旦'),
    ('business', '2026-01-02', 'holiday', '元旦'),
    ('business', '2026-01-03', 'holiday', '元旦'),
    ('business', '2026-01-04', 'workday', '元旦调休上班'),
    ('business', '2026-02-14', 'workday', '春节调休上班'),
    ('business', '2026-02-15', 'holiday', '春节'),
    ('business', '2026-02-16', 'holiday', '春节'),
    ('business', '2026-02-17', 'holiday', '春节'),
    ('business', '2026-02-18', 'holiday', '春节'),
    ('business', '2026-02-19', 'holiday', '春节'),
    ('business', '2026-02-20', 'holiday', '春节'),
    ('business', '2026-02-21', 'holiday', '春节'),
    ('business', '2026-02-22', 'holiday', '春节'),
    ('business', '2026-02-23', 'holiday', '春节'),
    ('business', '2026-02-28', 'workday', '春节调休上班'),
    ('business', '2026-04-04', 'holiday', '清明节'),
    ('business', '2026-04-05', 'holiday', '清明节'),
    ('business', '2026-04-06', 'holiday', '清明节'),
    ('business', '2026-05-01', 'holiday', '劳动节'),
    ('business', '2026-05-02', 'holiday', '劳动节'),
    ('business', '2026-05-03', 'holiday', '劳动节'),
    ('business', '2026-05-04', 'holiday', '劳动节'),
    ('business', '2026-05-05', 'holiday', '劳动节'),
    ('business', '2026-05-09', 'workday', '劳动节调休上班'),
    ('business', '2026-06-19', 'holiday', '端午节'),
    ('business', '2026-06-20', 'holiday', '端午节'),
    ('business', '2026-06-21', 'holiday', '端午节'),
    ('business', '2026-09-20', 'workday', '国庆节调休上班'),
    ('business', '2026-09-25', 'holiday', '中秋节'),
    ('business', '2026-09-26', 'holiday', '中秋节'),
    ('business', '2026-09-27', 'holiday', '中秋节'),
    ('business', '2026-10-01', 'holiday', '国庆节'),
    ('business', '2026-10-02', 'holiday', '国庆节'),
    ('business', '2026-10-03', 'holiday', '国庆节'),
    ('business', '2026-10-04', 'holiday', '国庆节'),
    ('business', '2026-10-05', 'holiday', '国庆节'),
    ('business', '2026-10-06', 'holiday', '国庆节'),
    ('business', '2026-10-07', 'holiday', '国庆节'),
    ('business', '2026-10-10', 'workday', '国庆节调休上班');

INSERT INTO sla_tiers (code, name_key, rank, calendar_code) VALUES
    ('premium', 'sla.tier.premium', 30, '24x7'),
    ('onsite', 'sla.tier.onsite', 20, 'business'),
    ('standard', 'sla.tier.standard', 10, 'business');

INSERT INTO sla_targets (tier_code, priority, first_response, next_response, resolution) VALUES
    ('premium', 1, '30m', '1h', '8h'),
    ('premium', 2, '2h', '4h', '24h'),
    ('premium', 3, '8h', '8h', '3d'),
    ('premium', 4, '24h', '24h', '7d'),
    ('onsite', 1, '1h', '2h', '2d'),
    ('onsite', 2, '4h', '4h', '3d'),
    ('onsite', 3, '1d', '1d', '5d'),
    ('onsite', 4, '3d', '2d', '10d'),
    ('standard', 1, '1h', '2h', '2d'),
    ('standard', 2, '4h', '4h', '3d'),
    ('standard', 3, '1d', '1d', '5d'),
    ('standard', 4, '3d', '2d', '10d');

INSERT INTO sla_sku_rules (prefix, tier_code) VALUES
    ('SVC-ONSITE', 'onsite'),
    ('SVC-PREM', 'premium'),
    ('SVC-STD', 'standard'),
    ('SVC-SW-UPG', NULL);

-- +goose Down
DROP TABLE sla_sku_rules;
DROP TABLE sla_targets;
DROP TABLE sla_tiers;
DROP TABLE sla_days;
DROP TABLE sla_windows;
DROP TABLE sla_calendars;
