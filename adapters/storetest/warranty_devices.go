package storetest

import (
	"fmt"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/warranty"
)

// testDeviceLookups: the ticket form's reads find a device of the caller's
// company by id or serial number, suggest by a fragment of name or SN, and
// list the services active on the caller's day; another company's devices
// are never found.
func testDeviceLookups(t *testing.T, w *warrantyWorld) {
	ctx := t.Context()
	w.mustImport(t, file(
		recOf(codeA, "SN-1", "SVC-PREM", "2025-06-01", "2026-06-01"),
		recOf(codeA, "SN-2", "SVC-STD", "2025-01-01", "2025-12-31"),
		recOf(codeA, "SN-3", "SVC-PREM", "2025-01-01", "2027-01-01"),
		recOf(codeA, "SN-4", "SVC-ONSITE", "2025-01-01", "2026-01-01"),
		recOf(codeA, "SN-4", "SVC-SW-UPG", "2026-01-02", "2027-01-01"),
		recOf(codeB, "SN-1", "SVC-STD", "2025-01-01", "2027-01-01"),
		recOf(codeB, "XB-9", "SVC-STD", "2025-01-01", "2027-01-01"),
	), warranty.ModeUpsert, warranty.Counts{Read: 7, Inserted: 7})
	a1, b1 := w.find(t, codeA, "SN-1"), w.find(t, codeB, "SN-1")
	got, err := w.svc.DeviceByID(ctx, accountA, a1.ID)
	if err != nil || got.SN != "SN-1" || got.OwnerCode != codeA || len(got.Lines) != 1 || got.Lines[0].SKU != "SVC-PREM" {
		t.Errorf("DeviceByID = %+v, %v", got, err)
	}
	notFound := func(what string, err error) {
		t.Helper()
		if domain.KindOf(err) != domain.NotFound || domain.As(err).Key != "error.device.not_found" {
			t.Errorf("%s: %v, want NotFound", what, err)
		}
	}
	_, err = w.svc.DeviceByID(ctx, accountA, b1.ID)
	notFound("A reading B's device by id", err)
	_, err = w.svc.DeviceByID(ctx, accountA, 0)
	notFound("id 0", err)
	if got, err := w.svc.DeviceBySN(ctx, accountA, " sn-1 "); err != nil || got.ID != a1.ID {
		t.Errorf("DeviceBySN = %+v, %v", got, err)
	}
	if got, err := w.svc.DeviceBySN(ctx, accountB, "SN-1"); err != nil || got.ID != b1.ID {
		t.Errorf("B's SN-1 = %+v, %v", got, err)
	}
	_, err = w.svc.DeviceBySN(ctx, accountA, "XB-9")
	notFound("A reading B's device by SN", err)
	_, err = w.svc.DeviceBySN(ctx, accountC, "SN-1")
	notFound("C without devices", err)
	for _, c := range []struct {
		account int64
		text    string
		want    string
	}{
		{accountA, "sn-", "[SN-3 SN-4 SN-1 SN-2]"},
		{accountA, "设备 SN-3", "[SN-3]"},
		{accountA, "xb", "[]"},
		{accountB, "xb", "[XB-9]"},
		{accountA, "%", "[]"},
		{accountA, "", "[SN-3 SN-4 SN-1 SN-2]"},
	} {
		devs, err := w.svc.Suggest(ctx, c.account, c.text, 10)
		var sns []string
		for _, d := range devs {
			sns = append(sns, d.SN)
		}
		if got := fmt.Sprint(sns); err != nil || (got != c.want && !(c.want == "[]" && sns == nil)) {
			t.Errorf("Suggest(%d, %q) = %s, %v; want %s", c.account, c.text, got, err, c.want)
		}
	}
	// 2025-12-31 17:00 UTC is 2026-01-01 in Shanghai: SN-2 has ended, SN-4's
	// on-site line ends that day (inclusive), its upgrade has not started.
	lines, err := w.svc.ActiveLines(ctx, accountA, time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC))
	must(t, err)
	want := []warranty.Line{
		{SKU: "SVC-ONSITE", ServiceName: "服务 SVC-ONSITE", Start: day("2025-01-01"), End: day("2026-01-01")},
		{SKU: "SVC-PREM", ServiceName: "服务 SVC-PREM", Start: day("2025-01-01"), End: day("2027-01-01")},
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("ActiveLines =\n %v\nwant\n %v", lines, want)
	}
	if lines, err := w.svc.ActiveLines(ctx, accountA, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || len(lines) != 0 {
		t.Errorf("ActiveLines in 2028 = %v, %v", lines, err)
	}
}
