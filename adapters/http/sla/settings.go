package sla

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	"supportal/domain/ticket/sla"
)

// version reads the version field a form carries.
func version(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(web.FormValue(c, "version"))
	if err != nil {
		return 0, fiber.ErrBadRequest
	}
	return n, nil
}

// saveCalendar stores an edited calendar.
func (h *Handler) saveCalendar(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	ver, err := version(c)
	if err != nil {
		return err
	}
	in := sla.CalendarInput{Code: strings.Clone(c.Params("code")), Version: ver, Name: web.FormValue(c, "name"),
		Zone: web.FormValue(c, "zone"), Always: web.FormValue(c, "always") == "yes", Days: web.FormValue(c, "days")}
	for d := range in.Week {
		in.Week[d] = web.FormValue(c, "week_"+strconv.Itoa(d))
	}
	if _, err := h.svc.SaveCalendar(c.UserContext(), a.ID, in); err != nil {
		return h.refused(c, err, "cal-"+in.Code+"-", func(v *settingsView) {
			for i := range v.Calendars {
				cv := &v.Calendars[i]
				if cv.Code != in.Code {
					continue
				}
				cv.Name, cv.Zone, cv.Always, cv.Days = in.Name, in.Zone, in.Always, in.Days
				for j := range cv.Week {
					cv.Week[j].Value = web.FormValue(c, cv.Week[j].Field)
				}
			}
		})
	}
	h.s.SetFlash(c, "flash.sla_saved")
	return h.s.Redirect(c, Path+"#cal-"+in.Code)
}

// importDays reads a holiday CSV into a calendar; a bad file changes
// nothing and lists its lines' problems.
func (h *Handler) importDays(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	ver, err := version(c)
	if err != nil {
		return err
	}
	code := web.FormValue(c, "calendar")
	failed := "imp-" + code + "-"
	f, err := web.FormFile(c, "file")
	if err != nil {
		return fiber.ErrBadRequest
	}
	if f == nil || f.Size == 0 {
		return h.refused(c, domain.FieldError("file", "error.sla.csv.missing"), failed, nil)
	}
	if f.Size > maxImport {
		return h.refused(c, domain.FieldError("file", "error.sla.csv.too_big"), failed, nil)
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = h.svc.ImportDays(c.UserContext(), a.ID, code, ver, r, web.FormValue(c, "replace") == "yes")
	if err != nil {
		return h.refused(c, err, failed, nil)
	}
	h.s.SetFlash(c, "flash.sla_imported")
	return h.s.Redirect(c, Path+"#cal-"+code)
}

// saveTier stores a tier's rank, calendar and targets.
func (h *Handler) saveTier(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	ver, err := version(c)
	if err != nil {
		return err
	}
	in := sla.TierInput{Code: strings.Clone(c.Params("code")), Version: ver, Rank: web.FormValue(c, "rank"), Calendar: web.FormValue(c, "calendar")}
	for i := range in.Targets {
		for j, name := range []string{"first", "next", "resolution"} {
			in.Targets[i][j] = web.FormValue(c, fmt.Sprintf("p%d_%s", i+1, name))
		}
	}
	if _, err := h.svc.SaveTier(c.UserContext(), a.ID, in); err != nil {
		return h.refused(c, err, "tier-"+in.Code+"-", func(v *settingsView) {
			for i := range v.Tiers {
				tv := &v.Tiers[i]
				if tv.Code != in.Code {
					continue
				}
				tv.Rank, tv.Calendar = in.Rank, in.Calendar
				for j := range tv.Rows {
					tv.Rows[j].First, tv.Rows[j].Next, tv.Rows[j].Res = in.Targets[j][0], in.Targets[j][1], in.Targets[j][2]
				}
			}
		})
	}
	h.s.SetFlash(c, "flash.sla_saved")
	return h.s.Redirect(c, Path+"#tier-"+in.Code)
}

// maxRuleRows bounds the rows a rules form may send.
const maxRuleRows = 250

// saveRules replaces the SKU rules with the form's rows (rule_N_prefix,
// rule_N_tier; an empty prefix removes the row).
func (h *Handler) saveRules(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	n, err := strconv.Atoi(web.FormValue(c, "rows"))
	if err != nil || n < 0 || n > maxRuleRows {
		return fiber.ErrBadRequest
	}
	rules := make([]sla.Rule, n)
	for i := range rules {
		rules[i] = sla.Rule{Prefix: web.FormValue(c, fmt.Sprintf("rule_%d_prefix", i)), Tier: web.FormValue(c, fmt.Sprintf("rule_%d_tier", i))}
	}
	if _, err := h.svc.SaveRules(c.UserContext(), a.ID, rules); err != nil {
		return h.refused(c, err, "rules-", func(v *settingsView) {
			v.Rules = v.Rules[:0]
			for i, r := range rules {
				v.Rules = append(v.Rules, ruleRow{Index: i, Prefix: r.Prefix, Tier: r.Tier})
			}
		})
	}
	h.s.SetFlash(c, "flash.sla_saved")
	return h.s.Redirect(c, Path+"#rules")
}
