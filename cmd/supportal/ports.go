package main

import (
	"context"

	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/verification"
)

// customers lets verification look up customer accounts in identity.
type customers struct{ svc *identity.Service }

var _ verification.Customers = customers{}

// Customer returns the customer account and its company; staff accounts and
// accounts without a company are NotFound.
func (c customers) Customer(ctx context.Context, accountID int64) (verification.Customer, error) {
	a, err := c.svc.Account(ctx, accountID)
	if err != nil {
		return verification.Customer{}, err
	}
	if a.IsStaff() || a.CompanyID == 0 {
		return verification.Customer{}, domain.E(domain.NotFound, "error.account.not_found")
	}
	co, err := c.svc.Company(ctx, a)
	if err != nil {
		return verification.Customer{}, err
	}
	return verification.Customer{AccountID: a.ID, CompanyID: a.CompanyID, CompanyName: co.Name, Country: a.Country,
		Email: a.Email, Name: a.Name, Lang: a.Lang}, nil
}

// companyLocks adapts a function to identity's Locks port.
type companyLocks func(ctx context.Context, companyID int64) (bool, error)

var _ identity.Locks = companyLocks(nil)

// CompanyLocked reports whether the company is verified.
func (f companyLocks) CompanyLocked(ctx context.Context, companyID int64) (bool, error) {
	return f(ctx, companyID)
}
