package modules

import (
	"context"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/ticket"
	"supportal/domain/verification"
	"supportal/domain/warranty"
)

// The verification service is the tickets' verified-company gate as it is.
var _ ticket.Verified = (*verification.Service)(nil)

// People lets tickets look up accounts in identity.
type People struct{ Identity *identity.Service }

var _ ticket.People = People{}

// Person returns the account with its company (for customers) and staff
// role (for staff); NotFound (error.account.not_found) for an unknown one.
func (p People) Person(ctx context.Context, accountID int64) (ticket.Person, error) {
	a, err := p.Identity.Account(ctx, accountID)
	if err != nil {
		return ticket.Person{}, err
	}
	out := person(a)
	if !a.IsStaff() && a.CompanyID != 0 {
		co, err := p.Identity.Company(ctx, a)
		if err != nil {
			return ticket.Person{}, err
		}
		out.CompanyName = co.Name
	}
	return out, nil
}

// Agents returns the agents and admins.
func (p People) Agents(ctx context.Context) ([]ticket.Person, error) {
	as, err := p.Identity.Agents(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ticket.Person, len(as))
	for i, a := range as {
		out[i] = person(a)
	}
	return out, nil
}

func person(a identity.Account) ticket.Person {
	p := ticket.Person{ID: a.ID, CompanyID: a.CompanyID, Name: a.Name, Email: a.Email, Phone: a.Mobile, Lang: a.Lang,
		TimeZone: a.Location().String(), Staff: a.IsStaff()}
	if p.Staff {
		p.Role, p.CompanyID = string(a.Role), 0
	}
	return p
}

// Devices lets tickets read the caller's company's devices in warranty.
type Devices struct{ Warranty *warranty.Service }

var _ ticket.Devices = Devices{}

// DeviceBySN returns the company's device with the serial number; any other
// is NotFound (error.device.not_found).
func (d Devices) DeviceBySN(ctx context.Context, companyID int64, sn string) (ticket.Device, error) {
	dev, err := d.Warranty.DeviceBySN(ctx, companyID, sn)
	return device(dev), notFound(err)
}

// DeviceByID returns the company's device with the id; any other is
// NotFound.
func (d Devices) DeviceByID(ctx context.Context, companyID, id int64) (ticket.Device, error) {
	dev, err := d.Warranty.DeviceByID(ctx, companyID, id)
	return device(dev), notFound(err)
}

// Suggest returns up to limit devices of the company whose name or SN
// contains q.
func (d Devices) Suggest(ctx context.Context, companyID int64, q string, limit int) ([]ticket.Device, error) {
	devs, err := d.Warranty.Suggest(ctx, companyID, q, limit)
	if err != nil {
		return nil, err
	}
	out := make([]ticket.Device, len(devs))
	for i, dev := range devs {
		out[i] = device(dev)
	}
	return out, nil
}

// CompanyLines returns the services of the company active at at.
func (d Devices) CompanyLines(ctx context.Context, companyID int64, at time.Time) ([]ticket.Line, error) {
	ls, err := d.Warranty.ActiveLines(ctx, companyID, at)
	if err != nil {
		return nil, err
	}
	return lines(ls), nil
}

// notFound reports a company that is not verified, which has no devices, as
// a device that is not found; other errors stay.
func notFound(err error) error {
	if err != nil && domain.KindOf(err) == domain.Forbidden {
		return domain.E(domain.NotFound, "error.device.not_found")
	}
	return err
}

func device(d warranty.Device) ticket.Device {
	return ticket.Device{ID: d.ID, SN: d.SN, Name: d.Name, Lines: lines(d.Lines)}
}

// lines copies service lines; their dates stay midnight UTC, start and end
// inclusive.
func lines(ls []warranty.Line) []ticket.Line {
	if len(ls) == 0 {
		return nil
	}
	out := make([]ticket.Line, len(ls))
	for i, l := range ls {
		out[i] = ticket.Line{SKU: l.SKU, ServiceName: l.ServiceName, Start: l.Start, End: l.End}
	}
	return out
}
