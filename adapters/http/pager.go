package http

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"supportal/domain/page"
)

// Pager is the data of views/partials/pager.html: the links of one page of
// a list, each keeping the list's query.
type Pager struct {
	Label  string // message id of the navigation's accessible name
	Target string // id of the element htmx replaces, "" for plain links
	Prev   string // URL of the previous page, "" on the first
	Next   string // URL of the next page, "" on the last
	Links  []PagerLink
	From   int // 1-based range of the page's rows, 0 when it has none
	To     int
	Total  int  // the count as shown (page.Page.Shown)
	Capped bool // Total is a lower bound: "more than 200"
	// Range and RangeCapped are the message ids of the range (From, To,
	// Count): "pager.range" and "pager.range_capped" count rows (条); a
	// list of other things names its own unit, the same wording its
	// summary uses.
	Range       string
	RangeCapped string
}

// PagerLink is one numbered page, or a gap between numbers.
type PagerLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// NewPager returns the links of p on the current path. The links keep q, or
// when q is nil the request's own query, with only the page number changed
// (and left out for the first page). target names the element an htmx
// request replaces; label names the navigation.
func NewPager(c *fiber.Ctx, p page.Page, q url.Values, label, target string) Pager {
	if q == nil {
		q = url.Values{}
		c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	}
	path := string(c.Request().URI().Path())
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("page")
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	pg := Pager{Label: label, Target: target, From: p.From, To: p.To, Range: "pager.range", RangeCapped: "pager.range_capped"}
	pg.Total, pg.Capped = p.Shown()
	if n := p.Prev(); n > 0 {
		pg.Prev = link(n)
	}
	if p.HasNext {
		pg.Next = link(p.Number + 1)
	}
	if pg.Prev == "" && pg.Next == "" {
		return pg // one page: no numbers either
	}
	for _, n := range p.Numbers() {
		if n == 0 {
			pg.Links = append(pg.Links, PagerLink{Gap: true})
			continue
		}
		pg.Links = append(pg.Links, PagerLink{Number: n, URL: link(n), Current: n == p.Number})
	}
	return pg
}
