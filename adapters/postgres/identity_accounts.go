package postgres

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain"
	"supportal/domain/identity"
)

// accountRow is a row of accounts.
type accountRow struct {
	ID                int64         `db:"id"`
	Email             string        `db:"email"`
	Kind              string        `db:"kind"`
	Role              string        `db:"role"`
	Name              string        `db:"name"`
	JobTitle          string        `db:"job_title"`
	Country           string        `db:"country"`
	Mobile            string        `db:"mobile"`
	PasswordHash      string        `db:"password_hash"`
	CompanyID         sql.NullInt64 `db:"company_id"`
	Lang              string        `db:"lang"`
	TimeZone          string        `db:"time_zone"`
	CreatedAt         time.Time     `db:"created_at"`
	PasswordChangedAt time.Time     `db:"password_changed_at"`
}

func (r accountRow) account() identity.Account {
	return identity.Account{
		ID:                r.ID,
		Email:             r.Email,
		Kind:              identity.Kind(r.Kind),
		Role:              identity.Role(r.Role),
		Name:              r.Name,
		JobTitle:          r.JobTitle,
		Country:           r.Country,
		Mobile:            r.Mobile,
		PasswordHash:      r.PasswordHash,
		CompanyID:         r.CompanyID.Int64,
		Lang:              r.Lang,
		TimeZone:          r.TimeZone,
		CreatedAt:         r.CreatedAt.UTC(),
		PasswordChangedAt: r.PasswordChangedAt.UTC(),
	}
}

// accountColumns lists the columns accountRow scans.
const accountColumns = `id, email, kind, role, name, job_title, country, mobile, password_hash,
	company_id, lang, time_zone, created_at, password_changed_at`

// CreateCustomer inserts the company c and the customer account a in one
// statement, linking them, and fills a.ID, a.CompanyID and c.ID. The email is
// stored lower-case. A duplicate email returns Conflict (error.email.taken)
// and inserts nothing.
func (s *IdentityStore) CreateCustomer(ctx context.Context, a *identity.Account, c *identity.Company) error {
	const q = `
WITH c AS (
	INSERT INTO companies (name, industry, size, address, business, created_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $6)
	RETURNING id
)
INSERT INTO accounts (email, kind, role, name, job_title, country, mobile, password_hash,
	company_id, lang, time_zone, created_at, password_changed_at)
SELECT $7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,
	c.id, $15::text, $17::text, $6::timestamptz, $16::timestamptz
FROM c
RETURNING id, company_id`
	email := strings.ToLower(a.Email)
	var id, companyID int64
	err := s.db.QueryRowxContext(ctx, q,
		c.Name, c.Industry, c.Size, c.Address, c.Business, a.CreatedAt,
		email, a.Kind, a.Role, a.Name, a.JobTitle, a.Country, a.Mobile, a.PasswordHash,
		a.Lang, a.PasswordChangedAt, zoneOrDefault(a.TimeZone),
	).Scan(&id, &companyID)
	if isUniqueViolation(err) {
		return domain.E(domain.Conflict, keyEmailTaken)
	}
	if err != nil {
		return identityErr("create customer", err)
	}
	a.ID, a.Email, a.CompanyID, c.ID, a.TimeZone = id, email, companyID, companyID, zoneOrDefault(a.TimeZone)
	return nil
}

// CreateStaff inserts the account a, which belongs to no company, and fills
// a.ID. The email is stored lower-case. A duplicate email returns Conflict
// (error.email.taken).
func (s *IdentityStore) CreateStaff(ctx context.Context, a *identity.Account) error {
	const q = `
INSERT INTO accounts (email, kind, role, name, job_title, country, mobile, password_hash,
	lang, created_at, password_changed_at, time_zone)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id`
	email := strings.ToLower(a.Email)
	var id int64
	err := s.db.QueryRowxContext(ctx, q,
		email, a.Kind, a.Role, a.Name, a.JobTitle, a.Country, a.Mobile, a.PasswordHash,
		a.Lang, a.CreatedAt, a.PasswordChangedAt, zoneOrDefault(a.TimeZone),
	).Scan(&id)
	if isUniqueViolation(err) {
		return domain.E(domain.Conflict, keyEmailTaken)
	}
	if err != nil {
		return identityErr("create staff", err)
	}
	a.ID, a.Email, a.CompanyID, a.TimeZone = id, email, 0, zoneOrDefault(a.TimeZone)
	return nil
}

// AccountByEmail returns the account with the given email, compared without
// regard to case. It returns NotFound (error.account.not_found).
func (s *IdentityStore) AccountByEmail(ctx context.Context, email string) (identity.Account, error) {
	const q = `SELECT ` + accountColumns + ` FROM accounts WHERE lower(email) = lower($1)`
	var r accountRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, email); err != nil {
		return identity.Account{}, identityErr("find by email", notFound(err, keyAccountNotFound))
	}
	return r.account(), nil
}

// AccountByID returns the account with the given id. It returns NotFound
// (error.account.not_found).
func (s *IdentityStore) AccountByID(ctx context.Context, id int64) (identity.Account, error) {
	const q = `SELECT ` + accountColumns + ` FROM accounts WHERE id = $1`
	var r accountRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, id); err != nil {
		return identity.Account{}, identityErr("find by id", notFound(err, keyAccountNotFound))
	}
	return r.account(), nil
}

// StaffWithRoles returns the staff accounts having one of roles, by id.
func (s *IdentityStore) StaffWithRoles(ctx context.Context, roles []identity.Role) ([]identity.Account, error) {
	const q = `SELECT ` + accountColumns + ` FROM accounts WHERE kind = 'staff' AND role = ANY($1) ORDER BY id`
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	var rows []accountRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, q, pq.Array(names)); err != nil {
		return nil, identityErr("staff with roles", err)
	}
	out := make([]identity.Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// UpdateProfile sets the name, job title, mobile and (when given) time zone
// of the account. It returns NotFound (error.account.not_found).
func (s *IdentityStore) UpdateProfile(ctx context.Context, id int64, p identity.Profile) error {
	const q = `
UPDATE accounts SET name = $2, job_title = $3, mobile = $4, time_zone = COALESCE(NULLIF($5, ''), time_zone)
WHERE id = $1 RETURNING id`
	var got int64
	err := s.db.QueryRowxContext(ctx, q, id, p.Name, p.JobTitle, p.Mobile, p.TimeZone).Scan(&got)
	if err != nil {
		return identityErr("update profile", notFound(err, keyAccountNotFound))
	}
	return nil
}

// SetPassword replaces the account's password hash and records when it
// changed. It returns NotFound (error.account.not_found).
func (s *IdentityStore) SetPassword(ctx context.Context, id int64, hash string, at time.Time) error {
	const q = `UPDATE accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1 RETURNING id`
	var got int64
	if err := s.db.QueryRowxContext(ctx, q, id, hash, at).Scan(&got); err != nil {
		return identityErr("set password", notFound(err, keyAccountNotFound))
	}
	return nil
}

// CompanyByID returns the company with the given id. It returns NotFound
// (error.company.not_found).
func (s *IdentityStore) CompanyByID(ctx context.Context, id int64) (identity.Company, error) {
	const q = `SELECT id, name, industry, size, address, business FROM companies WHERE id = $1`
	var c identity.Company
	err := s.db.QueryRowxContext(ctx, q, id).Scan(&c.ID, &c.Name, &c.Industry, &c.Size, &c.Address, &c.Business)
	if err != nil {
		return identity.Company{}, identityErr("company by id", notFound(err, keyCompanyNotFound))
	}
	return c, nil
}

// UpdateCompany stores every field of c in the company with c.ID. It returns
// NotFound (error.company.not_found).
func (s *IdentityStore) UpdateCompany(ctx context.Context, c identity.Company) error {
	const q = `
UPDATE companies SET name = $2, industry = $3, size = $4, address = $5, business = $6, updated_at = now()
WHERE id = $1
RETURNING id`
	var got int64
	err := s.db.QueryRowxContext(ctx, q, c.ID, c.Name, c.Industry, c.Size, c.Address, c.Business).Scan(&got)
	if err != nil {
		return identityErr("update company", notFound(err, keyCompanyNotFound))
	}
	return nil
}

// zoneOrDefault is the zone stored for an account created without one.
func zoneOrDefault(z string) string {
	if z == "" {
		return identity.DefaultTimeZone
	}
	return z
}
