package postgres

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"supportal/domain/warranty"
)

// The generated tenants of TestWarrantyBoundedSearch: two large companies,
// each with more devices than a walk reads, and many small ones.
const (
	bigA, bigB = "91310110666007217T", "91440300MA5F0KQ2XL"
	genWalk    = `
SET synchronous_commit = on;
INSERT INTO devices (owner_code, owner_name, name, sn, order_no, max_end)
SELECT o, 'owner',
	(ARRAY['AnyBackup','AnyBackup','AnyBackup','AnyShare','AnyShare','AnyStorage','AnyRobot','AnyDATA'])[1 + (i * 7) % 8] || ' ' ||
	(ARRAY['一体机','一体机','存储节点','备份服务器','管理节点'])[1 + (i * 3) % 5] || ' ' ||
	(ARRAY['AB','AB','AB','AS','AS','AT','AR','AD'])[1 + (i * 7) % 8] || lpad(((i * 7919) % 10000)::text, 4, '0') || '-R' || (1 + i % 5),
	'SN' || n || lpad(i::text, 10, '0'), 'PO-' || i, date '2020-01-01' + (i * 37) % 3500
FROM (VALUES ('91310110666007217T', 1, 30000), ('91440300MA5F0KQ2XL', 2, 12000)) AS u(o, n, size),
	generate_series(1, size) i;
INSERT INTO devices (owner_code, owner_name, name, sn, order_no, max_end)
SELECT 'SMALL' || (i % 300), 'owner', 'AnyShare 一体机 AS' || lpad(i::text, 4, '0') || '-R1', 'SN3' || i, '', date '2024-01-01' + i % 900
FROM generate_series(1, 3000) i;
INSERT INTO service_lines (device_id, sku, service_name, start_date, end_date)
SELECT id, s, 'svc', max_end - 365, max_end FROM devices, unnest(ARRAY['SVC-A', 'SVC-B']) s;
SELECT gin_clean_pending_list('devices_name_trgm_idx')`
)

// TestWarrantyBoundedSearch checks, on generated tenants, that every name
// fragment a customer may type (pairs of common words, one common
// character, two digits, a separator, the company's own name, each prefix
// of a model number) is answered with bounded work: EXPLAIN (ANALYZE,
// BUFFERS) of each statement reads at most walkRows index entries and no
// table row for the walk, and at most trigramRows candidates for the
// trigram index; that the page is the one an unbounded query gives, and
// the count exact or a true lower bound; and that asking again gives the
// same answer.
func TestWarrantyBoundedSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 45,000 devices")
	}
	ctx := t.Context()
	db := migrated(t)
	if _, err := db.ExecContext(ctx, genWalk); err != nil {
		t.Fatal(err)
	}
	// VACUUM sets the visibility map, as autovacuum does after an import;
	// it can do so only for rows whose commit has reached the disk, and the
	// test cluster commits asynchronously.
	if _, err := db.ExecContext(ctx, `VACUUM (ANALYZE) devices`); err != nil {
		t.Fatal(err)
	}
	s := NewWarrantyStore(db)
	// The safety net: a fragment without letters or digits that none of a
	// large company's first walkRows devices contains has no trigram to
	// search for, and is too broad, every time.
	for range 2 {
		q := warranty.Query{Owner: bigA, Name: "--", Sort: warranty.SortEndDesc, Limit: 21}
		if _, err := s.FindDevices(ctx, q, warranty.CountCap+1); err != errTooBroad {
			t.Errorf("%q: %v, want too broad", q.Name, err)
		}
	}
	// The type-ahead gets what the walk found instead: here nothing.
	if devs, err := s.SearchDevices(ctx, warranty.Query{Owner: bigA, Text: "--", Sort: warranty.SortEndDesc, Limit: 20}); err != nil || len(devs) != 0 {
		t.Errorf("type-ahead %q: %d devices, %v; want none", "--", len(devs), err)
	}
	// … and finds a serial number of the latest devices, or a rare name.
	for _, text := range []string{"sn1000000", "ab6420-r2"} {
		devs, err := s.SearchDevices(ctx, warranty.Query{Owner: bigA, Text: text, Sort: warranty.SortEndDesc, Limit: 20})
		want, _ := unboundedText(t, db, bigA, text)
		if err != nil || !slices.Equal(idsOf(devs), want) {
			t.Errorf("type-ahead %q: %v, %v; want %v", text, idsOf(devs), err, want)
		}
	}
	for _, tt := range []struct {
		owner, frag string
		sort        string
		page        int
		walk, tgm   bool // the statements expected to run
	}{
		{bigA, "AnyBackup 一体机", "", 1, true, false},
		{bigA, "一体机 A", "", 1, true, false},
		{bigA, "一", "", 1, true, false},
		{bigA, "12", "", 1, true, false},
		{bigA, "-", "", 1, true, false},
		{bigA, "上海恒泰数据科技有限公司", "", 1, true, true},
		{bigA, "A", "", 1, true, false},
		{bigA, "AB", warranty.SortEndAsc, 1, true, false},
		{bigA, "AB6", "", 1, true, false},
		{bigA, "AB64", "", 1, true, false},
		{bigA, "AB642", "", 1, false, true},
		{bigA, "ab6420-r2", "", 1, false, true},
		{bigA, "anybackup", "", 8, true, false},
		{bigB, "AnyBackup 一", "", 1, true, false},
		{"SMALL7", "一体机", "", 1, true, false},
		{"SMALL7", "zz", "", 1, true, false},
	} {
		q := warranty.Query{Owner: tt.owner, Name: tt.frag, Sort: tt.sort, Offset: (tt.page - 1) * 20, Limit: 21}
		if q.Sort == "" {
			q.Sort = warranty.SortEndDesc
		}
		name := tt.owner + " " + tt.frag
		got, err := s.FindDevices(ctx, q, warranty.CountCap+1)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		again, err := s.FindDevices(ctx, q, warranty.CountCap+1)
		if err != nil || !slices.Equal(idsOf(again.Devices), idsOf(got.Devices)) || again.Count != got.Count || again.AtLeast != got.AtLeast {
			t.Errorf("%s: asked again: %+v, %v; first %+v", name, again, err, got)
		}
		want, total := unboundedSearch(t, db, q)
		if !slices.Equal(idsOf(got.Devices), want) {
			t.Errorf("%s: devices %v, want %v", name, idsOf(got.Devices), want)
		}
		switch {
		case got.AtLeast && (got.Count > total || got.Count < q.Offset+q.Limit):
			t.Errorf("%s: at least %d, but %d match", name, got.Count, total)
		case !got.AtLeast && got.Count != min(total, max(q.Offset+q.Limit, warranty.CountCap+1)):
			t.Errorf("%s: count %d, but %d match", name, got.Count, total)
		}
		for _, d := range got.Devices {
			if len(d.Lines) != 2 {
				t.Errorf("%s: device %d with %d lines", name, d.ID, len(d.Lines))
			}
		}
		frag := "%" + likeEscaper.Replace(strings.ToLower(tt.frag)) + "%"
		if tt.walk {
			plan := explain(t, db, walkSQL(q), q.Owner, walkRows, frag, "", max(q.Offset+q.Limit, warranty.CountCap+1))
			checkBounded(t, name+" (walk)", plan, walkRows+1, "devices_owner_code_max_end_idx", 0)
		}
		if tt.tgm {
			words, _ := nameWords(tt.frag)
			plan := explainCandidates(t, db, words)
			checkBounded(t, name+" (trigram)", plan, trigramRows, "devices_name_trgm_idx", trigramRows)
		}
	}
}

// unboundedSearch returns the page of q by an unbounded query, and how many
// devices match in all.
func unboundedSearch(t *testing.T, db *sqlx.DB, q warranty.Query) ([]int64, int) {
	t.Helper()
	var all []int64
	query := `SELECT id FROM devices d WHERE owner_code = $1 AND name ILIKE $2 ORDER BY ` + deviceOrder(q.Sort)
	if err := db.SelectContext(t.Context(), &all, query, q.Owner, namePattern(q.Name)); err != nil {
		t.Fatal(err)
	}
	from := min(q.Offset, len(all))
	return all[from:min(from+q.Limit, len(all))], len(all)
}

// unboundedText returns the first 20 devices of owner whose name or serial
// number contains text, by an unbounded query.
func unboundedText(t *testing.T, db *sqlx.DB, owner, text string) ([]int64, int) {
	t.Helper()
	var all []int64
	const q = `SELECT id FROM devices d WHERE owner_code = $1 AND (name ILIKE $2 OR sn ILIKE $2) ORDER BY max_end DESC, id`
	if err := db.SelectContext(t.Context(), &all, q, owner, namePattern(text)); err != nil {
		t.Fatal(err)
	}
	return all[:min(20, len(all))], len(all)
}

func idsOf(devs []warranty.Device) []int64 {
	var ids []int64
	for _, d := range devs {
		ids = append(ids, d.ID)
	}
	return ids
}

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	Type    string     `json:"Node Type"`
	Index   string     `json:"Index Name"`
	Rows    float64    `json:"Actual Rows"`
	Loops   float64    `json:"Actual Loops"`
	Fetches float64    `json:"Heap Fetches"`
	Hit     int        `json:"Shared Hit Blocks"`
	Read    int        `json:"Shared Read Blocks"`
	Plans   []planNode `json:"Plans"`
}

// explain runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of query.
func explain(t *testing.T, db *sqlx.DB, query string, args ...any) planNode {
	t.Helper()
	var js string
	if err := db.GetContext(t.Context(), &js, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+query, args...); err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	return out[0].Plan
}

// explainCandidates explains the body of warranty_name_candidates as the
// function runs it (sequential scans off).
func explainCandidates(t *testing.T, db *sqlx.DB, words string) planNode {
	t.Helper()
	tx, err := db.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var js string
	const q = `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT d.id, d.owner_code, d.max_end, d.name, d.sn FROM devices d WHERE d.name ILIKE $1 LIMIT $2`
	if err := tx.Get(&js, q, words, trigramRows); err != nil {
		t.Fatal(err)
	}
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	return out[0].Plan
}

// checkBounded fails unless the plan reads the table only through index
// (and, for heapRows 0, none of its rows), no node reads more than maxRows
// rows, and no sequential scan runs.
func checkBounded(t *testing.T, name string, p planNode, maxRows float64, index string, heapRows float64) {
	t.Helper()
	used, heap := false, 0.0
	var walk func(n planNode)
	walk = func(n planNode) {
		if n.Type == "Seq Scan" {
			t.Errorf("%s: sequential scan", name)
		}
		if n.Index == index {
			used = true
		}
		if n.Rows*max(n.Loops, 1) > maxRows && n.Type != "Bitmap Index Scan" {
			t.Errorf("%s: %s examined %.0f rows, more than %.0f", name, n.Type, n.Rows*max(n.Loops, 1), maxRows)
		}
		if n.Type == "Bitmap Heap Scan" {
			heap += n.Rows
		}
		heap += n.Fetches
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(p)
	if !used {
		t.Errorf("%s: plan without %s", name, index)
	}
	if heap > heapRows {
		t.Errorf("%s: %.0f table rows read, want at most %.0f", name, heap, heapRows)
	}
	t.Logf("%s: %d buffers", name, p.Hit+p.Read)
}
