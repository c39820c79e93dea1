package sla

import (
	"sort"
	"strings"
	"time"

	"supportal/domain/ticket"
)

// Targets are the three targets of one priority; a zero Span is no target.
type Targets struct {
	FirstResponse, NextResponse, Resolution Span
}

// Tier is a service tier: what a service SKU promises. A higher Rank is a
// better tier; a ticket with several active lines takes the best.
type Tier struct {
	Code     string // "premium"
	Name     string // message id of its name ("sla.tier.premium")
	Rank     int
	Calendar string // the code of its business calendar
	// Targets holds the targets of P1..P4 (index priority−1).
	Targets [4]Targets
	Version int
}

// For returns the targets of priority p (P3 for an invalid one).
func (t Tier) For(p ticket.Priority) Targets {
	if !p.Valid() {
		p = ticket.P3
	}
	return t.Targets[p-1]
}

// Rule maps the service SKUs starting with Prefix (case-insensitive) to a
// tier; Tier "" grants none (软件升级服务). The longest matching prefix wins.
type Rule struct {
	Prefix string
	Tier   string
}

// Policy is the whole SLA configuration: calendars, tiers and SKU rules.
type Policy struct {
	Calendars []Calendar
	Tiers     []Tier
	Rules     []Rule
}

// Calendar returns the calendar with the code.
func (p *Policy) Calendar(code string) (*Calendar, bool) {
	for i := range p.Calendars {
		if p.Calendars[i].Code == code {
			return &p.Calendars[i], true
		}
	}
	return nil, false
}

// Tier returns the tier with the code.
func (p *Policy) Tier(code string) (*Tier, bool) {
	for i := range p.Tiers {
		if p.Tiers[i].Code == code {
			return &p.Tiers[i], true
		}
	}
	return nil, false
}

// TierOf returns the tier a service SKU grants, by the longest matching
// rule; false when no rule matches or the rule grants none.
func (p *Policy) TierOf(sku string) (*Tier, bool) {
	sku = strings.ToUpper(strings.TrimSpace(sku))
	best := -1
	code := ""
	for _, r := range p.Rules {
		pre := strings.ToUpper(r.Prefix)
		if strings.HasPrefix(sku, pre) && len(pre) > best {
			best, code = len(pre), r.Tier
		}
	}
	if code == "" {
		return nil, false
	}
	return p.Tier(code)
}

// compile prepares the calendars; the rules are sorted for display.
func (p *Policy) compile() error {
	for i := range p.Calendars {
		if err := p.Calendars[i].compile(); err != nil {
			return err
		}
	}
	sort.SliceStable(p.Rules, func(i, j int) bool { return p.Rules[i].Prefix < p.Rules[j].Prefix })
	return nil
}

// The codes of the default calendars and tiers.
const (
	CalendarBusiness = "business"
	CalendarAlways   = "24x7"
	TierPremium      = "premium"
	TierOnsite       = "onsite"
	TierStandard     = "standard"
)

// BusinessWeek is the default working week: Monday to Friday, 09:00–12:00
// and 13:00–18:00.
func BusinessWeek() [7][]Window {
	var w [7][]Window
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Window{{9 * 60, 12 * 60}, {13 * 60, 18 * 60}}
	}
	return w
}

func h(n int) Span { return Span{Minutes: n * 60} }
func m(n int) Span { return Span{Minutes: n} }
func d(n int) Span { return Span{Days: n} }

// Default returns the shipped configuration (SPEC §4.6), with days as the
// special days of the business calendar:
//   - 高级维保 SVC-PREM (7x24), calendar 24×7. First response P1 30 min,
//     P2 2 h, P3 8 h, P4 24 h; next response P1 1 h, P2 4 h, P3 8 h, P4
//     24 h; resolution P1 8 h, P2 24 h, P3 3 days, P4 7 days.
//   - 原厂上门 SVC-ONSITE and 标准维保 SVC-STD (5x8), business calendar.
//     First response P1 1 h, P2 4 h, P3 1 working day, P4 3 working days;
//     next response P1 2 h, P2 4 h, P3 1 working day, P4 2 working days;
//     resolution P1 2 working days, P2 3, P3 5, P4 10 working days. On-site
//     service ranks above standard.
//   - 软件升级服务 SVC-SW-UPG grants no tier.
func Default(days []Day) Policy {
	business := []Targets{
		{FirstResponse: h(1), NextResponse: h(2), Resolution: d(2)},
		{FirstResponse: h(4), NextResponse: h(4), Resolution: d(3)},
		{FirstResponse: d(1), NextResponse: d(1), Resolution: d(5)},
		{FirstResponse: d(3), NextResponse: d(2), Resolution: d(10)},
	}
	return Policy{
		Calendars: []Calendar{
			{Code: CalendarBusiness, Name: "5x8", Zone: DefaultZone, Week: BusinessWeek(), MakeupDay: time.Monday, Days: days},
			{Code: CalendarAlways, Name: "7x24", Zone: DefaultZone, Always: true, MakeupDay: time.Monday},
		},
		Tiers: []Tier{
			{Code: TierPremium, Name: "sla.tier.premium", Rank: 30, Calendar: CalendarAlways, Targets: [4]Targets{
				{FirstResponse: m(30), NextResponse: h(1), Resolution: h(8)},
				{FirstResponse: h(2), NextResponse: h(4), Resolution: h(24)},
				{FirstResponse: h(8), NextResponse: h(8), Resolution: d(3)},
				{FirstResponse: h(24), NextResponse: h(24), Resolution: d(7)},
			}},
			{Code: TierOnsite, Name: "sla.tier.onsite", Rank: 20, Calendar: CalendarBusiness, Targets: [4]Targets(business)},
			{Code: TierStandard, Name: "sla.tier.standard", Rank: 10, Calendar: CalendarBusiness, Targets: [4]Targets(business)},
		},
		Rules: []Rule{
			{Prefix: "SVC-ONSITE", Tier: TierOnsite},
			{Prefix: "SVC-PREM", Tier: TierPremium},
			{Prefix: "SVC-STD", Tier: TierStandard},
			{Prefix: "SVC-SW-UPG", Tier: ""},
		},
	}
}
