package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

// fakeLocks reports every company as locked, or fails.
type fakeLocks struct {
	locked bool
	err    error
}

func (l *fakeLocks) CompanyLocked(context.Context, int64) (bool, error) { return l.locked, l.err }

// TestVerifiedCompanyNameIsLocked: while the company is verified its name
// cannot change, but the other fields can; without the port nothing is locked.
func TestVerifiedCompanyNameIsLocked(t *testing.T) {
	locks := &fakeLocks{locked: true}
	f := newFixtureWith(t, time.Now(), func(_ *fixture, d *identity.Deps) { d.Locks = locks })
	svc, st := f.svc, f.store
	a, err := svc.CreateCustomer(ctx, info, co, pw)
	if err != nil {
		t.Fatal(err)
	}
	if locked, err := svc.CompanyNameLocked(ctx, a); !locked || err != nil {
		t.Fatalf("CompanyNameLocked = %v, %v", locked, err)
	}
	renamed := co
	renamed.Name = "改名公司"
	renamed.Address = ""
	err = svc.UpdateCompany(ctx, a, renamed, client)
	var es domain.Errors
	if !errors.As(err, &es) || len(es) != 2 || es[0].Key != "error.company_name.locked" || es[1].Field != "address" {
		t.Fatalf("rename while verified: %v", err)
	}
	same := co
	same.Address = "北京"
	if err := svc.UpdateCompany(ctx, a, same, client); err != nil {
		t.Fatalf("editing other fields while verified: %v", err)
	}
	if got, _ := st.CompanyByID(ctx, a.CompanyID); got.Name != co.Name || got.Address != "北京" {
		t.Fatalf("stored %+v", got)
	}
	locks.locked = false
	if err := svc.UpdateCompany(ctx, a, identity.Company{Name: "改名公司", Industry: "it", Size: "1-20", Address: "北京"}, client); err != nil {
		t.Fatalf("rename when not verified: %v", err)
	}
	locks.err = errors.New("down")
	if err := svc.UpdateCompany(ctx, a, same, client); err == nil || domain.KindOf(err) != domain.Internal {
		t.Fatalf("lock lookup failure: %v", err)
	}
}
