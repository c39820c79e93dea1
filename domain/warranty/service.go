package warranty

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
	"supportal/domain/memo"
)

// Deps are the driven ports of the warranty service.
type Deps struct {
	Importer      Importer
	Runs          Runs
	Lookup        Lookup
	Verifications Verifications
	// Tx runs the units of work that record how an import ended.
	Tx  TxRunner
	Now func() time.Time
	// CacheFor is how long LastUpdated may reuse the time it read (0:
	// never). An import through this service shows at once; one run by
	// another process (the CLI) within CacheFor.
	CacheFor time.Duration
}

// Service holds the warranty use cases: import and lookup.
type Service struct {
	d       Deps
	updated *memo.Cache[struct{}, lastRun]
}

// lastRun is what LastUpdated returns.
type lastRun struct {
	at time.Time
	ok bool
}

// NewService returns the warranty service over its ports. Every port is
// required: it panics, naming the port, when one is nil.
func NewService(d Deps) *Service {
	for _, p := range []struct {
		name string
		nil  bool
	}{{"Importer", d.Importer == nil}, {"Runs", d.Runs == nil}, {"Lookup", d.Lookup == nil},
		{"Verifications", d.Verifications == nil}, {"Tx", d.Tx == nil}} {
		if p.nil {
			panic("warranty: NewService: no " + p.name)
		}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d, updated: memo.New[struct{}, lastRun](d.CacheFor, 1)}
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// Lookup limits.
const (
	PageSize    = 20
	CountCap    = 200 // counts stop here and show "200+"
	maxNameFrag = 100
)

// SearchInput is what the customer typed in 服务查询.
type SearchInput struct {
	Name string
	SN   string
	Sort string
	Page int
}

// Normalize trims the inputs, upper-cases the serial number, bounds the page
// and picks the default sort (latest end date first).
func (in SearchInput) Normalize() SearchInput {
	in.Name = strings.TrimSpace(strings.ToValidUTF8(in.Name, ""))
	if utf8.RuneCountInString(in.Name) > maxNameFrag {
		in.Name = string([]rune(in.Name)[:maxNameFrag])
	}
	in.SN = NormalizeSN(strings.ToValidUTF8(in.SN, ""))
	if r := []rune(in.SN); len(r) > 64 {
		in.SN = string(r[:64])
	}
	if in.Sort != SortEndAsc {
		in.Sort = SortEndDesc
	}
	if in.Page < 1 {
		in.Page = 1
	}
	if in.Page > 1000 {
		in.Page = 1000
	}
	return in
}

// Result is one page of the lookup.
type Result struct {
	Input   SearchInput
	Devices []Device
	Total   int  // matching devices, at most CountCap
	Capped  bool // Total stopped at CountCap ("200+")
	HasNext bool
}

// owner returns the verified credit code that scopes every query of the caller.
func (s *Service) owner(ctx context.Context, accountID int64) (string, error) {
	code, err := s.d.Verifications.VerifiedCreditCode(ctx, accountID)
	if err != nil {
		return "", err
	}
	if code == "" {
		return "", domain.E(domain.Forbidden, "error.verification.required")
	}
	return code, nil
}

// Search returns one page of the caller's company's devices matching in.
// Another company's devices can never match: the owner comes from the
// verification port, not from the request.
func (s *Service) Search(ctx context.Context, accountID int64, in SearchInput) (Result, error) {
	owner, err := s.owner(ctx, accountID)
	if err != nil {
		return Result{}, err
	}
	in = in.Normalize()
	q := Query{Owner: owner, Name: in.Name, SN: in.SN, Sort: in.Sort, Offset: (in.Page - 1) * PageSize, Limit: PageSize + 1}
	devs, err := s.d.Lookup.SearchDevices(ctx, q)
	if err != nil {
		return Result{}, err
	}
	res := Result{Input: in, Devices: devs}
	if len(devs) > PageSize {
		res.Devices, res.HasNext = devs[:PageSize], true
	}
	// A page with rows and no next page tells the total; count otherwise.
	n := q.Offset + len(res.Devices)
	if res.HasNext || (len(res.Devices) == 0 && q.Offset > 0) {
		if n, err = s.d.Lookup.CountDevices(ctx, q, CountCap+1); err != nil {
			return Result{}, err
		}
	}
	res.Total, res.Capped = n, n > CountCap
	if res.Capped {
		res.Total = CountCap
	}
	return res, nil
}

// Export calls fn for every device matching in (the whole result, every
// page, in its order, from one snapshot), for the CSV and XLSX downloads.
// The page of in is ignored.
func (s *Service) Export(ctx context.Context, accountID int64, in SearchInput, fn func(Device) error) error {
	owner, err := s.owner(ctx, accountID)
	if err != nil {
		return err
	}
	in = in.Normalize()
	return s.d.Lookup.EachDevice(ctx, Query{Owner: owner, Name: in.Name, SN: in.SN, Sort: in.Sort}, fn)
}
