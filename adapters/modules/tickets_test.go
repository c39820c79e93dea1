package modules_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/adapters/modules"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/warranty"
)

// TestPeople checks what tickets learn of accounts through identity: a
// customer with its company, staff with their role, and the agents and
// admins (not reviewers) as the agents.
func TestPeople(t *testing.T) {
	ctx := context.Background()
	ids := identity.NewService(webtest.IdentityDeps(memory.NewIdentityStore(), memory.NewOutbox(), memory.NewAudit(), "test"))
	c := webtest.SeedCustomer(t, ids, "wang@example.com", "CN", "上海示例数据科技有限公司")
	var staff []int64
	for _, r := range []identity.Role{identity.RoleReviewer, identity.RoleAgent, identity.RoleAdmin} {
		a, err := ids.CreateStaff(ctx, string(r)+"@example.com", "Staff "+string(r), r, webtest.Password)
		if err != nil {
			t.Fatal(err)
		}
		staff = append(staff, a.ID)
	}
	p := modules.People{Identity: ids}
	got, err := p.Person(ctx, c.ID)
	if err != nil || got.CompanyID != c.CompanyID || got.CompanyName != "上海示例数据科技有限公司" || got.Staff || got.Role != "" ||
		got.Email != "wang@example.com" || got.TimeZone == "" || got.Lang == "" {
		t.Fatalf("customer = %+v, %v", got, err)
	}
	if got, err := p.Person(ctx, staff[0]); err != nil || !got.Staff || got.Role != "reviewer" || got.CompanyID != 0 {
		t.Errorf("reviewer = %+v, %v", got, err)
	}
	if _, err := p.Person(ctx, 9999); domain.KindOf(err) != domain.NotFound {
		t.Errorf("unknown account: %v", err)
	}
	agents, err := p.Agents(ctx)
	if err != nil || len(agents) != 2 || agents[0].ID != staff[1] || agents[0].Role != "agent" || agents[1].Role != "admin" {
		t.Errorf("agents = %+v, %v", agents, err)
	}
}

// verifiedFor verifies company 1 for codeA and company 2 for codeB.
type verifiedFor map[int64]string

func (v verifiedFor) VerifiedCreditCode(_ context.Context, id int64) (string, error) {
	if c, ok := v[id]; ok {
		return c, nil
	}
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// TestDevices checks the tickets' view of warranty: the caller's company's
// devices by id, SN and fragment, its active services, and another
// company's device as not found.
func TestDevices(t *testing.T) {
	ctx := context.Background()
	const codeA, codeB = "91310110666007217T", "91440300MA5F0KQ2XL"
	store := memory.NewWarrantyStore()
	svc := warranty.NewService(warranty.Deps{Importer: store, Runs: store, Lookup: store, Tx: memory.NewWarrantyTx(store, memory.NewAudit()),
		Verifications: verifiedFor{1: codeA, 2: codeB}})
	csv := strings.Join(warranty.Columns, ",") + "\n" +
		codeA + ",A 公司,存储阵列,SN-A1,PO-1,SVC-PREM-1Y,高级维保,2026-01-01,2026-12-31\n" +
		codeB + ",B 公司,交换机,SN-B1,PO-2,SVC-STD-1Y,标准维保,2026-01-01,2026-12-31\n"
	src, err := warranty.NewCSVSource(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if run, err := svc.Import(ctx, src, warranty.ImportOptions{Mode: warranty.ModeUpsert, Source: "test"}); err != nil || run.Status != warranty.RunSucceeded {
		t.Fatalf("import: %+v %v", run, err)
	}
	d := modules.Devices{Warranty: svc}
	a1, err := d.DeviceBySN(ctx, 1, "sn-a1")
	if err != nil || a1.Name != "存储阵列" || len(a1.Lines) != 1 || a1.Lines[0].SKU != "SVC-PREM-1Y" || !a1.Lines[0].End.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("DeviceBySN = %+v, %v", a1, err)
	}
	if got, err := d.DeviceByID(ctx, 1, a1.ID); err != nil || got.SN != "SN-A1" {
		t.Errorf("DeviceByID = %+v, %v", got, err)
	}
	for name, err := range map[string]error{
		"B by A's id":    func() error { _, err := d.DeviceByID(ctx, 2, a1.ID); return err }(),
		"B by A's SN":    func() error { _, err := d.DeviceBySN(ctx, 2, "SN-A1"); return err }(),
		"unverified (3)": func() error { _, err := d.DeviceBySN(ctx, 3, "SN-A1"); return err }(),
	} {
		if domain.KindOf(err) != domain.NotFound {
			t.Errorf("%s: %v, want NotFound", name, err)
		}
	}
	if got, err := d.Suggest(ctx, 2, "sn", 5); err != nil || len(got) != 1 || got[0].SN != "SN-B1" {
		t.Errorf("B's suggestions = %+v, %v", got, err)
	}
	ls, err := d.CompanyLines(ctx, 1, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(ls) != 1 || ls[0].SKU != "SVC-PREM-1Y" {
		t.Errorf("CompanyLines = %+v, %v", ls, err)
	}
}
