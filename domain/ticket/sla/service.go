package sla

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"supportal/domain"
	"supportal/ports"
)

// Errors of the settings.
var (
	ErrStale    = domain.E(domain.Conflict, "error.sla.stale")
	ErrNotFound = domain.E(domain.NotFound, "error.sla.not_found")
)

// Deps are what the settings Service needs. Changed, when set, is called
// after every committed change (the Engine's Reload, and the recomputation
// of open tickets' due times).
type Deps struct {
	Store   Store
	Tx      TxRunner
	Changed func(ctx context.Context)
	Now     func() time.Time
}

// Service holds the admins' use cases of the SLA settings.
type Service struct {
	d Deps
}

// NewService returns the settings service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d}
}

// Settings returns the stored configuration (not a cached one).
func (s *Service) Settings(ctx context.Context) (Policy, error) {
	p, err := s.d.Store.Policy(ctx)
	if err != nil {
		return Policy{}, err
	}
	if err := p.compile(); err != nil {
		return Policy{}, domain.Wrap(err)
	}
	return p, nil
}

// CalendarInput is an admin's edit of a calendar: the weekday windows as
// text (index time.Weekday, "09:00-12:00, 13:00-18:00") and the special
// days as CSV (date,kind,name).
type CalendarInput struct {
	Code    string
	Version int
	Name    string
	Zone    string
	Always  bool
	Week    [7]string
	Days    string
}

// SaveCalendar validates and stores an edited calendar. Invalid input
// returns every problem (fields "name", "zone", "week_0".."week_6",
// "week", "file"), a calendar changed meanwhile Conflict (error.sla.stale).
func (s *Service) SaveCalendar(ctx context.Context, actorID int64, in CalendarInput) (Calendar, error) {
	p, err := s.Settings(ctx)
	if err != nil {
		return Calendar{}, err
	}
	old, ok := p.Calendar(in.Code)
	if !ok {
		return Calendar{}, ErrNotFound
	}
	c := Calendar{Code: old.Code, Name: strings.TrimSpace(in.Name), Zone: strings.TrimSpace(in.Zone), Always: in.Always,
		MakeupDay: old.MakeupDay, Version: in.Version}
	var es domain.Errors
	for d, v := range in.Week {
		ws, err := ParseWindows(v)
		if err != nil {
			es = append(es, domain.FieldError("week_"+strconv.Itoa(d), "error.sla.windows"))
			continue
		}
		c.Week[d] = ws
	}
	days, derrs := ParseDays(strings.NewReader("date,kind,name\n" + in.Days))
	for _, e := range derrs {
		// The text area has no header row: count its lines from 1.
		if n, ok := e.Data["Line"].(int); ok && n > 1 {
			e = e.With("Line", n-1)
		}
		e.Field = "days"
		es = append(es, e)
	}
	c.Days = days
	if err := c.Validate(); err != nil {
		es = append(es, err.(domain.Errors)...)
	}
	if err := es.Err(); err != nil {
		return Calendar{}, err
	}
	detail := fmt.Sprintf("calendar %s: zone %s, always %v, %d special days", c.Code, c.Zone, c.Always, len(c.Days))
	if err := s.save(ctx, actorID, "sla_calendar_changed", detail, func(st Store) error { return st.SaveCalendar(ctx, c) }); err != nil {
		return Calendar{}, err
	}
	c.Version++
	return c, nil
}

// ImportDays reads special days from a CSV file into a calendar: with
// replace, the file's days become the calendar's; otherwise they are added,
// a day of the file replacing the calendar's day of the same date. A file
// with any bad line changes nothing and returns the errors of its lines
// (field "file"). It returns how many days the file held.
func (s *Service) ImportDays(ctx context.Context, actorID int64, code string, version int, r io.Reader, replace bool) (int, error) {
	days, errs := ParseDays(r)
	if errs != nil {
		return 0, errs
	}
	if len(days) == 0 {
		return 0, domain.FieldError("file", "error.sla.csv.empty")
	}
	p, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	old, ok := p.Calendar(code)
	if !ok {
		return 0, ErrNotFound
	}
	c := *old
	c.Version = version
	if !replace {
		byDate := map[string]Day{}
		for _, d := range old.Days {
			byDate[d.Date] = d
		}
		for _, d := range days {
			byDate[d.Date] = d
		}
		days = days[:0:0]
		for _, d := range byDate {
			days = append(days, d)
		}
	}
	c.Days = sortDays(days)
	if len(c.Days) > MaxDays {
		return 0, errTooMany
	}
	detail := fmt.Sprintf("calendar %s: imported %d special days (replace %v)", code, len(days), replace)
	err = s.save(ctx, actorID, "sla_days_imported", detail, func(st Store) error { return st.SaveCalendar(ctx, c) })
	return len(days), err
}

// TierInput is an admin's edit of a tier: rank, calendar and the targets of
// P1..P4 as spans ("30m", "4h", "1d").
type TierInput struct {
	Code     string
	Version  int
	Rank     string
	Calendar string
	// Targets[i] holds first response, next response and resolution of
	// priority i+1.
	Targets [4][3]string
}

// SaveTier validates and stores an edited tier (fields "rank", "calendar",
// "p1_first", "p1_next", "p1_resolution"…).
func (s *Service) SaveTier(ctx context.Context, actorID int64, in TierInput) (Tier, error) {
	p, err := s.Settings(ctx)
	if err != nil {
		return Tier{}, err
	}
	old, ok := p.Tier(in.Code)
	if !ok {
		return Tier{}, ErrNotFound
	}
	t := Tier{Code: old.Code, Name: old.Name, Calendar: in.Calendar, Version: in.Version}
	var es domain.Errors
	if n, err := strconv.Atoi(strings.TrimSpace(in.Rank)); err != nil {
		es = append(es, domain.FieldError("rank", "error.sla.rank"))
	} else {
		t.Rank = n
	}
	names := [3]string{"first", "next", "resolution"}
	for i, row := range in.Targets {
		var spans [3]Span
		for j, v := range row {
			sp, err := ParseSpan(v)
			if err != nil {
				es = append(es, domain.FieldError(fmt.Sprintf("p%d_%s", i+1, names[j]), "error.sla.span"))
			}
			spans[j] = sp
		}
		t.Targets[i] = Targets{FirstResponse: spans[0], NextResponse: spans[1], Resolution: spans[2]}
	}
	if err := t.Validate(&p); err != nil {
		for _, e := range err.(domain.Errors) {
			if e.Field == "rank" && len(es) > 0 && es[0].Field == "rank" {
				continue
			}
			es = append(es, e)
		}
	}
	if err := es.Err(); err != nil {
		return Tier{}, err
	}
	detail := fmt.Sprintf("tier %s: rank %d, calendar %s, targets %s", t.Code, t.Rank, t.Calendar, targetsText(t))
	if err := s.save(ctx, actorID, "sla_tier_changed", detail, func(st Store) error { return st.SaveTier(ctx, t) }); err != nil {
		return Tier{}, err
	}
	t.Version++
	return t, nil
}

func targetsText(t Tier) string {
	parts := make([]string, len(t.Targets))
	for i, tg := range t.Targets {
		parts[i] = fmt.Sprintf("P%d %s/%s/%s", i+1, tg.FirstResponse, tg.NextResponse, tg.Resolution)
	}
	return strings.Join(parts, ", ")
}

// SaveRules validates and stores the SKU rules; rows with an empty prefix
// are dropped. Errors name the row: "rule_0_prefix", "rule_0_tier"; two
// rows with one prefix are Invalid (error.sla.prefix_duplicate).
func (s *Service) SaveRules(ctx context.Context, actorID int64, rules []Rule) ([]Rule, error) {
	p, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	var es domain.Errors
	var out []Rule
	seen := map[string]bool{}
	for i, r := range rules {
		if strings.TrimSpace(r.Prefix) == "" {
			continue
		}
		r, err := ValidRule(&p, r)
		if err != nil {
			e := domain.As(err)
			es = append(es, domain.FieldError(fmt.Sprintf("rule_%d_%s", i, e.Field), e.Key))
			continue
		}
		if seen[r.Prefix] {
			es = append(es, domain.FieldError(fmt.Sprintf("rule_%d_prefix", i), "error.sla.prefix_duplicate"))
			continue
		}
		seen[r.Prefix] = true
		out = append(out, r)
	}
	if len(out) > maxRules {
		es = append(es, domain.FieldError("rules", "error.sla.too_many_rules").With("Max", maxRules))
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, r := range out {
		fmt.Fprintf(&b, " %s=%s", r.Prefix, r.Tier)
	}
	detail := "sku rules:" + b.String()
	if err := s.save(ctx, actorID, "sla_rules_changed", detail, func(st Store) error { return st.SaveRules(ctx, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// save runs one change and its audit event in a unit of work, then tells
// Changed.
func (s *Service) save(ctx context.Context, actorID int64, kind, detail string, fn func(Store) error) error {
	err := s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := fn(st.Settings); err != nil {
			return err
		}
		return st.Audit.Record(ctx, ports.AuditEvent{At: s.d.Now(), Type: kind, ActorID: actorID, Detail: detail})
	})
	if err != nil {
		return err
	}
	if s.d.Changed != nil {
		s.d.Changed(ctx)
	}
	return nil
}
