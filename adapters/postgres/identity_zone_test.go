package postgres

import (
	"testing"

	"supportal/adapters/postgres/pgtest"
)

// TestMigrationBackfillsTimeZones: migration 00015 gives every existing
// customer the zone of their country/region, and staff Asia/Shanghai.
func TestMigrationBackfillsTimeZones(t *testing.T) {
	ctx := t.Context()
	db := open(t, pgtest.NewDB(t))
	p, err := newMigrator(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	const ins = `INSERT INTO accounts (email, kind, role, name, password_hash, country) VALUES ($1, $2, $3, 'x', 'h', $4)`
	for _, a := range [][4]string{
		{"cn@example.com", "customer", "customer", "CN"}, {"hk@example.com", "customer", "customer", "HK"},
		{"tw@example.com", "customer", "customer", "TW"}, {"sg@example.com", "customer", "customer", "SG"},
		{"other@example.com", "customer", "customer", "OTHER"}, {"staff@example.com", "staff", "reviewer", ""},
	} {
		if _, err := db.ExecContext(ctx, ins, a[0], a[1], a[2], a[3]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cn@example.com": "Asia/Shanghai", "hk@example.com": "Asia/Hong_Kong",
		"tw@example.com": "Asia/Taipei", "sg@example.com": "Asia/Singapore", "other@example.com": "UTC",
		"staff@example.com": "Asia/Shanghai"}
	for email, zone := range want {
		var got string
		if err := db.GetContext(ctx, &got, `SELECT time_zone FROM accounts WHERE email = $1`, email); err != nil {
			t.Fatal(err)
		}
		if got != zone {
			t.Errorf("%s: time_zone = %q, want %q", email, got, zone)
		}
	}
}
