package warranty_test

import (
	"context"
	"fmt"
	"testing"

	"supportal/adapters/memory"
	"supportal/domain/warranty"
)

// verifiedAs verifies every company for one credit code.
type verifiedAs string

func (v verifiedAs) VerifiedCreditCode(context.Context, int64) (string, error) { return string(v), nil }

// lowerBound is a lookup that found n devices and stopped counting.
type lowerBound struct {
	*memory.WarrantyStore
	n int
}

func (l lowerBound) FindDevices(ctx context.Context, q warranty.Query, upTo int) (warranty.Found, error) {
	var devs []warranty.Device
	for i := q.Offset; i < min(l.n, q.Offset+q.Limit); i++ {
		devs = append(devs, warranty.Device{ID: int64(i + 1), SN: fmt.Sprint("SN", i)})
	}
	return warranty.Found{Devices: devs, Count: l.n, AtLeast: true}, nil
}

// TestSearchLowerBound checks the page of a search whose count the store
// stopped early: n devices known to match shows as "more than n-1" with a
// next page, and a count at or past the cap as "more than 200".
func TestSearchLowerBound(t *testing.T) {
	for _, tt := range []struct {
		n, page, total int
	}{
		{37, 1, 36},
		{41, 2, 40},
		{201, 1, warranty.CountCap},
	} {
		store := memory.NewWarrantyStore()
		svc := warranty.NewService(warranty.Deps{Importer: store, Runs: store, Lookup: lowerBound{store, tt.n},
			Tx: memory.NewWarrantyTx(store, memory.NewAudit()), Verifications: verifiedAs("91310110666007217T")})
		res, err := svc.Search(t.Context(), 1, warranty.SearchInput{Name: "AB64", Page: tt.page})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Page
		if shown, more := p.Shown(); shown != tt.total || !more || !p.Capped || !p.HasNext || len(res.Devices) != warranty.PageSize {
			t.Errorf("%d found, page %d: shown %d (more %v), capped %v, next %v, %d devices; want more than %d",
				tt.n, tt.page, shown, more, p.Capped, p.HasNext, len(res.Devices), tt.total)
		}
	}
}
