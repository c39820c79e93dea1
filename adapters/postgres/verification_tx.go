package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"

	"supportal/domain/verification"
)

// NewVerificationTx returns the verification module's unit-of-work runner
// over db: its submissions, the verified name of the company profile, the
// mail outbox and the audit log are written in one transaction.
func NewVerificationTx(db *sqlx.DB) *TxRunner[verification.Stores] {
	return NewTxRunner(db, func(tx *sqlx.Tx) verification.Stores {
		return verification.Stores{Submissions: NewVerificationStore(tx), Companies: NewCompanyNames(tx),
			Outbox: NewOutbox(tx), Audit: NewAudit(tx)}
	})
}

// CompanyNames writes the name of a company profile (the companies table of
// the identity module) for the verification module, inside its unit of work.
type CompanyNames struct {
	db sqlx.ExtContext
}

var _ verification.CompanyNames = (*CompanyNames)(nil)

// NewCompanyNames returns the company names over db: a *sqlx.DB, or the
// *sqlx.Tx of a unit of work.
func NewCompanyNames(db sqlx.ExtContext) *CompanyNames { return &CompanyNames{db: db} }

// SetVerifiedName sets the company's name to the one verification approved,
// whether or not the company is locked (the lock protects exactly this
// name); an unchanged name keeps its updated_at. It returns NotFound
// (error.company.not_found) for an unknown company.
func (c *CompanyNames) SetVerifiedName(ctx context.Context, companyID int64, name string) error {
	const q = `
UPDATE companies SET name = $2, updated_at = CASE WHEN name = $2 THEN updated_at ELSE now() END
WHERE id = $1
RETURNING id`
	var id int64
	if err := c.db.QueryRowxContext(ctx, q, companyID, name).Scan(&id); err != nil {
		return verificationErr("set verified name", notFound(err, keyCompanyNotFound))
	}
	return nil
}
