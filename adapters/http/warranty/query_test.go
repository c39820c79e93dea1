package warranty

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	wty "supportal/domain/warranty"
)

// FuzzQuery checks that the links of the results (sorts, exports, and the
// pager's, which add the page) carry exactly the query that was shown: read
// back, they give the same normalised input.
func FuzzQuery(f *testing.F) {
	f.Add("AnyBackup 一体机", " ab3000-0001 ", "end_asc", 2)
	f.Add("a&b=c?d#e", "%zz", "", 0)
	f.Add("\xff名", "sn\x00", "end_desc", 1001)
	f.Fuzz(func(t *testing.T, name, sn, sort string, page int) {
		in := wty.SearchInput{Name: name, SN: sn, Sort: sort, Page: page}.Normalize()
		q := query(in)
		if in.Page > 1 {
			v := values(in)
			v.Set("page", strconv.Itoa(in.Page))
			q = "?" + v.Encode()
		}
		if q != "" && !strings.HasPrefix(q, "?") {
			t.Fatalf("query %q", q)
		}
		v, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
		if err != nil {
			t.Fatalf("query %q: %v", q, err)
		}
		back := wty.SearchInput{Name: v.Get("name"), SN: v.Get("sn"), Sort: v.Get("sort"), Page: 1}
		if p := v.Get("page"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				t.Fatalf("page %q", p)
			}
			back.Page = n
		}
		if back = back.Normalize(); back != in {
			t.Fatalf("%+v → %q → %+v", in, q, back)
		}
	})
}
