package sla

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
)

var (
	errZone       = domain.FieldError("zone", "error.sla.zone")
	errNoWorktime = domain.FieldError("week", "error.sla.no_working_time")
	errCalName    = domain.FieldError("name", "error.sla.calendar_name")
	errTooMany    = domain.FieldError("file", "error.sla.csv.too_many").With("Max", MaxDays)
)

// ParseWindows reads the windows of one day: "09:00-12:00, 13:00-18:00"
// ("" or "-": no working time). Times are HH:MM, 24:00 may end a window;
// the windows must not overlap. Otherwise Invalid (error.sla.windows).
func ParseWindows(v string) ([]Window, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" || v == "–" {
		return nil, nil
	}
	bad := domain.E(domain.Invalid, "error.sla.windows")
	var out []Window
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '、' }) {
		part = strings.NewReplacer("–", "-", "~", "-", "～", "-", "—", "-", " ", "").Replace(part)
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return nil, bad
		}
		s, ok1 := clockMinutes(a)
		e, ok2 := clockMinutes(b)
		if !ok1 || !ok2 || s >= e {
			return nil, bad
		}
		out = append(out, Window{s, e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			return nil, bad
		}
	}
	if len(out) > 12 {
		return nil, bad
	}
	return out, nil
}

// clockMinutes reads HH:MM (00:00 to 24:00) as minutes after midnight.
func clockMinutes(v string) (int, bool) {
	hh, mm, ok := strings.Cut(v, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// FormatWindows writes windows as ParseWindows reads them.
func FormatWindows(ws []Window) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", w.Start/60, w.Start%60, w.End/60, w.End%60)
	}
	return strings.Join(parts, ", ")
}

// Validate checks a calendar an admin edited: a known zone, a name, some
// working time (unless 24×7), at most MaxDays special days with valid
// dates and kinds.
func (c *Calendar) Validate() error {
	var es domain.Errors
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); n == 0 || n > 40 {
		es = append(es, errCalName)
	}
	if c.Zone == "" || c.Zone == "Local" {
		es = append(es, errZone)
	} else if _, err := time.LoadLocation(c.Zone); err != nil {
		es = append(es, errZone)
	}
	if !c.Always && c.DayLength() == 0 {
		es = append(es, errNoWorktime)
	}
	if c.MakeupDay < time.Sunday || c.MakeupDay > time.Saturday {
		c.MakeupDay = time.Monday
	}
	if len(c.Days) > MaxDays {
		es = append(es, errTooMany)
	}
	for _, d := range c.Days {
		if _, key := parseDay([]string{d.Date, string(d.Kind), d.Name}); key != "" {
			es = append(es, domain.FieldError("file", key).With("Line", 0))
			break
		}
	}
	return es.Err()
}

// Validate checks a tier an admin edited against the policy: its calendar
// exists, its rank is 0–1000, and every priority has a first-response
// target (field names "rank", "calendar", "p1_first"…).
func (t Tier) Validate(p *Policy) error {
	var es domain.Errors
	if t.Rank < 0 || t.Rank > 1000 {
		es = append(es, domain.FieldError("rank", "error.sla.rank"))
	}
	if _, ok := p.Calendar(t.Calendar); !ok {
		es = append(es, domain.FieldError("calendar", "error.sla.calendar_unknown"))
	}
	for i, tg := range t.Targets {
		if tg.FirstResponse.Zero() {
			es = append(es, domain.FieldError(fmt.Sprintf("p%d_first", i+1), "error.sla.first_required"))
		}
	}
	return es.Err()
}

// maxRules caps the SKU rules.
const maxRules = 200

// ValidRule checks one SKU rule against the policy: a prefix of 2–40
// letters, digits, '-' or '_', and a known tier or none. It returns the
// rule with its prefix in upper case.
func ValidRule(p *Policy, r Rule) (Rule, error) {
	r.Prefix = strings.ToUpper(strings.TrimSpace(r.Prefix))
	if n := len(r.Prefix); n < 2 || n > 40 || strings.ContainsFunc(r.Prefix, func(c rune) bool {
		return !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	}) {
		return r, domain.FieldError("prefix", "error.sla.prefix")
	}
	if r.Tier != "" {
		if _, ok := p.Tier(r.Tier); !ok {
			return r, domain.FieldError("tier", "error.sla.tier_unknown")
		}
	}
	return r, nil
}
