package ticket

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
)

// Form is what 提交工单 shows before submit.
type Form struct {
	Device *Device // nil: no device chosen
	// Entitlement is what the device (or, without one, the company) gets:
	// an uncovered device shows the warning with LastEnd.
	Entitlement Entitlement
	// OpenOnDevice are the company's open tickets on the device.
	OpenOnDevice []Ticket
	Prefill      Input // phone from the account; a follow-up's fields
	Token        string
}

// Prepare returns the form data for a customer, with the device chosen by
// id or SN (none: zero and ""). A device not of the caller's company is
// refused as unknown, next to the device field.
func (s *Service) Prepare(ctx context.Context, a Actor, deviceID int64, sn string) (Form, error) {
	p, err := s.customer(ctx, a)
	if err != nil {
		return Form{}, err
	}
	dev, err := s.device(ctx, a.CompanyID, deviceID, sn)
	if err != nil {
		return Form{}, err
	}
	f := Form{Device: dev, Prefill: Input{Phone: p.Phone}, Token: NewToken()}
	if dev != nil {
		f.Prefill.DeviceID, f.Prefill.DeviceSN = dev.ID, dev.SN
	}
	if f.Entitlement, _, err = s.entitle(ctx, a.CompanyID, dev); err != nil {
		return Form{}, err
	}
	if dev != nil {
		if f.OpenOnDevice, err = s.d.Tickets.OpenOnDevice(ctx, a.CompanyID, dev.ID); err != nil {
			return Form{}, err
		}
	}
	return f, nil
}

// NewToken returns a fresh idempotency token for a form.
func NewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}

var errDevice = domain.FieldError("device", "error.ticket.device_unknown")

// device returns the company's device by id or SN, nil for neither.
func (s *Service) device(ctx context.Context, companyID, id int64, sn string) (*Device, error) {
	sn = strings.ToUpper(strings.TrimSpace(sn))
	var d Device
	var err error
	switch {
	case id != 0:
		d, err = s.d.Devices.DeviceByID(ctx, companyID, id)
	case sn != "":
		d, err = s.d.Devices.DeviceBySN(ctx, companyID, sn)
	default:
		return nil, nil
	}
	if domain.KindOf(err) == domain.NotFound {
		return nil, errDevice
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// entitle returns what the device's lines, or without a device the
// company's active lines, give a ticket now, and the coverage snapshot.
func (s *Service) entitle(ctx context.Context, companyID int64, dev *Device) (Entitlement, Snapshot, error) {
	now := s.now()
	var lines []Line
	var snap Snapshot
	if dev != nil {
		lines = dev.Lines
		snap = Snapshot{DeviceID: dev.ID, SN: dev.SN, Name: dev.Name, Lines: dev.Lines}
	} else {
		var err error
		if lines, err = s.d.Devices.CompanyLines(ctx, companyID, now); err != nil {
			return Entitlement{}, Snapshot{}, err
		}
	}
	e, err := s.d.Clocks.Entitle(ctx, lines, now)
	return e, snap, err
}

// Create opens a ticket for a customer (§4.1): the fields are validated
// (all errors at once, next to their fields), a resent form returns the
// ticket the first one created, the creation limits apply, the device must
// be the company's; the files are stored first, then the ticket, its first
// message, history, follower, notices and audit event in one unit of work.
func (s *Service) Create(ctx context.Context, a Actor, in Input) (Ticket, error) {
	p, err := s.customer(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	if in.Token != "" {
		if t, err := s.d.Tickets.ByToken(ctx, a.AccountID, in.Token); err == nil {
			return t, nil
		} else if domain.KindOf(err) != domain.NotFound {
			return Ticket{}, err
		}
	}
	in, verr := in.Validate()
	var errs domain.Errors
	if verr != nil {
		errs = verr.(domain.Errors)
	}
	dev, err := s.device(ctx, a.CompanyID, in.DeviceID, in.DeviceSN)
	if err != nil {
		if domain.KindOf(err) != domain.Invalid {
			return Ticket{}, err
		}
		errs = append(errs, domain.As(err))
	}
	if in.FollowUpOf != 0 {
		switch prev, err := s.own(ctx, a.CompanyID, in.FollowUpOf); {
		case err != nil:
			return Ticket{}, err
		case prev.Status != StatusClosed:
			return Ticket{}, errNotClosed
		}
	}
	if len(errs) > 0 {
		return Ticket{}, errs
	}
	if err := s.checkLimits(ctx, a); err != nil {
		return Ticket{}, err
	}
	ent, snap, err := s.entitle(ctx, a.CompanyID, dev)
	if err != nil {
		return Ticket{}, err
	}
	files, err := s.storeFiles(ctx, in.Files)
	if err != nil {
		return Ticket{}, err
	}
	now := s.now()
	t := Ticket{CompanyID: a.CompanyID, CompanyName: p.CompanyName, OpenedBy: p.ID, OpenedByName: p.Name,
		Title: in.Title, Category: in.Category, Priority: in.Priority, Status: StatusNew, Phone: in.Phone,
		Snapshot: snap, Covered: ent.Covered, Tier: ent.Tier, FollowUpOf: in.FollowUpOf, CreatedAt: now, UpdatedAt: now}
	created := Event{At: now, ActorID: p.ID, ActorName: p.Name, ActorRole: RoleCustomer, Kind: EventCreated, To: string(StatusNew)}
	if err := s.clocks(ctx, &t, []Event{created}, now); err != nil {
		s.discard(ctx, files)
		return Ticket{}, err
	}
	staff, err := s.staffRecipients(ctx, t)
	if err != nil {
		s.discard(ctx, files)
		return Ticket{}, err
	}
	// The number is taken outside the unit of work: the day's counter is
	// one row, and holding its lock until the ticket commits would make
	// every creation of the day wait for the one before. A creation that
	// fails afterwards leaves its number unused (numbers are unique and
	// never reused, not gapless).
	seq, err := s.d.Tickets.NextNumber(ctx, NumberDay(now))
	if err != nil {
		s.discard(ctx, files)
		return Ticket{}, err
	}
	t.Number = Number(NumberDay(now), seq)
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Tickets.Create(ctx, &t, in.Token); err != nil {
			return err
		}
		created.TicketID = t.ID
		m := Message{TicketID: t.ID, AuthorID: p.ID, AuthorName: p.Name, AuthorRole: RoleCustomer, Body: in.Description, CreatedAt: now}
		if err := addMessage(ctx, st, &m, files); err != nil {
			return err
		}
		if err := st.Threads.AddEvent(ctx, created); err != nil {
			return err
		}
		if err := st.Threads.Follow(ctx, t.ID, p.ID); err != nil {
			return err
		}
		if err := s.notice(ctx, st, p, "ticket_created", t, now, nil); err != nil {
			return err
		}
		if err := s.noticeAll(ctx, st, staff, NoticeNewAgent, t, now, map[string]any{"Body": in.Description}); err != nil {
			return err
		}
		return audit(ctx, st, "ticket_created", p.ID, now, t.Number)
	})
	if err != nil {
		s.discard(ctx, files)
		if domain.KindOf(err) == domain.Conflict && in.Token != "" {
			// A resend raced the first submission: return the first ticket.
			if first, ferr := s.d.Tickets.ByToken(ctx, a.AccountID, in.Token); ferr == nil {
				return first, nil
			}
		}
		return Ticket{}, err
	}
	return t, nil
}

// checkLimits refuses a new ticket past the per-account hourly and the
// per-company daily limits (TooMany).
func (s *Service) checkLimits(ctx context.Context, a Actor) error {
	now := s.now()
	n, err := s.d.Tickets.CreatedSince(ctx, a.AccountID, 0, now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= s.d.Limits.PerAccountHour {
		return domain.E(domain.TooMany, "error.ticket.too_many_account").With("Max", s.d.Limits.PerAccountHour)
	}
	n, err = s.d.Tickets.CreatedSince(ctx, 0, a.CompanyID, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	if n >= s.d.Limits.PerCompanyDay {
		return domain.E(domain.TooMany, "error.ticket.too_many_company").With("Max", s.d.Limits.PerCompanyDay)
	}
	return nil
}

// FollowUp returns the 提交工单 form prefilled from a closed ticket of the
// customer's company, linked to it.
func (s *Service) FollowUp(ctx context.Context, a Actor, closedID int64) (Form, error) {
	if _, err := s.customer(ctx, a); err != nil {
		return Form{}, err
	}
	prev, err := s.own(ctx, a.CompanyID, closedID)
	if err != nil {
		return Form{}, err
	}
	if prev.Status != StatusClosed {
		return Form{}, errNotClosed
	}
	f, err := s.Prepare(ctx, a, prev.Snapshot.DeviceID, "")
	if domain.KindOf(err) == domain.Invalid { // the device is gone: no device
		f, err = s.Prepare(ctx, a, 0, "")
	}
	if err != nil {
		return Form{}, err
	}
	f.Prefill.Category, f.Prefill.Priority, f.Prefill.FollowUpOf = prev.Category, prev.Priority, prev.ID
	f.Prefill.Title = truncate(prev.Title, MaxTitle)
	return f, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// maxSuggest is how many devices the form's type-ahead offers.
const maxSuggest = 10

// Suggest returns the devices of the customer's company whose SN or name
// contains q, for the form's type-ahead.
func (s *Service) Suggest(ctx context.Context, a Actor, q string) ([]Device, error) {
	if _, err := s.customer(ctx, a); err != nil {
		return nil, err
	}
	return s.d.Devices.Suggest(ctx, a.CompanyID, strings.TrimSpace(q), maxSuggest)
}
