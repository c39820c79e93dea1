// Package sla serves the admins' SLA settings at /staff/settings/sla (SPEC
// §4.6): the business calendars (time zone, working windows per weekday,
// special days, their CSV import), the service tiers' targets and the SKU
// rules.
package sla

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/ticket/sla"
)

// Path is the settings page.
const Path = "/staff/settings/sla"

// maxImport caps a holiday CSV file.
const maxImport = 1 << 20

// emptyRules is how many blank rows the rules form offers for new rules.
const emptyRules = 3

// Handler holds the settings page's dependencies.
type Handler struct {
	s   *web.Server
	svc *sla.Service
}

// Register installs the settings routes, for admins only.
func Register(s *web.Server, svc *sla.Service) *Handler {
	h := &Handler{s: s, svc: svc}
	s.StreamForm(Path+"/import", maxImport)
	g := s.App.Group(Path, s.RequireStaff(identity.RoleAdmin))
	g.Get("", h.page)
	g.Post("/calendars/:code", h.saveCalendar)
	g.Post("/import", h.importDays)
	g.Post("/tiers/:code", h.saveTier)
	g.Post("/rules", h.saveRules)
	return h
}

// calendarView is one calendar's form.
type calendarView struct {
	Code, Name, Zone string
	Always           bool
	Version          int
	Week             []weekdayRow
	Days             string // the special days as CSV rows, without header
	DayCount         int
	In               string // the prefix of its element ids
}

// weekdayRow is one weekday's windows, Monday first.
type weekdayRow struct {
	Field, Label, Value string
}

// tierView is one tier's form.
type tierView struct {
	Code, Name, Rank, Calendar string
	Version                    int
	Rows                       []targetRow
	In                         string
}

// targetRow holds the targets of one priority.
type targetRow struct {
	P                   int
	First, Next, Res    string
	FirstF, NextF, ResF string
}

// ruleRow is one row of the rules form.
type ruleRow struct {
	Index        int
	Prefix, Tier string
}

// settingsView is the page's data.
type settingsView struct {
	Calendars []calendarView
	Tiers     []tierView
	Rules     []ruleRow
	TierCodes []string // "" grants none
	CalCodes  []string
	// Failed is the In prefix of the form a refused request came from; its
	// fields show the request's values and errors.
	Failed     string
	LineErrors []string
	In         map[string]string // field → id prefix, for the error summary
}

var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// view builds the page from the stored settings.
func (h *Handler) view(c *fiber.Ctx) (*settingsView, error) {
	p, err := h.svc.Settings(c.UserContext())
	if err != nil {
		return nil, err
	}
	v := &settingsView{TierCodes: []string{""}}
	for _, cal := range p.Calendars {
		cv := calendarView{Code: cal.Code, Name: cal.Name, Zone: cal.Zone, Always: cal.Always, Version: cal.Version,
			DayCount: len(cal.Days), In: "cal-" + cal.Code + "-", Days: daysText(cal.Days)}
		for _, d := range weekOrder {
			cv.Week = append(cv.Week, weekdayRow{Field: "week_" + strconv.Itoa(int(d)), Label: "sla.weekday." + strconv.Itoa(int(d)),
				Value: sla.FormatWindows(cal.Week[d])})
		}
		v.Calendars = append(v.Calendars, cv)
		v.CalCodes = append(v.CalCodes, cal.Code)
	}
	for _, t := range p.Tiers {
		tv := tierView{Code: t.Code, Name: t.Name, Rank: strconv.Itoa(t.Rank), Calendar: t.Calendar, Version: t.Version, In: "tier-" + t.Code + "-"}
		for i, tg := range t.Targets {
			tv.Rows = append(tv.Rows, targetRow{P: i + 1, First: tg.FirstResponse.String(), Next: tg.NextResponse.String(), Res: tg.Resolution.String(),
				FirstF: fmt.Sprintf("p%d_first", i+1), NextF: fmt.Sprintf("p%d_next", i+1), ResF: fmt.Sprintf("p%d_resolution", i+1)})
		}
		v.Tiers = append(v.Tiers, tv)
		v.TierCodes = append(v.TierCodes, t.Code)
	}
	for i, r := range p.Rules {
		v.Rules = append(v.Rules, ruleRow{Index: i, Prefix: r.Prefix, Tier: r.Tier})
	}
	for i := 0; i < emptyRules; i++ {
		v.Rules = append(v.Rules, ruleRow{Index: len(p.Rules) + i})
	}
	return v, nil
}

// daysText writes special days as the text area shows them.
func daysText(days []sla.Day) string {
	var b []byte
	for _, d := range days {
		b = fmt.Appendf(b, "%s,%s,%s\n", d.Date, d.Kind, d.Name)
	}
	return string(b)
}

// page shows the settings.
func (h *Handler) page(c *fiber.Ctx) error {
	v, err := h.view(c)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, v)
}

func (h *Handler) render(c *fiber.Ctx, status int, v *settingsView) error {
	p := h.s.Page(c)
	p.Title = "sla.settings.title"
	p.Data = v
	return h.s.RenderStatus(c, status, "sla/settings", p)
}

// refused shows the page again after invalid input (422) or a conflict
// (409): the form failed keeps what was sent (fill) and shows the errors.
func (h *Handler) refused(c *fiber.Ctx, err error, failed string, fill func(v *settingsView)) error {
	kind := domain.KindOf(err)
	if kind != domain.Invalid && kind != domain.Conflict {
		return err
	}
	v, verr := h.view(c)
	if verr != nil {
		return verr
	}
	v.Failed, v.In = failed, map[string]string{}
	if kind == domain.Invalid && fill != nil {
		fill(v)
	}
	p := h.s.Page(c)
	p.Title = "sla.settings.title"
	p.Data = v
	h.s.FormErrors(c, p, err)
	for f := range p.Errors {
		v.In[f] = failed
	}
	if es, ok := err.(domain.Errors); ok && len(es) > 1 {
		for _, e := range es {
			if e.Field == "file" || e.Field == "days" {
				v.LineErrors = append(v.LineErrors, h.s.T(c, e.Key, e.Data))
			}
		}
	}
	status := fiber.StatusUnprocessableEntity
	if kind == domain.Conflict {
		status = fiber.StatusConflict
	}
	return h.s.RenderStatus(c, status, "sla/settings", p)
}
