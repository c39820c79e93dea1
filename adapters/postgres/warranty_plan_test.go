package postgres

import (
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"supportal/domain/warranty"
)

// TestWarrantyPlans checks, on two big tenants and many small ones, that the
// lookup's queries without a name fragment use the indexes meant for them:
// no page sorts or scans a whole tenant. Name searches are bounded by rows
// examined (TestWarrantyBoundedSearch).
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
SELECT gin_clean_pending_list('devices_name_trgm_idx');
ANALYZE devices;
ANALYZE service_lines`
	if _, err := db.ExecContext(ctx, gen); err != nil {
		t.Fatal(err)
	}
	const a, b = "91310110666007217T", "91440300MA5F0KQ2XL"
	search := func(q warranty.Query) (string, []any) {
		q.Limit = 21
		return searchSQL(q)
	}
	count := func(q warranty.Query) (string, []any) { return countSQL(q, 201) }
	type shape = func(warranty.Query) (string, []any)
	const lines = "service_lines_device_id_sku_start_date_key"
	for _, tt := range []struct {
		name      string
		shape     shape
		q         warranty.Query
		want, not []string
	}{
		{"all, latest first", search, warranty.Query{Owner: a},
			[]string{"Index Scan using devices_owner_code_max_end_idx", lines}, []string{"Seq Scan"}},
		{"all, earliest first", search, warranty.Query{Owner: b, Sort: warranty.SortEndAsc},
			[]string{"Index Scan Backward using devices_owner_code_max_end_idx", lines}, []string{"Seq Scan"}},
		{"page 50", search, warranty.Query{Owner: b, Offset: 980},
			[]string{"devices_owner_code_max_end_idx"}, []string{"Seq Scan"}},
		{"exact SN", search, warranty.Query{Owner: b, SN: "AS0000012345"},
			[]string{"Index Scan using devices_owner_code_sn_key", lines}, []string{"Seq Scan"}},
		{"count all", count, warranty.Query{Owner: b},
			[]string{"devices_owner_code_max_end_idx"}, []string{"Seq Scan", "Sort"}},
		{"small tenant", search, warranty.Query{Owner: "SMALL7"},
			[]string{"devices_owner_code_max_end_idx"}, []string{"Seq Scan"}},
	} {
		query, args := tt.shape(tt.q)
		checkPlan(t, db, tt.name, "", query, args, tt.want, tt.not)
		// SearchDevices prepares these shapes, and PostgreSQL may then keep
		// one generic plan for every value.
		checkPlan(t, db, tt.name+" (generic plan)", "force_generic_plan", query, args, tt.want, tt.not)
	}
}

// checkPlan explains query with args (under plan_cache_mode mode, unless
// empty) and checks that the plan mentions every string of want and none of
// not.
func checkPlan(t *testing.T, db *sqlx.DB, name, mode, query string, args []any, want, not []string) {
	t.Helper()
	tx, err := db.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if mode != "" {
		if _, err := tx.Exec("SET LOCAL plan_cache_mode = " + mode); err != nil {
			t.Fatal(err)
		}
	}
	var lines []string
	if err := tx.Select(&lines, "EXPLAIN (COSTS OFF) "+query, args...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	plan := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(plan, w) {
			t.Errorf("%s: plan without %q:\n%s", name, w, plan)
		}
	}
	for _, n := range not {
		if strings.Contains(plan, n) {
			t.Errorf("%s: plan with %q:\n%s", name, n, plan)
		}
	}
}
