package report_test

import (
	"context"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/adapters/sniff"
	"supportal/domain"
	"supportal/domain/ticket"
	"supportal/domain/ticket/report"
	"supportal/domain/ticket/sla"
)

// The accounts and companies of the tests.
const (
	customer, agent = 1, 2
	company         = 10
)

type people struct{}

func (people) Person(_ context.Context, id int64) (ticket.Person, error) {
	switch id {
	case customer:
		return ticket.Person{ID: customer, CompanyID: company, CompanyName: "上海示例数据科技有限公司", Name: "王敏", Lang: "zh-CN"}, nil
	case agent:
		return ticket.Person{ID: agent, Name: "赵工", Lang: "zh-CN", Staff: true, Role: ticket.StaffAgent}, nil
	}
	return ticket.Person{}, domain.E(domain.NotFound, "error.account.not_found")
}

func (people) Agents(context.Context) ([]ticket.Person, error) { return nil, nil }

type verified struct{}

func (verified) VerifiedCreditCode(context.Context, int64) (string, error) {
	return "91310000MA1K000000", nil
}

// devices are a 7×24 (premium) and a 5×8 (standard) device of the company.
type devices struct{}

var devs = map[string]ticket.Device{
	"SN-PREM": {ID: 1, SN: "SN-PREM", Lines: []ticket.Line{{SKU: "SVC-PREM-1Y", Start: day(2026, 1, 1), End: day(2027, 12, 31)}}},
	"SN-STD":  {ID: 2, SN: "SN-STD", Lines: []ticket.Line{{SKU: "SVC-STD-1Y", Start: day(2026, 1, 1), End: day(2027, 12, 31)}}},
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func (devices) DeviceBySN(_ context.Context, _ int64, sn string) (ticket.Device, error) {
	if d, ok := devs[sn]; ok {
		return d, nil
	}
	return ticket.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (devices) DeviceByID(context.Context, int64, int64) (ticket.Device, error) {
	return ticket.Device{}, domain.E(domain.NotFound, "error.device.not_found")
}

func (devices) Suggest(context.Context, int64, string, int) ([]ticket.Device, error) { return nil, nil }

func (devices) CompanyLines(context.Context, int64, time.Time) ([]ticket.Line, error) {
	return nil, nil
}

// env is the ticket service over the memory store with the real SLA engine
// (the default tiers and calendars), and the reports over the same store.
type env struct {
	t       *testing.T
	now     time.Time
	store   *memory.TicketStore
	tickets *ticket.Service
	reports *report.Service
}

func newEnv(t *testing.T, start time.Time) *env {
	e := &env{t: t, now: start, store: memory.NewTicketStore()}
	clock := func() time.Time { return e.now }
	e.tickets = ticket.NewService(ticket.Deps{Tickets: e.store, Threads: e.store,
		Tx: memory.NewTicketTx(e.store, memory.NewOutbox(), memory.NewAudit()), People: people{}, Verified: verified{},
		Devices: devices{}, Clocks: sla.NewEngine(memory.NewSLAStore(sla.Default(nil))), Files: memory.NewFileStore(),
		Sniffer: sniff.Sniffer{}, Now: clock})
	e.reports = report.NewService(e.store, clock)
	return e
}

var (
	cust  = ticket.Actor{AccountID: customer, CompanyID: company}
	staff = ticket.Actor{AccountID: agent, StaffRole: ticket.StaffAgent}
)

func (e *env) open(sn string, p ticket.Priority) ticket.Ticket {
	e.t.Helper()
	t, err := e.tickets.Create(e.t.Context(), cust, ticket.Input{Category: ticket.CategoryFault, Priority: p,
		Title: "阵列告警", Description: "描述", DeviceSN: sn})
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

func (e *env) at(d time.Duration, fn func(ctx context.Context) error) {
	e.t.Helper()
	e.now = e.now.Add(d)
	if err := fn(e.t.Context()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) reply(id int64) func(context.Context) error {
	return func(ctx context.Context) error {
		_, _, err := e.tickets.StaffReply(ctx, staff, id, ticket.Loaded{}, ticket.StaffInput{Body: "已处理。"})
		return err
	}
}

func (e *env) status(id int64, s ticket.Status) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := e.tickets.SetStatus(ctx, staff, id, ticket.Loaded{}, s)
		return err
	}
}

func (e *env) customerReply(id int64) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := e.tickets.Reply(ctx, cust, id, "还有问题。", nil)
		return err
	}
}

// page is what the ticket's page says about a metric: breached, met in
// time, or neither.
func page(tg ticket.Target) ticket.Outcome {
	switch {
	case tg.Breached:
		return ticket.OutcomeBreached
	case tg.Met:
		return ticket.OutcomeMet
	}
	return ticket.OutcomePending
}

// TestOutcomesAgreeWithTheTicketPage drives tickets through replies,
// pauses, resolution and reopening on the real SLA clocks, and checks at
// several later moments (with no event in between, so that running clocks
// cross their due times on their own) that what the reports count from
// the stored fields is what the ticket page computes from the history.
func TestOutcomesAgreeWithTheTicketPage(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	e := newEnv(t, time.Date(2026, 3, 13, 17, 0, 0, 0, sh)) // a Friday, 17:00
	// 5×8 P2, 4 working hours: 1 h on Friday, answered at 10:00 on Monday.
	friday := e.open("SN-STD", ticket.P2)
	// 7×24 P1, 30 minutes: never answered.
	silent := e.open("SN-PREM", ticket.P1)
	// 7×24 P1, resolution 8 h: answered, waiting 20 h, resolved after 6 h
	// of running time (26 h of calendar time).
	paused := e.open("SN-PREM", ticket.P1)
	// 7×24 P1: waiting only after the 8 h of resolution passed.
	lateWait := e.open("SN-PREM", ticket.P1)
	// 7×24 P2 (resolution 24 h): resolved after 1 h, reopened a day later.
	reopened := e.open("SN-PREM", ticket.P2)
	// 5×8 P1, resolved without an answer after the 1 h target.
	unanswered := e.open("SN-STD", ticket.P1)

	e.at(10*time.Minute, e.reply(paused.ID))
	e.at(0, e.reply(lateWait.ID))
	e.at(0, e.reply(reopened.ID))
	e.at(50*time.Minute, e.status(paused.ID, ticket.StatusWaiting))
	e.at(0, e.status(reopened.ID, ticket.StatusResolved))
	e.at(9*time.Hour, e.status(lateWait.ID, ticket.StatusWaiting))
	e.at(11*time.Hour, e.customerReply(paused.ID)) // 21 h after creation
	e.at(5*time.Hour, e.status(paused.ID, ticket.StatusResolved))
	e.at(4*time.Hour, e.customerReply(reopened.ID)) // reopens
	e.now = time.Date(2026, 3, 16, 10, 0, 0, 0, sh)
	e.at(0, e.reply(friday.ID))
	e.at(2*time.Hour, e.status(unanswered.ID, ticket.StatusResolved)) // Monday 12:00, no answer since 18:00 on Friday
	all := []ticket.Ticket{friday, silent, paused, lateWait, reopened, unanswered}
	want := map[int64][2]ticket.Outcome{ // at the end: first response, resolution
		friday.ID:     {ticket.OutcomeMet, ticket.OutcomePending},
		silent.ID:     {ticket.OutcomeBreached, ticket.OutcomeBreached},
		paused.ID:     {ticket.OutcomeMet, ticket.OutcomeMet},
		lateWait.ID:   {ticket.OutcomeMet, ticket.OutcomeBreached},
		reopened.ID:   {ticket.OutcomeMet, ticket.OutcomeBreached},
		unanswered.ID: {ticket.OutcomeBreached, ticket.OutcomeMet},
	}
	for _, later := range []time.Duration{0, 30 * time.Minute, 50 * time.Hour, 400 * time.Hour} {
		e.now = e.now.Add(later)
		var first, res report.Tally
		for _, tk := range all {
			cur, err := e.store.Ticket(t.Context(), tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			st, err := e.tickets.SLA(t.Context(), cur)
			if err != nil {
				t.Fatal(err)
			}
			gotF, gotR := cur.FirstResponseOutcome(e.now), cur.ResolutionOutcome(e.now)
			if gotF != page(st.FirstResponse) || gotR != page(st.Resolution) {
				t.Errorf("+%v: %s (%s): report first %d resolution %d, page %d and %d (%+v)", later, cur.Number, cur.Status,
					gotF, gotR, page(st.FirstResponse), page(st.Resolution), st)
			}
			count(&first, page(st.FirstResponse))
			count(&res, page(st.Resolution))
		}
		r, err := e.reports.Report(t.Context(), staff, report.Input{From: "2026-03", To: "2026-03", Zone: sh})
		if err != nil {
			t.Fatal(err)
		}
		if m := r.SLA.ByMonth[0]; m.First != first || m.Res != res || m.Tickets != len(all) {
			t.Errorf("+%v: March = %+v, the pages say first %+v resolution %+v", later, m, first, res)
		}
		if later == 0 {
			for _, tk := range all {
				cur, _ := e.store.Ticket(t.Context(), tk.ID)
				w := want[tk.ID]
				if g := [2]ticket.Outcome{cur.FirstResponseOutcome(e.now), cur.ResolutionOutcome(e.now)}; g != w {
					t.Errorf("%s: outcomes %v, want %v", cur.Number, g, w)
				}
			}
		}
	}
}

func count(t *report.Tally, o ticket.Outcome) {
	switch o {
	case ticket.OutcomeMet:
		t.Met++
	case ticket.OutcomeBreached:
		t.Breached++
	}
}

func TestPeriod(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC) // 1 December in Shanghai
	s := report.NewService(memory.NewTicketStore(), func() time.Time { return now })
	for _, c := range []struct {
		in       report.Input
		from, to string
		n        int
	}{
		{report.Input{Zone: sh}, "2026-07", "2026-12", 6},
		{report.Input{Zone: time.UTC}, "2026-06", "2026-11", 6},
		{report.Input{From: "2026-01", Zone: sh}, "2026-01", "2026-12", 12},
		{report.Input{From: "2025-01", To: "2026-12", Zone: sh}, "2025-01", "2026-12", 24},
		{report.Input{From: "2026-03", To: "2026-03", Zone: sh}, "2026-03", "2026-03", 1},
	} {
		p, err := s.Period(c.in)
		if err != nil || p.From != c.from || p.To != c.to || len(p.Months) != c.n {
			t.Errorf("Period(%+v) = %+v, %v; want %s to %s, %d months", c.in, p, err, c.from, c.to, c.n)
		}
	}
	for _, in := range []report.Input{{From: "2026-13"}, {To: "26-01"}, {From: "2026-05", To: "2026-04"},
		{From: "2024-12", To: "2026-12"}, {From: "2026-1"}} {
		if _, err := s.Period(in); domain.KindOf(err) != domain.Invalid {
			t.Errorf("Period(%+v) = %v, want Invalid", in, err)
		}
	}
}

func TestReportFillsAndGuards(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	e := newEnv(t, time.Date(2026, 3, 11, 10, 0, 0, 0, sh))
	e.open("SN-PREM", ticket.P1)
	r, err := e.reports.Report(t.Context(), staff, report.Input{From: "2026-01", To: "2026-03", Zone: sh})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.SLA.ByMonth) != 3 || r.SLA.ByMonth[0].Key != "2026-01" || r.SLA.ByMonth[2].Tickets != 1 ||
		len(r.CSAT.Months) != 3 || r.CSAT.All.Count() != 0 {
		t.Errorf("months: SLA %+v CSAT %+v", r.SLA.ByMonth, r.CSAT.Months)
	}
	if r.Backlog.Total != 1 || len(r.Backlog.ByStatus) != 3 || len(r.Backlog.ByPriority) != 4 || len(r.Backlog.Age) != 5 ||
		r.Backlog.ByStatus[0] != (report.Count{Key: "new", N: 1}) || r.Backlog.Age[0] != (report.Count{Key: "lt1d", N: 1}) {
		t.Errorf("backlog %+v", r.Backlog)
	}
	for _, a := range []ticket.Actor{cust, {AccountID: 3, StaffRole: ticket.StaffReviewer}, {}} {
		if _, err := e.reports.Report(t.Context(), a, report.Input{Zone: sh}); domain.KindOf(err) != domain.Forbidden {
			t.Errorf("Report by %+v: %v, want Forbidden", a, err)
		}
	}
}

func TestTallyAndRatings(t *testing.T) {
	if s, ok := (report.Tally{Met: 3, Breached: 1}).Share(); !ok || s != 0.75 {
		t.Errorf("share %v %v", s, ok)
	}
	if _, ok := (report.Tally{}).Share(); ok {
		t.Error("share of nothing judged")
	}
	r := report.Ratings{Score: [5]int{1, 0, 0, 1, 2}}
	if a, ok := r.Average(); !ok || a != 3.75 || r.Count() != 4 {
		t.Errorf("average %v %v count %d", a, ok, r.Count())
	}
	for age, want := range map[time.Duration]string{0: "lt1d", 24 * time.Hour: "1to3d", 71 * time.Hour: "1to3d",
		72 * time.Hour: "3to7d", 7 * 24 * time.Hour: "7to30d", 30 * 24 * time.Hour: "gt30d"} {
		if got := report.AgeBucket(age); got != want {
			t.Errorf("AgeBucket(%v) = %s, want %s", age, got, want)
		}
	}
}
