package page_test

import (
	"slices"
	"testing"

	"supportal/domain/page"
)

func TestLimits(t *testing.T) {
	l := page.Limits{DefaultSize: 20, MaxSize: 100, MaxNumber: 1000}
	tests := []struct {
		number, size int
		want         page.Request
		offset       int
	}{
		{1, 20, page.Request{Number: 1, Size: 20}, 0},
		{0, 0, page.Request{Number: 1, Size: 20}, 0},
		{-5, -1, page.Request{Number: 1, Size: 20}, 0},
		{4, 20, page.Request{Number: 4, Size: 20}, 60},
		{1001, 20, page.Request{Number: 1000, Size: 20}, 19980},
		{2, 500, page.Request{Number: 2, Size: 100}, 100},
		{3, 1, page.Request{Number: 3, Size: 1}, 2},
	}
	for _, tt := range tests {
		r := l.Request(tt.number, tt.size)
		if r != tt.want || r.Offset() != tt.offset || r.Limit() != r.Size+1 {
			t.Errorf("Request(%d, %d) = %+v offset %d limit %d, want %+v offset %d", tt.number, tt.size, r, r.Offset(), r.Limit(), tt.want, tt.offset)
		}
	}
}

func TestCut(t *testing.T) {
	r := page.Request{Number: 1, Size: 3}
	if rows, more := page.Cut(r, []int{1, 2, 3, 4}); !slices.Equal(rows, []int{1, 2, 3}) || !more {
		t.Errorf("Cut of 4 = %v %v", rows, more)
	}
	if rows, more := page.Cut(r, []int{1, 2, 3}); len(rows) != 3 || more {
		t.Errorf("Cut of 3 = %v %v", rows, more)
	}
	if rows, more := page.Cut(r, []int(nil)); len(rows) != 0 || more {
		t.Errorf("Cut of none = %v %v", rows, more)
	}
}

func TestPage(t *testing.T) {
	tests := []struct {
		name        string
		req         page.Request
		rows        int
		more        bool
		total, cap  int
		want        page.Page
		pages, prev int
		numbers     []int
	}{
		{"first of 300", page.Request{Number: 1, Size: 20}, 20, true, 300, 0,
			page.Page{Number: 1, Size: 20, HasNext: true, Total: 300, From: 1, To: 20}, 15, 0, []int{1, 2, 3, 0, 15}},
		{"page 4 of 300", page.Request{Number: 4, Size: 20}, 20, true, 300, 0,
			page.Page{Number: 4, Size: 20, HasPrev: true, HasNext: true, Total: 300, From: 61, To: 80}, 15, 3, []int{1, 2, 3, 4, 5, 6, 0, 15}},
		{"last of 300", page.Request{Number: 15, Size: 20}, 20, false, 300, 0,
			page.Page{Number: 15, Size: 20, HasPrev: true, Total: 300, From: 281, To: 300}, 15, 14, []int{1, 0, 13, 14, 15}},
		{"partial last", page.Request{Number: 2, Size: 20}, 5, false, 25, 0,
			page.Page{Number: 2, Size: 20, HasPrev: true, Total: 25, From: 21, To: 25}, 2, 1, []int{1, 2}},
		{"total without the extra row", page.Request{Number: 1, Size: 20}, 20, false, 21, 0,
			page.Page{Number: 1, Size: 20, HasNext: true, Total: 21, From: 1, To: 20}, 2, 0, []int{1, 2}},
		{"empty list", page.Request{Number: 1, Size: 20}, 0, false, 0, 0,
			page.Page{Number: 1, Size: 20}, 1, 0, []int{1}},
		{"past the end", page.Request{Number: 9, Size: 20}, 0, false, 45, 0,
			page.Page{Number: 9, Size: 20, HasPrev: true, Total: 45}, 3, 3, nil},
		{"capped", page.Request{Number: 3, Size: 20}, 20, true, 201, 200,
			page.Page{Number: 3, Size: 20, HasPrev: true, HasNext: true, Total: 200, Capped: true, From: 41, To: 60}, 0, 2, []int{1, 2, 3, 4}},
		{"capped, last page read", page.Request{Number: 12, Size: 20}, 20, false, 201, 200,
			page.Page{Number: 12, Size: 20, HasPrev: true, Total: 200, Capped: true, From: 221, To: 240}, 0, 11, []int{1, 0, 10, 11, 12}},
		{"capped past the end", page.Request{Number: 50, Size: 20}, 0, false, 201, 200,
			page.Page{Number: 50, Size: 20, HasPrev: true, Total: 200, Capped: true}, 0, 1, nil},
		{"exactly the cap", page.Request{Number: 1, Size: 20}, 20, true, 200, 200,
			page.Page{Number: 1, Size: 20, HasNext: true, Total: 200, From: 1, To: 20}, 10, 0, []int{1, 2, 3, 0, 10}},
	}
	for _, tt := range tests {
		p := tt.req.Page(tt.rows, tt.more, tt.total, tt.cap)
		if p != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, p, tt.want)
		}
		if p.Pages() != tt.pages || p.Prev() != tt.prev || !slices.Equal(p.Numbers(), tt.numbers) {
			t.Errorf("%s: pages %d prev %d numbers %v, want %d %d %v", tt.name, p.Pages(), p.Prev(), p.Numbers(), tt.pages, tt.prev, tt.numbers)
		}
	}
}

// TestShown: a range never contradicts its count. Within the cap the count
// is the cap, a lower bound; past it the page's own rows tell more (more
// than To while rows follow, exactly To on the last page).
func TestShown(t *testing.T) {
	r := func(n int) page.Request { return page.Request{Number: n, Size: 20} }
	tests := []struct {
		name  string
		p     page.Page
		count int
		more  bool
	}{
		{"not capped", r(2).Page(20, true, 300, 0), 300, false},
		{"exactly the cap", r(10).Page(20, false, 200, 200), 200, false},
		{"capped, within the cap", r(10).Page(20, true, 230, 200), 200, true},
		{"capped, past the cap, rows follow", r(11).Page(20, true, 230, 200), 220, true},
		{"capped, past the cap, last page", r(12).Page(10, false, 230, 200), 230, false},
		{"capped, past the end", r(50).Page(0, false, 230, 200), 200, true},
	}
	for _, tt := range tests {
		n, more := tt.p.Shown()
		if n != tt.count || more != tt.more {
			t.Errorf("%s: %d, %v; want %d, %v", tt.name, n, more, tt.count, tt.more)
		}
		if tt.p.To > 0 && n < tt.p.To {
			t.Errorf("%s: count %d below the range's end %d", tt.name, n, tt.p.To)
		}
	}
}
