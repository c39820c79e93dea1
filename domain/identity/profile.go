package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"supportal/domain"
)

// Account returns the account with the given id.
func (s *Service) Account(ctx context.Context, id int64) (Account, error) {
	return s.d.Accounts.AccountByID(ctx, id)
}

// Agents returns the staff accounts that handle tickets (agents and
// admins), by id. The list is kept for CacheFor: a staff account created
// or changed through this service shows at once, one changed by another
// server instance within CacheFor.
func (s *Service) Agents(ctx context.Context) ([]Account, error) {
	now := s.now()
	if as, ok := s.agents.Get(struct{}{}, now); ok {
		return slices.Clone(as), nil
	}
	gen := s.agents.Gen()
	as, err := s.d.Accounts.StaffWithRoles(ctx, []Role{RoleAgent, RoleAdmin})
	if err != nil {
		return nil, err
	}
	s.agents.PutIf(struct{}{}, slices.Clone(as), now, gen)
	return as, nil
}

// Company returns the company of a customer account.
func (s *Service) Company(ctx context.Context, a Account) (Company, error) {
	if a.CompanyID == 0 {
		return Company{}, domain.E(domain.NotFound, "error.company.not_found")
	}
	return s.d.Companies.CompanyByID(ctx, a.CompanyID)
}

// UpdateProfile edits name, job title and mobile of the account and audits
// the change.
func (s *Service) UpdateProfile(ctx context.Context, a Account, p Profile, c Client) error {
	p = p.Normalize()
	if err := p.Validate(a.Country); err != nil {
		return err
	}
	defer s.forgetAccount(a.ID)
	return s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Accounts.UpdateProfile(ctx, a.ID, p); err != nil {
			return err
		}
		return s.audit(ctx, st, "profile_updated", a.ID, a.Email, c, "")
	})
}

// UpdateCompany edits the company fields of a customer's company and audits
// the change.
func (s *Service) UpdateCompany(ctx context.Context, a Account, co Company, c Client) error {
	if a.CompanyID == 0 {
		return domain.E(domain.Forbidden, "error.forbidden")
	}
	co = co.Normalize()
	co.ID = a.CompanyID
	var errs domain.Errors
	if err := co.Validate(); err != nil {
		errs = err.(domain.Errors)
	}
	locked, err := s.CompanyNameLocked(ctx, a)
	if err != nil {
		return err
	}
	if locked {
		cur, err := s.d.Companies.CompanyByID(ctx, a.CompanyID)
		if err != nil {
			return err
		}
		if cur.Name != co.Name {
			errs = append(domain.Errors{domain.FieldError("company_name", "error.company_name.locked")}, errs...)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Companies.UpdateCompany(ctx, co); err != nil {
			return err
		}
		return s.audit(ctx, st, "company_updated", a.ID, a.Email, c, fmt.Sprintf("company=%d", co.ID))
	})
}

// CompanyNameLocked reports whether the name of the account's company may not
// be changed because the company is verified.
func (s *Service) CompanyNameLocked(ctx context.Context, a Account) (bool, error) {
	if s.d.Locks == nil || a.CompanyID == 0 {
		return false, nil
	}
	locked, err := s.d.Locks.CompanyLocked(ctx, a.CompanyID)
	if err != nil {
		return false, fmt.Errorf("identity: company lock: %w", err)
	}
	return locked, nil
}

// CreateStaff creates a staff account with the given role in DefaultTimeZone.
func (s *Service) CreateStaff(ctx context.Context, email, name string, role Role, password string) (Account, error) {
	return s.CreateStaffInZone(ctx, email, name, role, password, "")
}

// CreateStaffInZone creates a staff account with the given role whose pages
// show times in zone (an IANA name of TimeZones; empty is DefaultTimeZone).
func (s *Service) CreateStaffInZone(ctx context.Context, email, name string, role Role, password, zone string) (Account, error) {
	email = NormalizeEmail(email)
	if zone == "" {
		zone = DefaultTimeZone
	}
	if e := ValidateTimeZone(zone); e != nil {
		return Account{}, e
	}
	if e := ValidateEmail(email); e != nil {
		return Account{}, e
	}
	if name == "" {
		name = email
	}
	if e := validateName(name); e != nil {
		return Account{}, e
	}
	if err := CheckPassword(password, password, email); err != nil {
		return Account{}, err
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return Account{}, fmt.Errorf("identity: hash: %w", err)
	}
	now := s.now()
	a := Account{Email: email, Kind: KindStaff, Role: role, Name: name, PasswordHash: h, Lang: "zh-CN", TimeZone: zone, CreatedAt: now, PasswordChangedAt: now}
	defer s.agents.Clear()
	if err := s.d.Accounts.CreateStaff(ctx, &a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// CreateCustomer creates a customer account and its company directly, without
// the emailed code (for the demo seed and tests).
func (s *Service) CreateCustomer(ctx context.Context, in AccountInfo, c Company, password string) (Account, error) {
	in, c = in.Normalize(), c.Normalize()
	var errs domain.Errors
	for _, err := range []error{in.Validate(), c.Validate(), CheckPassword(password, password, in.Email)} {
		var es domain.Errors
		if errors.As(err, &es) {
			errs = append(errs, es...)
		} else if err != nil {
			errs = append(errs, domain.As(err))
		}
	}
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return Account{}, fmt.Errorf("identity: hash: %w", err)
	}
	return s.createCustomer(ctx, s.d.Accounts, in, c, h, "")
}

// createCustomer stores the account and its company through accounts.
func (s *Service) createCustomer(ctx context.Context, accounts Accounts, in AccountInfo, c Company, hash, lang string) (Account, error) {
	now := s.now()
	if lang == "" {
		lang = "zh-CN"
	}
	a := Account{Email: in.Email, Kind: KindCustomer, Role: RoleCustomer, Name: in.Name, JobTitle: in.JobTitle,
		Country: in.Country, Mobile: in.Mobile, PasswordHash: hash, Lang: lang, TimeZone: TimeZoneOf(in.Country), CreatedAt: now, PasswordChangedAt: now}
	if err := accounts.CreateCustomer(ctx, &a, &c); err != nil {
		return Account{}, err
	}
	return a, nil
}
