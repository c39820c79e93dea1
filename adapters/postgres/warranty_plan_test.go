package postgres

import (
	"strings"
	"testing"

	"github.com/lib/pq"
)

// TestWarrantyPlans checks, on two big tenants and many small ones, that the
// lookup's queries use the indexes meant for them: no page sorts or scans a
// whole tenant unless the fragment is too short for trigrams and matches
// (almost) nothing.
func TestWarrantyPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 45,000 devices")
	}
	ctx := t.Context()
	db := migrated(t)
	// Owner B's rows come after all of A's, so that a plan that reads the
	// table in order until it has enough rows of B reads most of it.
	const gen = `
INSERT INTO devices (owner_code, owner_name, name, sn, order_no, max_end)
SELECT o, 'owner',
	(ARRAY['AnyShare 存储节点 S200-', 'AnyBackup 一体机 A3000-', 'AnyDATA 图谱计算节点 D8-', 'AnyRobot 日志分析 R1-'])[1 + i % 4] || i,
	'AS' || lpad(i::text, 10, '0'), 'PO-' || i, date '2024-01-01' + (i % 1500)
FROM unnest(ARRAY['91310110666007217T', '91440300MA5F0KQ2XL']) WITH ORDINALITY AS u(o, n),
	generate_series(1, 20000) i
ORDER BY n, i;
INSERT INTO devices (owner_code, owner_name, name, sn, order_no, max_end)
SELECT 'SMALL' || (i % 500), 'owner', 'Small ' || i, 'SN' || i, '', date '2024-01-01' + (i % 1500)
FROM generate_series(1, 5000) i;
INSERT INTO service_lines (device_id, sku, service_name, start_date, end_date)
SELECT id, s, 'svc', max_end - 365, max_end FROM devices, unnest(ARRAY['SVC-A', 'SVC-B']) s;
ANALYZE devices;
ANALYZE service_lines`
	if _, err := db.ExecContext(ctx, gen); err != nil {
		t.Fatal(err)
	}
	const a, b = "91310110666007217T", "91440300MA5F0KQ2XL"
	for _, tt := range []struct {
		name      string
		q         string
		args      []any
		want, not []string
	}{
		{"all, latest first", searchDesc, []any{a, "", "", 21, 0},
			[]string{"Index Scan using devices_owner_code_max_end_idx"}, []string{"Sort", "Seq Scan"}},
		{"all, earliest first", searchAsc, []any{b, "", "", 21, 0},
			[]string{"Index Scan Backward using devices_owner_code_max_end_idx"}, []string{"Sort", "Seq Scan"}},
		{"page 50", searchDesc, []any{b, "", "", 21, 980},
			[]string{"devices_owner_code_max_end_idx"}, []string{"Sort", "Seq Scan"}},
		{"exact SN", searchDesc, []any{b, "AS0000012345", "", 21, 0},
			[]string{"Index Scan using devices_owner_code_sn_key"}, []string{"Seq Scan"}},
		{"rare fragment", searchDesc, []any{b, "", "%S200-1234%", 21, 0},
			[]string{"devices_owner_code_name_trgm_idx"}, []string{"Seq Scan"}},
		{"rare Chinese fragment", searchDesc, []any{b, "", "%日志分析 R1-1999%", 21, 0},
			[]string{"devices_owner_code_name_trgm_idx"}, []string{"Seq Scan"}},
		{"common fragment", searchDesc, []any{b, "", "%anyshare%", 21, 0},
			nil, []string{"Seq Scan"}},
		{"short common fragment", searchDesc, []any{b, "", "%12%", 21, 0},
			nil, []string{"Seq Scan"}},
		{"count all", countDevices, []any{b, "", "", 201},
			[]string{"devices_owner_code_max_end_idx"}, []string{"Seq Scan", "Sort"}},
		{"count common fragment", countDevices, []any{b, "", "%anyshare%", 201},
			nil, []string{"Seq Scan"}},
		{"count rare fragment", countDevices, []any{b, "", "%S200-1234%", 201},
			[]string{"devices_owner_code_name_trgm_idx"}, []string{"Seq Scan"}},
		{"small tenant", searchDesc, []any{"SMALL7", "", "", 21, 0},
			[]string{"devices_owner_code_max_end_idx"}, []string{"Sort", "Seq Scan"}},
		{"lines of a page", linesOf, []any{pq.Array([]int64{1, 500, 1000, 20001, 30000})},
			[]string{"service_lines_device_id_sku_start_date_key"}, []string{"Seq Scan"}},
	} {
		var lines []string
		if err := db.SelectContext(ctx, &lines, "EXPLAIN (COSTS OFF) "+tt.q, tt.args...); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		plan := strings.Join(lines, "\n")
		for _, w := range tt.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan without %q:\n%s", tt.name, w, plan)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(plan, n) {
				t.Errorf("%s: plan with %q:\n%s", tt.name, n, plan)
			}
		}
	}
}
