package warranty

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
	"supportal/domain/memo"
	"supportal/domain/page"
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
	CountCap    = 200 // counts stop here and show "more than 200"
	maxNameFrag = 100
)

// Pages bound the lookup's pages: 20 devices each, at most 1000 pages deep.
var Pages = page.Limits{DefaultSize: PageSize, MaxSize: PageSize, MaxNumber: 1000}

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
	in.Page = Pages.Request(in.Page, 0).Number
	return in
}

// Result is one page of the lookup.
type Result struct {
	Input   SearchInput
	Devices []Device
	// Page is where the devices stand in the whole result; its total stops
	// at CountCap ("more than 200").
	Page page.Page
}

// owner returns the verified credit code that scopes every query of the
// caller's company.
func (s *Service) owner(ctx context.Context, companyID int64) (string, error) {
	code, err := s.d.Verifications.VerifiedCreditCode(ctx, companyID)
	if err != nil {
		return "", err
	}
	if code == "" {
		return "", domain.E(domain.Forbidden, "error.verification.required")
	}
	return code, nil
}

// Search returns one page of the devices of the caller's company (the
// signed-in account's company id, 0 for none) matching in. Another
// company's devices can never match: the owner comes from the verification
// port, not from the request.
func (s *Service) Search(ctx context.Context, companyID int64, in SearchInput) (Result, error) {
	owner, err := s.owner(ctx, companyID)
	if err != nil {
		return Result{}, err
	}
	in = in.Normalize()
	req := Pages.Request(in.Page, 0)
	q := Query{Owner: owner, Name: in.Name, SN: in.SN, Sort: in.Sort, Offset: req.Offset(), Limit: req.Limit()}
	found, err := s.d.Lookup.FindDevices(ctx, q, CountCap+1)
	if err != nil {
		return Result{}, err
	}
	devs, more := page.Cut(req, found.Devices)
	n, limit := found.Count, CountCap
	if found.AtLeast && n <= CountCap {
		// n devices are known to match, perhaps more: "more than n-1"
		// (the store counts at least the page and one more).
		limit = n - 1
	}
	return Result{Input: in, Devices: devs, Page: req.Page(len(devs), more, n, limit)}, nil
}

// Export calls fn for every device matching in (the whole result, every
// page, in its order, from one snapshot), for the CSV and XLSX downloads.
// The page of in is ignored; companyID is the caller's company, as for Search.
func (s *Service) Export(ctx context.Context, companyID int64, in SearchInput, fn func(Device) error) error {
	owner, err := s.owner(ctx, companyID)
	if err != nil {
		return err
	}
	in = in.Normalize()
	return s.d.Lookup.EachDevice(ctx, Query{Owner: owner, Name: in.Name, SN: in.SN, Sort: in.Sort}, fn)
}
