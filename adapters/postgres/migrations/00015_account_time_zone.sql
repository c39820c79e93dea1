-- Every account has a time zone (an IANA name) in which the portal shows it
-- times; existing accounts get the zone of their country/region.

-- +goose Up
ALTER TABLE accounts ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai';
UPDATE accounts SET time_zone = CASE country
    WHEN 'HK' THEN 'Asia/Hong_Kong'
    WHEN 'MO' THEN 'Asia/Macau'
    WHEN 'TW' THEN 'Asia/Taipei'
    WHEN 'SG' THEN 'Asia/Singapore'
    WHEN 'US' THEN 'America/New_York'
    WHEN 'GB' THEN 'Europe/London'
    WHEN 'DE' THEN 'Europe/Berlin'
    WHEN 'JP' THEN 'Asia/Tokyo'
    WHEN 'KR' THEN 'Asia/Seoul'
    WHEN 'OTHER' THEN 'UTC'
    ELSE 'Asia/Shanghai' END
WHERE kind <> 'staff';

-- +goose Down
ALTER TABLE accounts DROP COLUMN time_zone;
