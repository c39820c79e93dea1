package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/warranty"
)

// WarrantyStore keeps devices, service lines and import runs in memory, with
// the behaviour of the PostgreSQL store: one import at a time, a batch
// visible only once committed, the same merge counts and lookup order. It is
// safe for concurrent use and never hands out pointers into its own state.
type WarrantyStore struct {
	mu        sync.Mutex
	devices   map[deviceKey]device
	lastID    int64 // of devices
	importing bool
	runs      []warranty.Run // by id, from 1
	tx        *WarrantyTx    // the batches commit through it
}

var (
	_ warranty.Importer = (*WarrantyStore)(nil)
	_ warranty.Runs     = (*WarrantyStore)(nil)
	_ warranty.Lookup   = (*WarrantyStore)(nil)
)

// NewWarrantyStore returns an empty store.
func NewWarrantyStore() *WarrantyStore {
	return &WarrantyStore{devices: make(map[deviceKey]device)}
}

// The errors the store returns, as the PostgreSQL store does.
var (
	errImportRunning = domain.E(domain.Conflict, "import.error.running")
	errRunNotFound   = domain.E(domain.NotFound, "error.not_found")
)

// deviceKey identifies a device: its serial number within its owner.
type deviceKey struct{ owner, sn string }

// lineKey identifies a service line within its device.
type lineKey struct {
	sku   string
	start time.Time
}

// device is a stored device; its lines are keyed, their values carry all.
type device struct {
	id                       int64
	ownerName, name, orderNo string
	lines                    map[lineKey]warranty.Line
}

// clone returns d with its own copy of the lines.
func (d device) clone() device {
	d.lines = maps.Clone(d.lines)
	return d
}

// maxEnd returns the latest end date of d's lines.
func (d device) maxEnd() time.Time {
	var m time.Time
	for _, l := range d.lines {
		if l.End.After(m) {
			m = l.End
		}
	}
	return m
}

// public returns d as the lookup returns it: lines latest end date first,
// then latest start, then by SKU.
func (d device) public(k deviceKey) warranty.Device {
	out := warranty.Device{ID: d.id, OwnerCode: k.owner, OwnerName: d.ownerName, Name: d.name, SN: k.sn,
		OrderNo: d.orderNo}
	for _, l := range d.lines {
		out.Lines = append(out.Lines, l)
	}
	slices.SortFunc(out.Lines, func(a, b warranty.Line) int {
		if c := b.End.Compare(a.End); c != 0 {
			return c
		}
		if c := b.Start.Compare(a.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.SKU, b.SKU)
	})
	return out
}

// StartRun records a run and fills r.ID.
func (s *WarrantyStore) StartRun(_ context.Context, r *warranty.Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ID = int64(len(s.runs) + 1)
	s.runs = append(s.runs, storedRun(*r))
	return nil
}

// FinishRun stores the outcome of the run r.ID. It returns NotFound
// (error.not_found) when no run has that id.
func (s *WarrantyStore) FinishRun(_ context.Context, r warranty.Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ID < 1 || r.ID > int64(len(s.runs)) {
		return errRunNotFound
	}
	cur := &s.runs[r.ID-1]
	cur.FinishedAt, cur.Status, cur.Counts = dbTime(r.FinishedAt), r.Status, r.Counts
	cur.Errors, cur.Message = slices.Clone(r.Errors), r.Message
	return nil
}

// storedRun returns r as the PostgreSQL store keeps it.
func storedRun(r warranty.Run) warranty.Run {
	r.StartedAt, r.FinishedAt = dbTime(r.StartedAt), dbTime(r.FinishedAt)
	r.Errors = slices.Clone(r.Errors)
	return r
}

// LastSuccess returns when the last successful run finished.
func (s *WarrantyStore) LastSuccess(context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	ok := false
	for _, r := range s.runs {
		if r.Status == warranty.RunSucceeded && (!ok || r.FinishedAt.After(last)) {
			last, ok = r.FinishedAt, true
		}
	}
	return last, ok, nil
}

// RunByID returns the recorded run id. It returns NotFound
// (error.not_found) when no run has that id.
func (s *WarrantyStore) RunByID(_ context.Context, id int64) (warranty.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > int64(len(s.runs)) {
		return warranty.Run{}, errRunNotFound
	}
	return storedRun(s.runs[id-1]), nil
}

// matches reports whether the device k, d is one of q's.
func matches(q warranty.Query, k deviceKey, d device) bool {
	text := strings.ToLower(q.Text)
	return k.owner == q.Owner && (q.SN == "" || k.sn == q.SN) && (q.ID == 0 || d.id == q.ID) &&
		(q.Name == "" || strings.Contains(strings.ToLower(d.name), strings.ToLower(q.Name))) &&
		(text == "" || strings.Contains(strings.ToLower(d.name), text) || strings.Contains(strings.ToLower(k.sn), text))
}

// SearchDevices returns at most q.Limit devices of q.Owner matching q, in the
// PostgreSQL store's order: latest end date first then by id, or for
// SortEndAsc earliest first then by id, highest first.
func (s *WarrantyStore) SearchDevices(ctx context.Context, q warranty.Query) ([]warranty.Device, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		return nil, nil
	}
	devs := s.matching(q)
	devs = devs[min(max(q.Offset, 0), len(devs)):]
	return devs[:min(q.Limit, len(devs))], nil
}

// EachDevice calls fn for every device of q.Owner matching q, in
// SearchDevices' order, from one snapshot: the matching devices are copied
// at once, and fn runs outside the store's lock.
func (s *WarrantyStore) EachDevice(ctx context.Context, q warranty.Query, fn func(warranty.Device) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, d := range s.matching(q) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

// matching returns copies of the devices of q.Owner matching q, sorted.
func (s *WarrantyStore) matching(q warranty.Query) []warranty.Device {
	type hit struct {
		end time.Time
		dev warranty.Device
	}
	s.mu.Lock()
	var hits []hit
	for k, d := range s.devices {
		if matches(q, k, d) {
			hits = append(hits, hit{d.maxEnd(), d.public(k)})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(hits, func(a, b hit) int {
		if q.Sort == warranty.SortEndAsc {
			return cmp.Or(a.end.Compare(b.end), cmp.Compare(b.dev.ID, a.dev.ID))
		}
		return cmp.Or(b.end.Compare(a.end), cmp.Compare(a.dev.ID, b.dev.ID))
	})
	out := make([]warranty.Device, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.dev)
	}
	return out
}

// FindDevices returns the page of q (as SearchDevices) and the number of
// matching devices up to upTo; this store always counts exactly.
func (s *WarrantyStore) FindDevices(ctx context.Context, q warranty.Query, upTo int) (warranty.Found, error) {
	devs, err := s.SearchDevices(ctx, q)
	if err != nil {
		return warranty.Found{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, d := range s.devices {
		if n >= upTo {
			break
		}
		if matches(q, k, d) {
			n++
		}
	}
	return warranty.Found{Devices: devs, Count: n}, nil
}

// ActiveLines returns the distinct services of owner's lines active on day,
// with the earliest start and latest end of each, by SKU, as the PostgreSQL
// store does.
func (s *WarrantyStore) ActiveLines(ctx context.Context, owner string, day time.Time) ([]warranty.Line, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	y, m, dd := day.Date()
	day = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	s.mu.Lock()
	defer s.mu.Unlock()
	type svc struct{ sku, name string }
	seen := map[svc]warranty.Line{}
	for k, d := range s.devices {
		if k.owner != owner {
			continue
		}
		for _, l := range d.lines {
			if l.Start.After(day) || l.End.Before(day) {
				continue
			}
			key := svc{l.SKU, l.ServiceName}
			if o, ok := seen[key]; ok {
				if o.Start.Before(l.Start) {
					l.Start = o.Start
				}
				if o.End.After(l.End) {
					l.End = o.End
				}
			}
			seen[key] = l
		}
	}
	out := make([]warranty.Line, 0, len(seen))
	for _, l := range seen {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b warranty.Line) int {
		return cmp.Or(cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.ServiceName, b.ServiceName))
	})
	return out, nil
}
