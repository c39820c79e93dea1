package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket/sla"
	"supportal/ports"
)

// SLAUnit is a settings store seeded with the shipped defaults
// (sla.Default with the 2026 China schedule on the business calendar), its
// unit-of-work runner and the audit log the runner writes to.
type SLAUnit struct {
	Store sla.Store
	Tx    sla.TxRunner
	Audit AuditStore
}

// ChinaDays returns the special days of the shipped 2026 schedule.
func ChinaDays(t testing.TB) []sla.Day {
	days, errs := sla.ParseDays(bytes.NewReader(sla.ChinaHolidays2026))
	if errs != nil {
		t.Fatal(errs)
	}
	return days
}

// SLA runs the contract suite of the SLA settings store against a fresh,
// seeded unit from newUnit for each sub-test.
func SLA(t *testing.T, newUnit func(t *testing.T) SLAUnit) {
	t.Run("seeded with the defaults", func(t *testing.T) { testSLASeed(t, newUnit(t)) })
	t.Run("save a calendar", func(t *testing.T) { testSLACalendar(t, newUnit(t)) })
	t.Run("save a tier", func(t *testing.T) { testSLATier(t, newUnit(t)) })
	t.Run("save the rules", func(t *testing.T) { testSLARules(t, newUnit(t)) })
	t.Run("a failed unit of work changes nothing", func(t *testing.T) { testSLARollback(t, newUnit(t)) })
}

func policy(t *testing.T, s sla.Store) *sla.Policy {
	t.Helper()
	p, err := s.Policy(t.Context())
	must(t, err)
	return &p
}

func testSLASeed(t *testing.T, u SLAUnit) {
	got := policy(t, u.Store)
	want := sla.Default(ChinaDays(t))
	byCode := func(cs []sla.Calendar) map[string]sla.Calendar {
		m := map[string]sla.Calendar{}
		for _, c := range cs {
			c.Version = 0
			m[c.Code] = c
		}
		return m
	}
	if g, w := byCode(got.Calendars), byCode(want.Calendars); !reflect.DeepEqual(g, w) {
		t.Errorf("calendars = %+v\nwant %+v", g, w)
	}
	if len(got.Tiers) != len(want.Tiers) {
		t.Fatalf("tiers = %+v", got.Tiers)
	}
	for _, w := range want.Tiers {
		g, ok := got.Tier(w.Code)
		if !ok || g.Version != 1 {
			t.Fatalf("tier %s = %+v", w.Code, g)
		}
		g2 := *g
		g2.Version = 0
		if !reflect.DeepEqual(g2, w) {
			t.Errorf("tier %s = %+v, want %+v", w.Code, g2, w)
		}
	}
	if !reflect.DeepEqual(got.Rules, want.Rules) {
		t.Errorf("rules = %+v, want %+v", got.Rules, want.Rules)
	}
}

func testSLACalendar(t *testing.T, u SLAUnit) {
	ctx := t.Context()
	c, _ := policy(t, u.Store).Calendar(sla.CalendarBusiness)
	edit := *c
	edit.Name, edit.Zone, edit.MakeupDay = "Office", "America/New_York", time.Tuesday
	edit.Week = [7][]sla.Window{}
	edit.Week[time.Tuesday] = []sla.Window{{Start: 0, End: 60}, {Start: 18 * 60, End: 24 * 60}}
	edit.Days = []sla.Day{{Date: "2026-07-03", Kind: sla.Holiday, Name: "Independence Day (observed)"}, {Date: "2026-07-04", Kind: sla.Workday}}
	must(t, u.Store.SaveCalendar(ctx, edit))
	got, _ := policy(t, u.Store).Calendar(sla.CalendarBusiness)
	want := edit
	want.Version = c.Version + 1
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("saved calendar = %+v\nwant %+v", *got, want)
	}
	if err := u.Store.SaveCalendar(ctx, edit); !errors.Is(err, sla.ErrStale) && domain.As(err).Key != "error.sla.stale" {
		t.Errorf("save on an old version = %v, want error.sla.stale", err)
	}
	unknown := edit
	unknown.Code = "nope"
	if err := u.Store.SaveCalendar(ctx, unknown); domain.KindOf(err) != domain.NotFound {
		t.Errorf("save of an unknown calendar = %v, want NotFound", err)
	}
	// Everything can be emptied.
	empty := *got
	empty.Days, empty.Week = nil, [7][]sla.Window{}
	empty.Always = true
	must(t, u.Store.SaveCalendar(ctx, empty))
	if g, _ := policy(t, u.Store).Calendar(sla.CalendarBusiness); len(g.Days) != 0 || g.DayLength() != 24*time.Hour || g.Week[time.Tuesday] != nil {
		t.Errorf("emptied calendar = %+v", g)
	}
}

func testSLATier(t *testing.T, u SLAUnit) {
	ctx := t.Context()
	tier, _ := policy(t, u.Store).Tier(sla.TierStandard)
	edit := *tier
	edit.Rank, edit.Calendar, edit.Name = 25, sla.CalendarAlways, "ignored"
	edit.Targets[0] = sla.Targets{FirstResponse: sla.Span{Minutes: 45}, Resolution: sla.Span{Days: 1, Minutes: 240}}
	must(t, u.Store.SaveTier(ctx, edit))
	got, _ := policy(t, u.Store).Tier(sla.TierStandard)
	want := edit
	want.Name, want.Version = tier.Name, tier.Version+1
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("saved tier = %+v\nwant %+v", *got, want)
	}
	if err := u.Store.SaveTier(ctx, edit); domain.KindOf(err) != domain.Conflict {
		t.Errorf("save on an old version = %v, want Conflict", err)
	}
	bad := *got
	bad.Calendar = "nope"
	if err := u.Store.SaveTier(ctx, bad); domain.KindOf(err) != domain.NotFound {
		t.Errorf("save with an unknown calendar = %v, want NotFound", err)
	}
	if g, _ := policy(t, u.Store).Tier(sla.TierStandard); g.Calendar != sla.CalendarAlways {
		t.Errorf("a refused save changed the tier: %+v", g)
	}
}

func testSLARules(t *testing.T, u SLAUnit) {
	ctx := t.Context()
	rules := []sla.Rule{{Prefix: "SVC-GOLD", Tier: sla.TierPremium}, {Prefix: "SVC-SW", Tier: ""}}
	must(t, u.Store.SaveRules(ctx, rules))
	if got := policy(t, u.Store).Rules; !reflect.DeepEqual(got, rules) {
		t.Errorf("rules = %+v, want %+v", got, rules)
	}
	if err := u.Store.SaveRules(ctx, []sla.Rule{{Prefix: "X1", Tier: "nope"}}); domain.KindOf(err) != domain.NotFound {
		t.Errorf("rule with an unknown tier = %v, want NotFound", err)
	}
	if got := policy(t, u.Store).Rules; !reflect.DeepEqual(got, rules) {
		t.Errorf("a refused save changed the rules: %+v", got)
	}
}

func testSLARollback(t *testing.T, u SLAUnit) {
	before := policy(t, u.Store)
	boom := errors.New("boom")
	err := u.Tx.InTx(t.Context(), func(s sla.Stores) error {
		c, _ := before.Calendar(sla.CalendarBusiness)
		edit := *c
		edit.Days = nil
		must(t, s.Settings.SaveCalendar(context.WithoutCancel(t.Context()), edit))
		must(t, s.Settings.SaveRules(t.Context(), nil))
		must(t, s.Audit.Record(t.Context(), auditAt("sla_calendar_changed")))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	if after := policy(t, u.Store); !reflect.DeepEqual(after, before) {
		t.Errorf("after a failed unit of work = %+v", after)
	}
	if evs, _ := u.Audit.Events(t.Context(), base.Add(-time.Hour), 10); len(evs) != 0 {
		t.Errorf("audit events kept: %+v", evs)
	}
}

func auditAt(typ string) ports.AuditEvent { return ports.AuditEvent{At: base, Type: typ} }
