package postgres

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/adapters/storetest"
	"supportal/domain"
	"supportal/domain/warranty"
)

func TestWarrantyStore(t *testing.T) {
	storetest.Warranty(t, func(t *testing.T) storetest.WarrantyBackend {
		db := migrated(t)
		return storetest.WarrantyBackend{Store: NewWarrantyStore(db), Tx: NewWarrantyTx(db), Audit: NewAudit(db)}
	})
}

// Credit codes of the generated tenants (all pass the check character).
var genOwners = []string{"91310110666007217T", "91440300MA5F0KQ2XL", "12100000400012345P"}

// genNames are the device names of generated files, by model.
var genNames = []string{"AnyShare 存储节点 S200-", "AnyBackup 一体机 A3000-", "AnyDATA 图谱计算节点 D8-", "AnyRobot 日志分析 R1-"}

// genCSV streams an import file of n service lines, two per device, spread
// over owners, without holding it in memory. Lines of the same device and
// SKU in a later file with a larger shift end shift days later.
func genCSV(n, owners, shift int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		w := csv.NewWriter(pw)
		_ = w.Write(warranty.Columns)
		for i := range n {
			dev, sku := i/2, []string{"SVC-STD-1Y", "SVC-SW-UPG-1Y"}[i%2]
			owner := genOwners[dev%owners]
			start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, dev%700)
			end := start.AddDate(1, 0, i%2*365+shift)
			rec := []string{owner, "客户 " + owner[:6], genNames[dev%len(genNames)] + fmt.Sprint(dev),
				fmt.Sprintf("AS%012d", dev), fmt.Sprintf("PO-%08d", dev/3), sku, "服务 " + sku,
				start.Format("2006-01-02"), end.Format("2006-01-02")}
			if err := w.Write(rec); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		w.Flush()
		pw.CloseWithError(w.Error())
	}()
	return pr
}

// importGen imports genCSV(n, owners, shift) through the service.
func importGen(tb testing.TB, ctx context.Context, svc *warranty.Service, n, owners, shift int, mode warranty.Mode) (warranty.Run, error) {
	tb.Helper()
	src, err := warranty.NewCSVSource(genCSV(n, owners, shift))
	if err != nil {
		tb.Fatal(err)
	}
	return svc.Import(ctx, src, warranty.ImportOptions{Mode: mode, Source: "gen"})
}

func newWarrantyService(s *WarrantyStore) *warranty.Service {
	return warranty.NewService(warranty.Deps{Importer: s, Runs: s, Lookup: s, Tx: NewWarrantyTx(s.db), Verifications: unverified{}})
}

// unverified is a warranty.Verifications for tests that look nothing up.
type unverified struct{}

func (unverified) VerifiedCreditCode(context.Context, int64) (string, error) {
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// checkMaxEnd fails unless every device has lines and max_end is the latest
// end date of its lines.
func checkMaxEnd(t *testing.T, db *sqlx.DB) {
	t.Helper()
	const q = `
SELECT count(*) FROM devices d
WHERE d.max_end IS DISTINCT FROM (SELECT max(end_date) FROM service_lines sl WHERE sl.device_id = d.id)`
	var n int
	if err := db.GetContext(t.Context(), &n, q); err != nil || n != 0 {
		t.Errorf("%d devices with a wrong max_end or no lines (%v)", n, err)
	}
}

// TestWarrantyMaxEnd checks the merge's upkeep of devices.max_end through
// inserts, longer and shorter lines, and snapshot removals.
func TestWarrantyMaxEnd(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	svc := newWarrantyService(NewWarrantyStore(db))
	for _, step := range []struct {
		n, shift int
		mode     warranty.Mode
	}{
		{400, 0, warranty.ModeUpsert}, {400, 30, warranty.ModeUpsert}, {400, -30, warranty.ModeUpsert},
		{300, -10, warranty.ModeSnapshot}, {301, -10, warranty.ModeSnapshot},
	} {
		if _, err := importGen(t, ctx, svc, step.n, 2, step.shift, step.mode); err != nil {
			t.Fatal(err)
		}
		checkMaxEnd(t, db)
	}
	var devices, lines int
	if err := db.QueryRowxContext(ctx, `SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM service_lines)`).Scan(&devices, &lines); err != nil {
		t.Fatal(err)
	}
	if devices != 151 || lines != 301 {
		t.Errorf("%d devices, %d lines after the snapshots; want 151, 301", devices, lines)
	}
}

// TestWarrantyCancelDuringMerge cancels an import while its merge runs: the
// statement is cancelled on the server, the batch rolls back, the lock goes.
func TestWarrantyCancelDuringMerge(t *testing.T) {
	db := migrated(t)
	s := NewWarrantyStore(db)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	b, err := s.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	src, err := warranty.NewCSVSource(genCSV(40000, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	for {
		line, rec, err := src.Next()
		if err == io.EOF {
			break
		}
		row, problems := warranty.ParseRow(line, rec)
		if err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
		if err := b.Add(ctx, row); err != nil {
			t.Fatal(err)
		}
	}
	time.AfterFunc(20*time.Millisecond, cancel)
	if _, err := b.Merge(ctx, warranty.ModeUpsert); err == nil {
		t.Fatal("Merge finished in 20ms; cancel it sooner")
	}
	if err := b.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.GetContext(t.Context(), &n, `SELECT count(*) FROM devices`); err != nil || n != 0 {
		t.Errorf("%d devices after a cancelled merge (%v)", n, err)
	}
	if _, err := importGen(t, t.Context(), newWarrantyService(s), 10, 1, 0, warranty.ModeUpsert); err != nil {
		t.Errorf("import after a cancelled merge: %v", err)
	}
}

// TestWarrantyRunErrors checks the JSON that import_runs.errors keeps.
func TestWarrantyRunErrors(t *testing.T) {
	ctx := t.Context()
	db := migrated(t)
	svc := newWarrantyService(NewWarrantyStore(db))
	data := strings.Join(warranty.Columns, ",") + "\n" + genOwners[0] + ",x,d,SN,,SKU,s,2025-01-01,2024-01-01\n"
	src, err := warranty.NewCSVSource(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	run, err := svc.Import(ctx, src, warranty.ImportOptions{Source: "cli:bad.csv"})
	if domain.KindOf(err) != domain.Invalid {
		t.Fatalf("err = %v", err)
	}
	var js string
	if err := db.GetContext(ctx, &js, `SELECT errors::text FROM import_runs WHERE id = $1`, run.ID); err != nil {
		t.Fatal(err)
	}
	if want := `[{"key": "import.error.end_before_start", "line": 2, "column": "end_date"}]`; js != want {
		t.Errorf("errors = %s, want %s", js, want)
	}
}

// TestWarrantyLookupBounds checks that a lookup statement that runs out of
// time is cancelled on the server and reported as the store's error, not as
// a search too broad (that is decided by rows examined), like one whose
// caller went away.
func TestWarrantyLookupBounds(t *testing.T) {
	s := NewWarrantyStore(migrated(t))
	s.timeout = 100 * time.Millisecond
	sleep := func(ctx context.Context) error {
		_, err := s.db.ExecContext(ctx, `SELECT pg_sleep(5)`)
		return err
	}
	start := time.Now()
	err := s.lookup(t.Context(), "test", sleep)
	if err == nil || domain.KindOf(err) == domain.Invalid || !errors.Is(err, errStatementTimeout) {
		t.Errorf("a statement past the timeout: %v, want the store's timeout error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the statement ran for %v despite the timeout", d)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.lookup(ctx, "test", sleep); domain.KindOf(err) == domain.Invalid {
		t.Errorf("a cancelled request was reported as too broad: %v", err)
	}
}
