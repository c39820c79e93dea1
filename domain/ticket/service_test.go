package ticket_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/domain"
	"supportal/domain/ticket"
	"supportal/ports"
)

// people are the accounts of the tests; agents are those with an agent or
// admin role.
type people struct {
	mu      sync.Mutex
	byID    map[int64]ticket.Person
	fail    error // Agents fails with it
	failFor int64 // Person fails for this account
}

func (p *people) Person(_ context.Context, id int64) (ticket.Person, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id == p.failFor {
		return ticket.Person{}, errors.New("directory down")
	}
	if x, ok := p.byID[id]; ok {
		return x, nil
	}
	return ticket.Person{}, domain.E(domain.NotFound, "error.account.not_found")
}

func (p *people) Agents(context.Context) ([]ticket.Person, error) {
	if p.fail != nil {
		return nil, p.fail
	}
	var out []ticket.Person
	for id := int64(1); id < 100; id++ {
		if x, ok := p.byID[id]; ok && x.Staff && (x.Role == "agent" || x.Role == "admin") {
			out = append(out, x)
		}
	}
	return out, nil
}

// verified are the verified companies.
type verified map[int64]bool

func (v verified) VerifiedCreditCode(_ context.Context, companyID int64) (string, error) {
	if v[companyID] {
		return "91310000MA1K000000", nil
	}
	return "", domain.E(domain.Forbidden, "error.verification.required")
}

// devices are the devices of each company.
type devices map[int64][]ticket.Device

func (d devices) DeviceBySN(_ context.Context, companyID int64, sn string) (ticket.Device, error) {
	for _, x := range d[companyID] {
		if x.SN == sn {
			return x, nil
		}
	}
	return ticket.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (d devices) DeviceByID(_ context.Context, companyID, id int64) (ticket.Device, error) {
	for _, x := range d[companyID] {
		if x.ID == id {
			return x, nil
		}
	}
	return ticket.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (d devices) Suggest(_ context.Context, companyID int64, q string, limit int) ([]ticket.Device, error) {
	var out []ticket.Device
	for _, x := range d[companyID] {
		if len(out) < limit && (strings.Contains(strings.ToLower(x.SN), strings.ToLower(q)) || strings.Contains(x.Name, q)) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (d devices) CompanyLines(_ context.Context, companyID int64, at time.Time) ([]ticket.Line, error) {
	var out []ticket.Line
	for _, x := range d[companyID] {
		for _, l := range x.Lines {
			if !at.Before(l.Start) && at.Before(l.End) {
				out = append(out, l)
			}
		}
	}
	return out, nil
}

// clocks is a fixed 24×7 computation: an active line covers; the first
// response is due 30 min, 2 h, 8 h or 24 h after creation by priority and
// met by the first public staff reply; resolution is due ten times later
// and does not run while waiting for the customer.
type clocks struct{}

func (clocks) Entitle(_ context.Context, lines []ticket.Line, at time.Time) (ticket.Entitlement, error) {
	var e ticket.Entitlement
	for _, l := range lines {
		if l.End.After(e.LastEnd) {
			e.LastEnd = l.End
		}
		if !at.Before(l.Start) && at.Before(l.End) {
			e.Covered, e.Tier, e.TierName = true, "premium", "sla.tier.premium"
		}
	}
	return e, nil
}

var firstResponse = map[ticket.Priority]time.Duration{1: 30 * time.Minute, 2: 2 * time.Hour, 3: 8 * time.Hour, 4: 24 * time.Hour}

func (clocks) State(_ context.Context, t ticket.Ticket, hist []ticket.Event, now time.Time) (ticket.SLAState, error) {
	var st ticket.SLAState
	created := t.CreatedAt
	fr := &st.FirstResponse
	fr.Due = created.Add(firstResponse[t.Priority])
	for _, e := range hist {
		if e.Kind == ticket.EventStaffReply && !fr.Met {
			fr.Met, fr.MetAt = true, e.At
		}
	}
	fr.Running = !fr.Met
	fr.Breached = (fr.Met && fr.MetAt.After(fr.Due)) || (!fr.Met && now.After(fr.Due))
	res := &st.Resolution
	res.Due = created.Add(10 * firstResponse[t.Priority])
	res.Running = t.Status == ticket.StatusNew || t.Status == ticket.StatusInProgress
	res.Paused = t.Status == ticket.StatusWaiting
	for _, g := range []ticket.Target{*fr, *res} {
		if g.Running && (st.NextDue.IsZero() || g.Due.Before(st.NextDue)) {
			st.NextDue = g.Due
		}
	}
	return st, nil
}

// The accounts of the tests.
const (
	custA  = 1 // 王敏 of company A, zh-CN, Asia/Shanghai
	custA2 = 2 // Lily of company A, en
	custB  = 3 // of company B
	unver  = 4 // of company C, not verified
	agent1 = 10
	agent2 = 11
	admin  = 12
	review = 13
	coA    = 100
	coB    = 200
	coC    = 300
	devOK  = 501 // A's covered device
	devOld = 502 // A's device whose line ended
	devB   = 601 // B's device
)

var (
	asA     = ticket.Actor{AccountID: custA, CompanyID: coA}
	asA2    = ticket.Actor{AccountID: custA2, CompanyID: coA}
	asB     = ticket.Actor{AccountID: custB, CompanyID: coB}
	asUnver = ticket.Actor{AccountID: unver, CompanyID: coC}
	asAg1   = ticket.Actor{AccountID: agent1, StaffRole: "agent"}
	asAg2   = ticket.Actor{AccountID: agent2, StaffRole: "agent"}
	asAdmin = ticket.Actor{AccountID: admin, StaffRole: "admin"}
	asRev   = ticket.Actor{AccountID: review, StaffRole: "reviewer"}
)

var t0 = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai

type env struct {
	svc    *ticket.Service
	store  *memory.TicketStore
	outbox *memory.Outbox
	audit  *memory.Audit
	files  *memory.FileStore
	people *people
	now    *time.Time
}

func newEnv(t *testing.T, l ticket.Limits) *env {
	t.Helper()
	now := t0
	ppl := &people{byID: map[int64]ticket.Person{
		custA:  {ID: custA, CompanyID: coA, CompanyName: "上海示例数据科技有限公司", Name: "王敏", Email: "wang@example.com", Phone: "13800000000", Lang: "zh-CN", TimeZone: "Asia/Shanghai"},
		custA2: {ID: custA2, CompanyID: coA, CompanyName: "上海示例数据科技有限公司", Name: "Lily", Email: "lily@example.com", Lang: "en", TimeZone: "Europe/London"},
		custB:  {ID: custB, CompanyID: coB, CompanyName: "深圳新客户科技有限公司", Name: "李雷", Email: "li@example.com", Lang: "zh-CN", TimeZone: "Asia/Shanghai"},
		unver:  {ID: unver, CompanyID: coC, Name: "Ann", Email: "ann@example.com", Lang: "en"},
		agent1: {ID: agent1, Name: "Agent One", Email: "a1@example.com", Lang: "en", TimeZone: "UTC", Staff: true, Role: "agent"},
		agent2: {ID: agent2, Name: "赵工", Email: "a2@example.com", Lang: "zh-CN", TimeZone: "Asia/Shanghai", Staff: true, Role: "agent"},
		admin:  {ID: admin, Name: "Admin", Email: "admin@example.com", Lang: "en", Staff: true, Role: "admin"},
		review: {ID: review, Name: "Rev", Email: "rev@example.com", Lang: "en", Staff: true, Role: "reviewer"},
	}}
	devs := newEnvDevices()
	e := &env{store: memory.NewTicketStore(), outbox: memory.NewOutbox(), audit: memory.NewAudit(), files: memory.NewFileStore(), people: ppl, now: &now}
	e.svc = ticket.NewService(ticket.Deps{Tickets: e.store, Threads: e.store, Tx: memory.NewTicketTx(e.store, e.outbox, e.audit),
		People: ppl, Verified: verified{coA: true, coB: true}, Devices: devs, Clocks: clocks{},
		Files: e.files, Sniffer: sniff.Sniffer{}, Now: func() time.Time { return *e.now }, Limits: l})
	return e
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func upload(name string, data []byte) ticket.Upload {
	return ticket.Upload{Name: name, Size: int64(len(data)), R: bytes.NewReader(data)}
}

func input() ticket.Input {
	return ticket.Input{Category: ticket.CategoryFault, Priority: ticket.P2, Title: "阵列告警", Description: "控制器 B 离线\n请协助", Phone: "13800000000", DeviceID: devOK}
}

// open creates a ticket for the actor or fails the test.
func (e *env) open(t *testing.T, a ticket.Actor, in ticket.Input) ticket.Ticket {
	t.Helper()
	tk, err := e.svc.Create(context.Background(), a, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return tk
}

// notices returns the notices enqueued since the index from, by template.
func (e *env) notices(from int) []ports.Notice { return e.outbox.Notices()[from:] }

func kindKey(err error) (domain.Kind, string) {
	if err == nil {
		return -1, ""
	}
	de := domain.As(err)
	return de.Kind, de.Key
}

func fieldKeys(err error) map[string]string {
	out := map[string]string{}
	var es domain.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			out[e.Field] = e.Key
		}
		return out
	}
	if de := domain.As(err); de.Field != "" {
		out[de.Field] = de.Key
	}
	return out
}

func loaded(t ticket.Ticket) ticket.Loaded {
	return ticket.Loaded{Version: t.Version, UpdatedAt: t.UpdatedAt}
}

func (e *env) fileCount(t *testing.T) int {
	t.Helper()
	n := 0
	_ = e.files.List(context.Background(), "", time.Now().Add(time.Hour), func(ports.FileInfo) error { n++; return nil })
	return n
}

func zipBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create("app.log")
	_, _ = f.Write([]byte("started\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// newEnvDevices returns the devices of companies A and B.
func newEnvDevices() devices {
	year := 365 * 24 * time.Hour
	return devices{
		coA: {
			{ID: devOK, SN: "SN-OK-1", Name: "存储阵列 A", Lines: []ticket.Line{{SKU: "SVC-PREM-1Y", ServiceName: "高级维保", Start: t0.Add(-year), End: t0.Add(year)}}},
			{ID: devOld, SN: "SN-OLD-1", Name: "旧服务器", Lines: []ticket.Line{{SKU: "SVC-STD-1Y", ServiceName: "标准维保", Start: t0.Add(-2 * year), End: t0.Add(-year)}}},
		},
		coB: {{ID: devB, SN: "SN-B-1", Name: "B 的交换机", Lines: []ticket.Line{{SKU: "SVC-PREM-1Y", Start: t0.Add(-year), End: t0.Add(year)}}}},
	}
}

func (clocks) Remaining(_ context.Context, _ string, now, due time.Time) (time.Duration, error) {
	return due.Sub(now), nil
}
