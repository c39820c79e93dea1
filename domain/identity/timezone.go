package identity

import (
	"sync"
	"time"

	"supportal/domain"
)

// DefaultTimeZone is the zone of accounts whose country/region names none,
// of staff created without one, and of visitors who are not signed in.
const DefaultTimeZone = "Asia/Shanghai"

// TimeZones lists the selectable time zones (IANA names) of 账户信息.
var TimeZones = []string{
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Singapore",
	"Asia/Tokyo", "Asia/Seoul", "Asia/Bangkok", "Asia/Jakarta", "Asia/Kolkata", "Asia/Dubai",
	"Australia/Sydney", "Pacific/Auckland", "Europe/London", "Europe/Berlin", "Europe/Paris",
	"Europe/Moscow", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Sao_Paulo", "UTC",
}

// countryZones maps a country/region code to the zone new accounts get.
var countryZones = map[string]string{
	"CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "MO": "Asia/Macau", "TW": "Asia/Taipei",
	"SG": "Asia/Singapore", "US": "America/New_York", "GB": "Europe/London",
	"DE": "Europe/Berlin", "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "OTHER": "UTC",
}

// TimeZoneOf returns the default time zone for a country/region code.
func TimeZoneOf(country string) string {
	if z, ok := countryZones[country]; ok {
		return z
	}
	return DefaultTimeZone
}

// ValidateTimeZone checks that name is one of TimeZones and known to the
// time zone database.
func ValidateTimeZone(name string) *domain.Error {
	if !oneOf(TimeZones, name) {
		return domain.FieldError("time_zone", "error.time_zone.invalid")
	}
	if _, err := time.LoadLocation(name); err != nil {
		return domain.FieldError("time_zone", "error.time_zone.invalid")
	}
	return nil
}

// Location returns the account's time zone, or DefaultTimeZone when it has
// none or an unknown one.
func (a Account) Location() *time.Location {
	return Location(a.TimeZone)
}

// locations caches the zones Location loaded: time.LoadLocation reads and
// parses the zone's file on every call, and pages format times of every
// account they show.
var locations sync.Map // name → *time.Location

// Location loads the named zone, falling back to DefaultTimeZone and then
// UTC.
func Location(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	l := loadLocation(name)
	locations.Store(name, l)
	return l
}

func loadLocation(name string) *time.Location {
	if name != "" {
		if l, err := time.LoadLocation(name); err == nil {
			return l
		}
	}
	if l, err := time.LoadLocation(DefaultTimeZone); err == nil {
		return l
	}
	return time.UTC
}
