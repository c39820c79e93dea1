// Package modules adapts one domain module's service to the port another
// module declares for it. Modules never import each other; the composition
// root and the tests that wire several modules use these adapters, so that
// both wire them the same way.
package modules

import (
	"context"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/verification"
)

// Customers lets verification look up customer accounts in identity.
type Customers struct{ Identity *identity.Service }

var _ verification.Customers = Customers{}

// Customer returns the customer account and its company; staff accounts and
// accounts without a company are NotFound (error.account.not_found).
func (c Customers) Customer(ctx context.Context, accountID int64) (verification.Customer, error) {
	a, err := c.Identity.Account(ctx, accountID)
	if err != nil {
		return verification.Customer{}, err
	}
	if a.IsStaff() || a.CompanyID == 0 {
		return verification.Customer{}, domain.E(domain.NotFound, "error.account.not_found")
	}
	co, err := c.Identity.Company(ctx, a)
	if err != nil {
		return verification.Customer{}, err
	}
	return verification.Customer{AccountID: a.ID, CompanyID: a.CompanyID, CompanyName: co.Name, Country: a.Country,
		Email: a.Email, Name: a.Name, Lang: a.Lang, TimeZone: a.Location().String()}, nil
}

// CompanyLocks adapts a function to identity's Locks port. Identity and
// verification need each other, so the function reads the verification
// service once both are built.
type CompanyLocks func(ctx context.Context, companyID int64) (bool, error)

var _ identity.Locks = CompanyLocks(nil)

// CompanyLocked reports whether the company is verified.
func (f CompanyLocks) CompanyLocked(ctx context.Context, companyID int64) (bool, error) {
	return f(ctx, companyID)
}
