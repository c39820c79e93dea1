// Package identity holds accounts, their companies, credentials, emailed codes,
// sessions and the security audit trail: registration, sign-in and the account
// centre of SPEC §1.
package identity

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
)

// Kind says which door an account signs in through.
type Kind string

// The account kinds. Customers register themselves; partners and staff are
// created by staff.
const (
	KindCustomer Kind = "customer"
	KindPartner  Kind = "partner"
	KindStaff    Kind = "staff"
)

// Role is what a staff member may do; customers and partners have RoleCustomer.
type Role string

// The roles.
const (
	RoleCustomer Role = "customer"
	RoleReviewer Role = "reviewer"
	RoleAgent    Role = "agent"
	RoleAdmin    Role = "admin"
)

// StaffRoles lists the roles a staff account may have.
var StaffRoles = []Role{RoleReviewer, RoleAgent, RoleAdmin}

// ParseStaffRole returns the staff role named s.
func ParseStaffRole(s string) (Role, error) {
	for _, r := range StaffRoles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", domain.FieldError("role", "error.role.invalid")
}

// CountryMainland is the default country/region; its mobile numbers are checked
// as 11-digit mainland numbers.
const CountryMainland = "CN"

// Countries lists the selectable countries/regions by code; labels are message
// ids "country.<code>".
var Countries = []string{"CN", "HK", "MO", "TW", "SG", "US", "GB", "DE", "JP", "KR", "OTHER"}

// JobTitles lists the selectable job titles; labels are "job.<code>".
var JobTitles = []string{"ceo", "it_lead", "it_engineer", "procurement", "finance", "other"}

// Account is a person who signs in.
type Account struct {
	ID                int64
	Email             string
	Kind              Kind
	Role              Role
	Name              string
	JobTitle          string
	Country           string
	Mobile            string
	PasswordHash      string
	CompanyID         int64 // 0 for staff
	Lang              string
	TimeZone          string // IANA name; times are shown in it
	CreatedAt         time.Time
	PasswordChangedAt time.Time
}

// IsStaff reports whether the account belongs to the vendor's staff.
func (a Account) IsStaff() bool { return a.Kind == KindStaff }

// Profile is the editable part of an account (账户信息).
type Profile struct {
	Name     string
	JobTitle string
	Mobile   string
	TimeZone string // IANA name; empty keeps the account's zone
}

// AccountInfo is step 1 of registration: the account fields.
type AccountInfo struct {
	Country  string
	Name     string
	JobTitle string
	Email    string
	Mobile   string
}

var (
	mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	e164           = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail checks that s (already normalised) is a plain address.
func ValidateEmail(s string) *domain.Error {
	if s == "" {
		return domain.FieldError("email", "error.email.required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return domain.FieldError("email", "error.email.invalid")
	}
	return nil
}

// NormalizeMobile drops spaces and hyphens.
func NormalizeMobile(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(strings.TrimSpace(s))
}

// ValidateMobile checks an optional mobile number for the given country.
func ValidateMobile(country, mobile string) *domain.Error {
	if mobile == "" {
		return nil
	}
	if country == CountryMainland {
		if !mainlandMobile.MatchString(strings.TrimPrefix(mobile, "+86")) {
			return domain.FieldError("mobile", "error.mobile.mainland")
		}
		return nil
	}
	if !e164.MatchString(mobile) {
		return domain.FieldError("mobile", "error.mobile.e164")
	}
	return nil
}

func validateName(name string) *domain.Error {
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return domain.FieldError("name", "error.name.required")
	}
	if n > 50 {
		return domain.FieldError("name", "error.name.too_long")
	}
	return nil
}

func oneOf(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// Normalize trims the fields and normalises email and mobile.
func (in AccountInfo) Normalize() AccountInfo {
	in.Country = strings.TrimSpace(in.Country)
	if in.Country == "" {
		in.Country = CountryMainland
	}
	in.Name = strings.TrimSpace(in.Name)
	in.JobTitle = strings.TrimSpace(in.JobTitle)
	in.Email = NormalizeEmail(in.Email)
	in.Mobile = NormalizeMobile(in.Mobile)
	return in
}

// Validate returns every field error of the (normalised) input.
func (in AccountInfo) Validate() error {
	var errs domain.Errors
	if !oneOf(Countries, in.Country) {
		errs = append(errs, domain.FieldError("country", "error.country.invalid"))
	}
	if e := validateName(in.Name); e != nil {
		errs = append(errs, e)
	}
	if !oneOf(JobTitles, in.JobTitle) {
		errs = append(errs, domain.FieldError("job_title", "error.job_title.required"))
	}
	if e := ValidateEmail(in.Email); e != nil {
		errs = append(errs, e)
	}
	if e := ValidateMobile(in.Country, in.Mobile); e != nil {
		errs = append(errs, e)
	}
	return errs.Err()
}

// Normalize trims the profile fields.
func (p Profile) Normalize() Profile {
	p.Name = strings.TrimSpace(p.Name)
	p.JobTitle = strings.TrimSpace(p.JobTitle)
	p.Mobile = NormalizeMobile(p.Mobile)
	p.TimeZone = strings.TrimSpace(p.TimeZone)
	return p
}

// Validate checks the profile for an account of the given country.
func (p Profile) Validate(country string) error {
	var errs domain.Errors
	if e := validateName(p.Name); e != nil {
		errs = append(errs, e)
	}
	if !oneOf(JobTitles, p.JobTitle) {
		errs = append(errs, domain.FieldError("job_title", "error.job_title.required"))
	}
	if e := ValidateMobile(country, p.Mobile); e != nil {
		errs = append(errs, e)
	}
	if p.TimeZone != "" {
		if e := ValidateTimeZone(p.TimeZone); e != nil {
			errs = append(errs, e)
		}
	}
	return errs.Err()
}
