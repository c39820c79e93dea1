// Package page cuts a list into numbered pages: a bounded request, the
// offset and limit a store reads with (one row more than the page, to tell
// whether another page follows), and the page as shown, with its row range
// and a total that may stop at a cap ("more than 200").
package page

// Limits bound the requests of one list.
type Limits struct {
	DefaultSize int // the size of a request that names none
	MaxSize     int // the largest size accepted
	MaxNumber   int // the last page number accepted (OFFSET stays bounded)
}

// Request asks for page Number (from 1) of Size rows.
type Request struct {
	Number int
	Size   int
}

// Request returns the request for page number of size rows within the
// limits: a number below 1 is 1, above MaxNumber is MaxNumber; a size of 0
// or less is DefaultSize, above MaxSize is MaxSize.
func (l Limits) Request(number, size int) Request {
	if size <= 0 {
		size = l.DefaultSize
	}
	size = max(min(size, l.MaxSize), 1)
	number = max(min(number, l.MaxNumber), 1)
	return Request{Number: number, Size: size}
}

// Offset is how many rows precede the page.
func (r Request) Offset() int { return (r.Number - 1) * r.Size }

// Limit is how many rows to read: the page and one more, which tells that
// a next page exists.
func (r Request) Limit() int { return r.Size + 1 }

// Cut returns the rows of the page among rows read with Limit, and whether
// a next page exists.
func Cut[T any](r Request, rows []T) ([]T, bool) {
	if len(rows) > r.Size {
		return rows[:r.Size], true
	}
	return rows, false
}

// Page is one page of a list as shown.
type Page struct {
	Number  int
	Size    int
	HasPrev bool
	HasNext bool
	// Total is the number of rows of the whole list, at most the cap.
	Total int
	// Capped tells that counting stopped at the cap: "more than 200".
	Capped bool
	// From and To are the 1-based range of the page's rows (0 and 0 for a
	// page without rows).
	From, To int
}

// Page describes the page of r that holds rows rows; more tells that a row
// past the page was read. total is the count of the whole list; with a cap
// above 0, a total above the cap is shown as the cap, capped.
func (r Request) Page(rows int, more bool, total, cap int) Page {
	p := Page{Number: r.Number, Size: r.Size, HasPrev: r.Number > 1, Total: total}
	if cap > 0 && total > cap {
		p.Total, p.Capped = cap, true
	}
	p.HasNext = more || (!p.Capped && r.Offset()+rows < total)
	if rows > 0 {
		p.From, p.To = r.Offset()+1, r.Offset()+rows
	}
	return p
}

// Shown is the count of the whole list as a range shows it, and whether it
// is a lower bound ("more than"). Within the cap it is Total (capped or
// not). Past the cap the page tells more than the count: before the last
// page the list has more than To rows, on the last page exactly To.
func (p Page) Shown() (count int, more bool) {
	if !p.Capped || p.To <= p.Total {
		return p.Total, p.Capped
	}
	return p.To, p.HasNext
}

// Pages is the number of pages when the total is known (at least 1), or 0
// when it is capped.
func (p Page) Pages() int {
	if p.Capped {
		return 0
	}
	return max((p.Total+p.Size-1)/p.Size, 1)
}

// Past tells that the page lies past the end of the list (a bookmarked page
// of a list that shrank).
func (p Page) Past() bool { return p.Number > 1 && p.From == 0 }

// Prev is the page the previous link leads to: Number-1, or from past the
// end the last page (the first when the total is capped). 0 when there is
// none.
func (p Page) Prev() int {
	switch {
	case !p.HasPrev:
		return 0
	case p.Past() && p.Capped:
		return 1
	case p.Past():
		return min(p.Pages(), p.Number-1)
	}
	return p.Number - 1
}

// Numbers lists the page numbers to link around the current one: the first,
// the last when known, and up to two on each side of the current, with 0
// for each gap between them ("1 … 4 5 6 7 8 … 15"); none past the end.
func (p Page) Numbers() []int {
	if p.Past() {
		return nil // only the way back (Prev) leads somewhere
	}
	last := p.Pages()
	if last == 0 {
		last = p.Number
		if p.HasNext {
			last++
		}
	}
	last = max(last, p.Number)
	var out []int
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= p.Number-2 && n <= p.Number+2) {
			if len(out) > 0 && out[len(out)-1] != n-1 {
				out = append(out, 0)
			}
			out = append(out, n)
		}
	}
	return out
}
