package modules_test

import (
	"context"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/adapters/modules"
	"supportal/domain"
	"supportal/domain/identity"
)

// TestCustomers checks what verification learns of an account through
// identity: a customer with its company, and NotFound for staff.
func TestCustomers(t *testing.T) {
	ctx := context.Background()
	ids := identity.NewService(webtest.IdentityDeps(memory.NewIdentityStore(), memory.NewOutbox(), memory.NewAudit(), "test"))
	a := webtest.SeedCustomer(t, ids, "wang@example.com", "CN", "上海示例数据科技有限公司")
	c := modules.Customers{Identity: ids}
	got, err := c.Customer(ctx, a.ID)
	if err != nil || got.AccountID != a.ID || got.CompanyID != a.CompanyID || got.CompanyName != "上海示例数据科技有限公司" ||
		got.Email != "wang@example.com" || got.Country != "CN" {
		t.Fatalf("Customer = %+v, %v", got, err)
	}
	staff, err := ids.CreateStaff(ctx, "rev@example.com", "", identity.RoleReviewer, webtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Customer(ctx, staff.ID); domain.KindOf(err) != domain.NotFound {
		t.Errorf("staff account as a customer: %v, want NotFound", err)
	}
	locked := modules.CompanyLocks(func(_ context.Context, id int64) (bool, error) { return id == a.CompanyID, nil })
	if ok, _ := locked.CompanyLocked(ctx, a.CompanyID); !ok {
		t.Error("CompanyLocks does not answer with its function")
	}
}
