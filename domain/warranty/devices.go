package warranty

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
)

// errDeviceNotFound is a device that is not the caller's company's, whether
// or not it exists.
var errDeviceNotFound = domain.E(domain.NotFound, "error.device.not_found")

// MaxSuggestions bounds the type-ahead's devices.
const MaxSuggestions = 20

// DeviceByID returns a device of the caller's company with all its lines;
// any other is NotFound (error.device.not_found).
func (s *Service) DeviceByID(ctx context.Context, companyID, id int64) (Device, error) {
	if id <= 0 {
		return Device{}, errDeviceNotFound
	}
	return s.one(ctx, companyID, Query{ID: id})
}

// DeviceBySN returns the device of the caller's company with the serial
// number (trimmed, upper-cased); any other is NotFound.
func (s *Service) DeviceBySN(ctx context.Context, companyID int64, sn string) (Device, error) {
	sn = NormalizeSN(strings.ToValidUTF8(sn, ""))
	if sn == "" || utf8.RuneCountInString(sn) > 64 {
		return Device{}, errDeviceNotFound
	}
	return s.one(ctx, companyID, Query{SN: sn})
}

func (s *Service) one(ctx context.Context, companyID int64, q Query) (Device, error) {
	owner, err := s.owner(ctx, companyID)
	if err != nil {
		return Device{}, err
	}
	q.Owner, q.Sort, q.Limit = owner, SortEndDesc, 1
	devs, err := s.d.Lookup.SearchDevices(ctx, q)
	if err != nil {
		return Device{}, err
	}
	if len(devs) == 0 {
		return Device{}, errDeviceNotFound
	}
	return devs[0], nil
}

// Suggest returns up to limit (at most MaxSuggestions) devices of the
// caller's company whose name or serial number contains text, latest end
// date first: the ticket form's type-ahead. An empty text suggests the
// devices with the latest end dates.
func (s *Service) Suggest(ctx context.Context, companyID int64, text string, limit int) ([]Device, error) {
	owner, err := s.owner(ctx, companyID)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(strings.ToValidUTF8(text, ""))
	if utf8.RuneCountInString(text) > maxNameFrag {
		text = string([]rune(text)[:maxNameFrag])
	}
	limit = min(max(limit, 1), MaxSuggestions)
	return s.d.Lookup.SearchDevices(ctx, Query{Owner: owner, Text: text, Sort: SortEndDesc, Limit: limit})
}

// ActiveLines returns the services of the caller's company active on the
// calendar day of at in DefaultZone (one line per SKU and name): what a
// ticket without a device is entitled to.
func (s *Service) ActiveLines(ctx context.Context, companyID int64, at time.Time) ([]Line, error) {
	owner, err := s.owner(ctx, companyID)
	if err != nil {
		return nil, err
	}
	y, m, d := at.In(defaultZone).Date()
	return s.d.Lookup.ActiveLines(ctx, owner, time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

var defaultZone = func() *time.Location {
	z, err := time.LoadLocation(DefaultZone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return z
}()
