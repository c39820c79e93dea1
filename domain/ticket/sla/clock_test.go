package sla

import (
	"bytes"
	"context"
	"testing"
	"time"

	"supportal/domain/ticket"
)

// fixed gives an Engine one configuration.
type fixed struct{ p func() Policy }

func (f fixed) Policy(context.Context) (Policy, error) { return f.p(), nil }

func engine(t *testing.T) *Engine {
	t.Helper()
	days, errs := ParseDays(bytes.NewReader(ChinaHolidays2026))
	if errs != nil {
		t.Fatal(errs)
	}
	return NewEngine(fixed{func() Policy { return Default(days) }})
}

// ev builds an event at local Shanghai time v.
func ev(t *testing.T, v string, k ticket.EventKind, from, to string) ticket.Event {
	return ticket.Event{At: at(t, zone(t, DefaultZone), v), Kind: k, From: from, To: to}
}

func status(t *testing.T, v string, from, to ticket.Status) ticket.Event {
	return ev(t, v, ticket.EventStatus, string(from), string(to))
}

func TestClocks(t *testing.T) {
	e := engine(t)
	sh := zone(t, DefaultZone)
	type want struct {
		first, next, res string // due ("" zero), Shanghai time
		firstMet, resMet bool
		firstBreached    bool
		nextRunning      bool
		resPaused        bool
		resRemaining     time.Duration
		nextDue          string
	}
	created := "2026-03-02 10:00" // a Monday
	cases := []struct {
		name    string
		tier    string
		prio    ticket.Priority
		created string
		events  []ticket.Event
		now     string
		want    want
	}{
		{name: "first response in time", tier: TierStandard, prio: ticket.P2, now: "2026-03-02 14:30",
			events: []ticket.Event{ev(t, "2026-03-02 14:00", ticket.EventStaffReply, "", ""), status(t, "2026-03-02 14:00", ticket.StatusNew, ticket.StatusInProgress)},
			want:   want{first: "2026-03-02 15:00", firstMet: true, res: "2026-03-05 10:00", nextDue: "2026-03-05 10:00", resRemaining: 24*time.Hour - 3*time.Hour - 30*time.Minute}},
		{name: "first response breached", tier: TierStandard, prio: ticket.P2, now: "2026-03-02 16:00",
			want: want{first: "2026-03-02 15:00", firstBreached: true, res: "2026-03-05 10:00", nextDue: "2026-03-02 15:00", resRemaining: 24*time.Hour - 5*time.Hour}},
		{name: "friday evening P1", tier: TierStandard, prio: ticket.P1, created: "2026-03-06 17:30", now: "2026-03-06 18:30",
			want: want{first: "2026-03-09 09:30", res: "2026-03-10 17:30", nextDue: "2026-03-09 09:30", resRemaining: 16*time.Hour - 30*time.Minute}},
		{name: "created on a holiday", tier: TierStandard, prio: ticket.P3, created: "2026-10-03 11:00", now: "2026-10-03 12:00",
			want: want{first: "2026-10-08 18:00", res: "2026-10-13 18:00", nextDue: "2026-10-08 18:00", resRemaining: 40 * time.Hour}},
		{name: "premium over the weekend", tier: TierPremium, prio: ticket.P1, created: "2026-03-07 02:00", now: "2026-03-07 02:10",
			want: want{first: "2026-03-07 02:30", res: "2026-03-07 10:00", nextDue: "2026-03-07 02:30", resRemaining: 8*time.Hour - 10*time.Minute}},
		{name: "waiting for the customer pauses resolution", tier: TierStandard, prio: ticket.P2, now: "2026-03-03 09:30",
			events: []ticket.Event{ev(t, "2026-03-02 11:00", ticket.EventStaffReply, "", ""), status(t, "2026-03-02 11:00", ticket.StatusNew, ticket.StatusWaiting)},
			want:   want{first: "2026-03-02 15:00", firstMet: true, resPaused: true, resRemaining: 23 * time.Hour}},
		{name: "the customer's answer resumes it", tier: TierStandard, prio: ticket.P2, now: "2026-03-03 10:30",
			events: []ticket.Event{ev(t, "2026-03-02 11:00", ticket.EventStaffReply, "", ""), status(t, "2026-03-02 11:00", ticket.StatusNew, ticket.StatusWaiting),
				ev(t, "2026-03-03 10:00", ticket.EventCustomerReply, "", ""), status(t, "2026-03-03 10:00", ticket.StatusWaiting, ticket.StatusInProgress)},
			want: want{first: "2026-03-02 15:00", firstMet: true, next: "2026-03-03 15:00", nextRunning: true, res: "2026-03-05 18:00",
				nextDue: "2026-03-03 15:00", resRemaining: 23*time.Hour - 30*time.Minute}},
		{name: "resolved in time", tier: TierStandard, prio: ticket.P1, now: "2026-03-02 15:00",
			events: []ticket.Event{ev(t, "2026-03-02 10:30", ticket.EventStaffReply, "", ""), status(t, "2026-03-02 12:00", ticket.StatusInProgress, ticket.StatusResolved)},
			want:   want{first: "2026-03-02 11:00", firstMet: true, res: "2026-03-04 10:00", resMet: true, resRemaining: 14 * time.Hour}},
		{name: "a reopen continues resolution", tier: TierStandard, prio: ticket.P1, now: "2026-03-03 09:00",
			events: []ticket.Event{ev(t, "2026-03-02 10:30", ticket.EventStaffReply, "", ""), status(t, "2026-03-02 12:00", ticket.StatusInProgress, ticket.StatusResolved),
				ev(t, "2026-03-03 09:00", ticket.EventCustomerReply, "", ""), status(t, "2026-03-03 09:00", ticket.StatusResolved, ticket.StatusInProgress)},
			want: want{first: "2026-03-02 11:00", firstMet: true, next: "2026-03-03 11:00", nextRunning: true, res: "2026-03-04 16:00",
				nextDue: "2026-03-03 11:00", resRemaining: 14 * time.Hour}},
		{name: "raised to P1: breached at once", tier: TierStandard, prio: ticket.P1, now: "2026-03-02 11:30",
			events: []ticket.Event{ev(t, "2026-03-02 11:00", ticket.EventPriority, "3", "1")},
			want:   want{first: "2026-03-02 11:00", firstBreached: true, res: "2026-03-04 10:00", nextDue: "2026-03-02 11:00", resRemaining: 16*time.Hour - 90*time.Minute}},
		{name: "lowered to P4: more time", tier: TierStandard, prio: ticket.P4, now: "2026-03-02 11:30",
			events: []ticket.Event{ev(t, "2026-03-02 11:00", ticket.EventPriority, "1", "4")},
			want:   want{first: "2026-03-05 10:00", res: "2026-03-16 10:00", nextDue: "2026-03-05 10:00", resRemaining: 80*time.Hour - 90*time.Minute}},
		{name: "next response from the first unanswered message", tier: TierStandard, prio: ticket.P2, now: "2026-03-02 17:00",
			events: []ticket.Event{ev(t, "2026-03-02 10:30", ticket.EventStaffReply, "", ""), ev(t, "2026-03-02 14:00", ticket.EventCustomerReply, "", ""),
				ev(t, "2026-03-02 15:00", ticket.EventCustomerReply, "", ""), ev(t, "2026-03-02 16:00", ticket.EventStaffReply, "", "")},
			want: want{first: "2026-03-02 15:00", firstMet: true, next: "2026-03-02 18:00", res: "2026-03-05 10:00", nextDue: "2026-03-05 10:00", resRemaining: 18 * time.Hour}},
		{name: "midnight in Shanghai", tier: TierStandard, prio: ticket.P1, created: "2026-03-03 00:30", now: "2026-03-03 00:40",
			want: want{first: "2026-03-03 10:00", res: "2026-03-04 18:00", nextDue: "2026-03-03 10:00", resRemaining: 16 * time.Hour}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cr := c.created
			if cr == "" {
				cr = created
			}
			tk := ticket.Ticket{Covered: true, Tier: c.tier, Priority: c.prio, CreatedAt: at(t, sh, cr)}
			hist := append([]ticket.Event{{At: tk.CreatedAt, Kind: ticket.EventCreated}}, c.events...)
			st, err := e.State(t.Context(), tk, hist, at(t, sh, c.now))
			if err != nil {
				t.Fatal(err)
			}
			checkDue(t, "first response", st.FirstResponse.Due, c.want.first)
			checkDue(t, "next response", st.NextResponse.Due, c.want.next)
			checkDue(t, "resolution", st.Resolution.Due, c.want.res)
			checkDue(t, "next due", st.NextDue, c.want.nextDue)
			w := c.want
			if st.FirstResponse.Met != w.firstMet || st.FirstResponse.Breached != w.firstBreached || st.FirstResponse.Running == w.firstMet {
				t.Errorf("first response = %+v", st.FirstResponse)
			}
			if st.Resolution.Met != w.resMet || st.Resolution.Paused != w.resPaused || st.Resolution.Remaining != w.resRemaining {
				t.Errorf("resolution = %+v, want met %v paused %v remaining %v", st.Resolution, w.resMet, w.resPaused, w.resRemaining)
			}
			if st.NextResponse.Running != w.nextRunning {
				t.Errorf("next response = %+v", st.NextResponse)
			}
		})
	}
}

func checkDue(t *testing.T, what string, got time.Time, want string) {
	t.Helper()
	if want == "" {
		if !got.IsZero() {
			t.Errorf("%s due = %s, want none", what, got.In(zone(t, DefaultZone)).Format(time.DateTime))
		}
		return
	}
	if w := at(t, zone(t, DefaultZone), want); !got.Equal(w) {
		t.Errorf("%s due = %s, want %s", what, got.In(zone(t, DefaultZone)).Format("2006-01-02 15:04"), want)
	}
}

func TestUncoveredHasNoClocks(t *testing.T) {
	e := engine(t)
	tk := ticket.Ticket{Priority: ticket.P1, CreatedAt: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}
	st, err := e.State(t.Context(), tk, nil, tk.CreatedAt.Add(time.Hour))
	if err != nil || st != (ticket.SLAState{}) {
		t.Fatalf("uncovered state = %+v, %v", st, err)
	}
}

func line(sku, start, end string) ticket.Line {
	s, _ := time.Parse(time.DateOnly, start)
	e, _ := time.Parse(time.DateOnly, end)
	return ticket.Line{SKU: sku, Start: s, End: e}
}

func TestEntitle(t *testing.T) {
	e := engine(t)
	sh := zone(t, DefaultZone)
	now := at(t, sh, "2026-03-02 10:00")
	cases := []struct {
		name    string
		lines   []ticket.Line
		tier    string
		lastEnd string
	}{
		{"no lines", nil, "", ""},
		{"standard", []ticket.Line{line("SVC-STD-1Y", "2025-03-01", "2027-02-28")}, TierStandard, "2027-02-28"},
		{"best of several", []ticket.Line{line("SVC-STD-1Y", "2025-03-01", "2027-02-28"), line("svc-prem-1y", "2026-01-01", "2026-12-31"), line("SVC-ONSITE-3Y", "2024-01-01", "2026-12-31")}, TierPremium, "2027-02-28"},
		{"software upgrade alone", []ticket.Line{line("SVC-SW-UPG-1Y", "2025-09-21", "2026-09-21")}, "", "2026-09-21"},
		{"expired premium, active on-site", []ticket.Line{line("SVC-PREM-1Y", "2024-03-01", "2026-03-01"), line("SVC-ONSITE-3Y", "2024-01-01", "2026-12-31")}, TierOnsite, "2026-12-31"},
		{"ends today (inclusive)", []ticket.Line{line("SVC-STD-1Y", "2025-03-03", "2026-03-02")}, TierStandard, "2026-03-02"},
		{"not started", []ticket.Line{line("SVC-STD-1Y", "2026-03-03", "2027-03-02")}, "", "2027-03-02"},
		{"unknown SKU", []ticket.Line{line("HW-RAM-32G", "2025-03-03", "2027-03-02")}, "", "2027-03-02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.Entitle(t.Context(), c.lines, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Tier != c.tier || got.Covered != (c.tier != "") {
				t.Errorf("Entitle = %+v, want tier %q", got, c.tier)
			}
			if c.lastEnd != "" && got.LastEnd.Format(time.DateOnly) != c.lastEnd || c.lastEnd == "" && !got.LastEnd.IsZero() {
				t.Errorf("LastEnd = %s, want %s", got.LastEnd, c.lastEnd)
			}
			if c.tier != "" && got.TierName != "sla.tier."+c.tier {
				t.Errorf("TierName = %q", got.TierName)
			}
		})
	}
}

// TestEntitlementExpiresWhileOpen: the ticket keeps the tier it was opened
// with when its line ends before it is answered.
func TestEntitlementExpiresWhileOpen(t *testing.T) {
	e := engine(t)
	sh := zone(t, DefaultZone)
	lines := []ticket.Line{line("SVC-STD-1Y", "2025-03-03", "2026-03-02")}
	opened := at(t, sh, "2026-03-02 17:00")
	ent, _ := e.Entitle(t.Context(), lines, opened)
	later, _ := e.Entitle(t.Context(), lines, at(t, sh, "2026-03-03 09:30"))
	if !ent.Covered || later.Covered {
		t.Fatalf("Entitle at opening = %+v, next day = %+v", ent, later)
	}
	tk := ticket.Ticket{Covered: ent.Covered, Tier: ent.Tier, Priority: ticket.P2, CreatedAt: opened}
	st, _ := e.State(t.Context(), tk, []ticket.Event{{At: opened, Kind: ticket.EventCreated}}, at(t, sh, "2026-03-03 09:30"))
	checkDue(t, "first response", st.FirstResponse.Due, "2026-03-03 12:00")
	if !st.FirstResponse.Running {
		t.Errorf("first response = %+v", st.FirstResponse)
	}
}

// TestReloadReadsTheNewPolicy: after Reload the engine follows a changed
// target.
func TestReloadReadsTheNewPolicy(t *testing.T) {
	minutes := 30
	e := NewEngine(fixed{func() Policy {
		p := Default(nil)
		p.Tiers[0].Targets[0].FirstResponse = Span{Minutes: minutes}
		return p
	}})
	x := time.Date(2026, 3, 7, 2, 0, 0, 0, time.UTC)
	tk := ticket.Ticket{Covered: true, Tier: TierPremium, Priority: ticket.P1, CreatedAt: x}
	due := func() time.Duration {
		st, _ := e.State(t.Context(), tk, nil, x)
		return st.FirstResponse.Due.Sub(x)
	}
	if d := due(); d != 30*time.Minute {
		t.Fatalf("due after %v", d)
	}
	minutes = 15
	if d := due(); d != 30*time.Minute {
		t.Fatalf("cached: due after %v", d)
	}
	e.Reload()
	if d := due(); d != 15*time.Minute {
		t.Fatalf("reloaded: due after %v, want 15m", d)
	}
}
