package postgres

import (
	"testing"

	"supportal/adapters/postgres/pgtest"
)

// tables lists the tables the migrations create, in the public schema.
func tables(t *testing.T, url string) []string {
	t.Helper()
	const q = `
SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' AND table_name <> 'goose_db_version'
ORDER BY table_name`
	var names []string
	if err := open(t, url).SelectContext(t.Context(), &names, q); err != nil {
		t.Fatal(err)
	}
	return names
}

func TestMigrateUpDownUp(t *testing.T) {
	ctx := t.Context()
	url := pgtest.NewDB(t)
	db := open(t, url)

	if err := Migrate(ctx, db.DB); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	up := tables(t, url)
	if len(up) == 0 {
		t.Fatal("no tables after migrating")
	}
	if err := Migrate(ctx, db.DB); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	p, err := newMigrator(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if pending, err := p.HasPending(ctx); err != nil || pending {
		t.Fatalf("HasPending after migrating = %v, %v; want false", pending, err)
	}

	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	if left := tables(t, url); len(left) != 0 {
		t.Errorf("tables left after migrating down: %v", left)
	}
	if v, err := p.GetDBVersion(ctx); err != nil || v != 0 {
		t.Errorf("version after migrating down = %d, %v; want 0", v, err)
	}

	if err := Migrate(ctx, db.DB); err != nil {
		t.Fatalf("migrate up again: %v", err)
	}
	if again := tables(t, url); len(again) != len(up) {
		t.Errorf("tables after migrating up again = %v, want %v", again, up)
	}
}

func TestPing(t *testing.T) {
	if err := Ping(t.Context(), migrated(t)); err != nil {
		t.Fatal(err)
	}
}
