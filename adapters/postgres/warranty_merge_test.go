package postgres

import (
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain/warranty"
)

// checkNoOrphans fails when a service line has no device: no foreign key
// checks it (migration 00005), the merge must.
func checkNoOrphans(t *testing.T, db *sqlx.DB) {
	t.Helper()
	const q = `
SELECT count(*) FROM service_lines sl
WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = sl.device_id)`
	var n int
	if err := db.GetContext(t.Context(), &n, q); err != nil || n != 0 {
		t.Errorf("%d service lines without their device (%v)", n, err)
	}
}

// TestWarrantyNoOrphans runs inserts, updates and snapshots that remove
// lines and whole devices, some devices moving to another owner, and checks
// after each that every line has its device and every device its lines
// and the right max_end.
func TestWarrantyNoOrphans(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	svc := newWarrantyService(NewWarrantyStore(db))
	for _, step := range []struct {
		n, owners, shift int
		mode             warranty.Mode
	}{
		{400, 3, 0, warranty.ModeUpsert}, {600, 3, 5, warranty.ModeUpsert}, {300, 3, 0, warranty.ModeSnapshot},
		{100, 2, 0, warranty.ModeSnapshot}, {500, 3, 1, warranty.ModeUpsert}, {40, 1, 2, warranty.ModeSnapshot},
	} {
		if _, err := importGen(t, ctx, svc, step.n, step.owners, step.shift, step.mode); err != nil {
			t.Fatal(err)
		}
		checkNoOrphans(t, db)
		checkMaxEnd(t, db)
	}
}

// TestWarrantyCopyText checks that text the COPY format escapes (a
// backslash, a tab, a newline, a carriage return) arrives as it was sent.
// The CSV import refuses control characters, but Batch does not.
func TestWarrantyCopyText(t *testing.T) {
	ctx := t.Context()
	s := NewWarrantyStore(migrated(t))
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Rollback()
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := warranty.Row{Line: 2, OwnerCode: genOwners[0], OwnerName: `C:\客户\N`, DeviceName: "a\tb\nc\rd\\.",
		SN: `SN\1`, OrderNo: `\N`, SKU: "SKU", ServiceName: "服务\\", Start: day, End: day.AddDate(1, 0, 0)}
	if err := b.Add(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Merge(ctx, warranty.ModeUpsert); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(ctx, func(warranty.Stores) error { return nil }); err != nil {
		t.Fatal(err)
	}
	devs, err := s.SearchDevices(ctx, warranty.Query{Owner: r.OwnerCode, SN: r.SN, Limit: 10})
	if err != nil || len(devs) != 1 || len(devs[0].Lines) != 1 {
		t.Fatalf("devices = %+v, %v", devs, err)
	}
	d, l := devs[0], devs[0].Lines[0]
	if d.OwnerName != r.OwnerName || d.Name != r.DeviceName || d.OrderNo != r.OrderNo || l.ServiceName != r.ServiceName ||
		!l.Start.Equal(r.Start) || !l.End.Equal(r.End) {
		t.Errorf("stored %+v, want the texts and dates of %+v", d, r)
	}
}
