package storetest

import (
	"fmt"
	"slices"
	"testing"

	"supportal/domain"
	"supportal/domain/warranty"
)

// named returns a line of owner code on device sn called name.
func named(code, sn, name string) rec {
	r := recOf(code, sn, "SVC-STD", "2025-01-01", "2026-01-01")
	r.device = name
	return r
}

// search runs the service's search for account and returns the SNs found.
func (w *warrantyWorld) search(t *testing.T, account int64, in warranty.SearchInput) ([]string, warranty.Result) {
	t.Helper()
	res, err := w.svc.Search(t.Context(), account, in)
	must(t, err)
	var sns []string
	for _, d := range res.Devices {
		sns = append(sns, d.SN)
	}
	return sns, res
}

// wantSNs fails unless account's search for in finds exactly want, in any order.
func (w *warrantyWorld) wantSNs(t *testing.T, account int64, in warranty.SearchInput, want ...string) {
	t.Helper()
	got, _ := w.search(t, account, in)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("search %+v by %d = %v, want %v", in, account, got, want)
	}
}

func testSearchName(t *testing.T, w *warrantyWorld) {
	w.mustImport(t, file(
		named(codeA, "SN-1", "AnyShare 存储节点 S200"),
		named(codeA, "SN-2", "AnyBackup 一体机"),
		named(codeA, "SN-3", "anydata 图谱计算节点"),
		named(codeA, "SN-4", "Rack 100%"),
		named(codeA, "SN-5", "Rack_5"),
		named(codeA, "SN-6", `Rack\6`),
	), warranty.ModeUpsert, warranty.Counts{Read: 6, Inserted: 6})
	for _, tt := range []struct {
		name string
		want []string
	}{
		{"anyshare", []string{"SN-1"}},
		{"ANY", []string{"SN-1", "SN-2", "SN-3"}},
		{"  backup ", []string{"SN-2"}},
		{"存储", []string{"SN-1"}},
		{"节点", []string{"SN-1", "SN-3"}},
		{"图", []string{"SN-3"}},
		{"%", []string{"SN-4"}},
		{"_", []string{"SN-5"}},
		{`\`, []string{"SN-6"}},
		{"rack", []string{"SN-4", "SN-5", "SN-6"}},
		{"nothing like it", nil},
		{"", []string{"SN-1", "SN-2", "SN-3", "SN-4", "SN-5", "SN-6"}},
	} {
		w.wantSNs(t, accountA, warranty.SearchInput{Name: tt.name}, tt.want...)
	}
}

func testSearchSN(t *testing.T, w *warrantyWorld) {
	withBase(t, w)
	w.wantSNs(t, accountA, warranty.SearchInput{SN: " sn-a1 "}, "SN-A1")
	w.wantSNs(t, accountA, warranty.SearchInput{SN: "SN-A"})
	w.wantSNs(t, accountA, warranty.SearchInput{SN: "SN-A%"})
	w.wantSNs(t, accountA, warranty.SearchInput{SN: "sn-a2", Name: "设备"}, "SN-A2")
	w.wantSNs(t, accountA, warranty.SearchInput{SN: "sn-a2", Name: "SN-A1"})
}

func testOwnerIsolation(t *testing.T, w *warrantyWorld) {
	w.mustImport(t, file(
		named(codeA, "SN-SHARED", "甲公司的存储"),
		named(codeA, "SN-A-ONLY", "Alpha"),
		named(codeB, "SN-SHARED", "乙公司的存储"),
	), warranty.ModeUpsert, warranty.Counts{Read: 3, Inserted: 3})
	w.wantSNs(t, accountB, warranty.SearchInput{SN: "SN-A-ONLY"})
	w.wantSNs(t, accountB, warranty.SearchInput{Name: "alpha"})
	w.wantSNs(t, accountB, warranty.SearchInput{Name: "甲"})
	w.wantSNs(t, accountB, warranty.SearchInput{}, "SN-SHARED")
	_, res := w.search(t, accountB, warranty.SearchInput{SN: "SN-SHARED"})
	if len(res.Devices) != 1 || res.Devices[0].Name != "乙公司的存储" || res.Devices[0].OwnerCode != codeB {
		t.Errorf("B's SN-SHARED = %+v", res.Devices)
	}
	w.wantSNs(t, accountC, warranty.SearchInput{})
	_, err := w.svc.Search(t.Context(), 99, warranty.SearchInput{})
	wantError(t, "unverified search", err, domain.Forbidden, "error.verification.required")
}

func testSortByEnd(t *testing.T, w *warrantyWorld) {
	// A device sorts by the latest end date of its lines.
	recs := []rec{
		recOf(codeA, "SN-MID", "SVC-STD", "2025-01-01", "2026-06-30"),
		recOf(codeA, "SN-LATE", "SVC-STD", "2020-01-01", "2021-01-01"),
		recOf(codeA, "SN-LATE", "SVC-UPG", "2025-01-01", "2028-01-01"),
		recOf(codeA, "SN-EARLY", "SVC-STD", "2024-01-01", "2025-01-01"),
	}
	w.mustImport(t, file(recs...), warranty.ModeUpsert, warranty.Counts{Read: 4, Inserted: 4})
	desc, _ := w.search(t, accountA, warranty.SearchInput{})
	asc, _ := w.search(t, accountA, warranty.SearchInput{Sort: warranty.SortEndAsc})
	if !slices.Equal(desc, []string{"SN-LATE", "SN-MID", "SN-EARLY"}) || !slices.Equal(asc, []string{"SN-EARLY", "SN-MID", "SN-LATE"}) {
		t.Errorf("desc %v, asc %v", desc, asc)
	}
	if d := w.find(t, codeA, "SN-LATE"); d.Lines[0].SKU != "SVC-UPG" || d.Lines[1].SKU != "SVC-STD" {
		t.Errorf("lines of SN-LATE = %+v, want the latest end first", d.Lines)
	}
	// Without its latest line SN-LATE ends first.
	w.mustImport(t, file(recs[0], recs[1], recs[3]), warranty.ModeSnapshot, warranty.Counts{Read: 3, Unchanged: 3, Removed: 1})
	if asc, _ = w.search(t, accountA, warranty.SearchInput{Sort: warranty.SortEndAsc}); !slices.Equal(asc, []string{"SN-LATE", "SN-EARLY", "SN-MID"}) {
		t.Errorf("asc after the snapshot = %v", asc)
	}
	// A longer line moves it back.
	longer := recs[1]
	longer.end = "2030-01-01"
	w.mustImport(t, file(longer), warranty.ModeUpsert, warranty.Counts{Read: 1, Updated: 1})
	if desc, _ = w.search(t, accountA, warranty.SearchInput{}); !slices.Equal(desc, []string{"SN-LATE", "SN-MID", "SN-EARLY"}) {
		t.Errorf("desc after the update = %v", desc)
	}
}

// devicesOf returns n lines of owner code on n devices, all ending on other days.
func devicesOf(code string, n int) []rec {
	recs := make([]rec, n)
	for i := range recs {
		end := day("2026-01-01").AddDate(0, 0, i).Format("2006-01-02")
		recs[i] = recOf(code, fmt.Sprintf("SN-%04d", i), "SVC-STD", "2025-01-01", end)
	}
	return recs
}

func testPaging(t *testing.T, w *warrantyWorld) {
	n := warranty.PageSize + 5
	w.mustImport(t, file(devicesOf(codeA, n)...), warranty.ModeUpsert, warranty.Counts{Read: n, Inserted: n})
	p1, r1 := w.search(t, accountA, warranty.SearchInput{Page: 1, Sort: warranty.SortEndAsc})
	p2, r2 := w.search(t, accountA, warranty.SearchInput{Page: 2, Sort: warranty.SortEndAsc})
	p3, r3 := w.search(t, accountA, warranty.SearchInput{Page: 3, Sort: warranty.SortEndAsc})
	if len(p1) != warranty.PageSize || !r1.Page.HasNext || len(p2) != 5 || r2.Page.HasNext || len(p3) != 0 || r3.Page.HasNext {
		t.Fatalf("pages of %d, %d, %d (next %v, %v, %v)", len(p1), len(p2), len(p3), r1.Page.HasNext, r2.Page.HasNext, r3.Page.HasNext)
	}
	if got := append(p1, p2...); got[0] != "SN-0000" || got[n-1] != fmt.Sprintf("SN-%04d", n-1) || !slices.IsSorted(got) {
		t.Errorf("pages = %v, want every device once, earliest end first", got)
	}
	if r1.Page.Total != n || r1.Page.Capped || r3.Page.Total != n {
		t.Errorf("totals %d (capped %v), %d; want %d", r1.Page.Total, r1.Page.Capped, r3.Page.Total, n)
	}
}

func testCountCapped(t *testing.T, w *warrantyWorld) {
	n := warranty.CountCap + 5
	w.mustImport(t, file(devicesOf(codeA, n)...), warranty.ModeUpsert, warranty.Counts{Read: n, Inserted: n})
	_, res := w.search(t, accountA, warranty.SearchInput{})
	if res.Page.Total != warranty.CountCap || !res.Page.Capped || !res.Page.HasNext || len(res.Devices) != warranty.PageSize {
		t.Errorf("capped search: total %d capped %v next %v, %d devices", res.Page.Total, res.Page.Capped, res.Page.HasNext, len(res.Devices))
	}
	ctx := t.Context()
	for _, tt := range []struct {
		q    warranty.Query
		upTo int
		want int
	}{
		{warranty.Query{Owner: codeA}, 7, 7},
		{warranty.Query{Owner: codeA}, 1000, n},
		{warranty.Query{Owner: codeA, Name: "SN-000"}, 100, 10},
		{warranty.Query{Owner: codeA, SN: "SN-0001"}, 100, 1},
		{warranty.Query{Owner: codeB}, 100, 0},
	} {
		tt.q.Limit = 5
		got, err := w.s.FindDevices(ctx, tt.q, tt.upTo)
		if err != nil || got.Count != tt.want || got.AtLeast || len(got.Devices) != min(5, tt.want) {
			t.Errorf("FindDevices(%+v, %d) = %d devices, count %d (at least %v), %v; want %d", tt.q, tt.upTo, len(got.Devices), got.Count, got.AtLeast, err, tt.want)
		}
	}
}
