package sla_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	web "supportal/adapters/http"
	identityweb "supportal/adapters/http/identity"
	slaweb "supportal/adapters/http/sla"
	"supportal/adapters/http/webtest"
	"supportal/adapters/memory"
	"supportal/adapters/storetest"
	ident "supportal/domain/identity"
	"supportal/domain/ticket/sla"
	"supportal/ports"
)

type env struct {
	t       *testing.T
	app     *web.Server
	ids     *ident.Service
	store   *memory.SLAStore
	audit   *memory.Audit
	changed int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, store: memory.NewSLAStore(sla.Default(storetest.ChinaDays(t))), audit: memory.NewAudit()}
	e.ids = ident.NewService(webtest.IdentityDeps(memory.NewIdentityStore(), memory.NewOutbox(), memory.NewAudit(), "test"))
	svc := sla.NewService(sla.Deps{Store: e.store, Tx: memory.NewSLATx(e.store, e.audit), Changed: func(context.Context) { e.changed++ }})
	e.app = webtest.NewServer(t, web.Config{}, e.ids, func(s *web.Server) {
		identityweb.Register(s, e.ids)
		slaweb.Register(s, svc)
	})
	return e
}

// staff signs in a new staff member of role.
func (e *env) staff(lang, email string, role ident.Role) *webtest.Client {
	e.t.Helper()
	if _, err := e.ids.CreateStaff(context.Background(), email, "管理员 周", role, webtest.Password); err != nil {
		e.t.Fatal(err)
	}
	c := webtest.NewClient(e.t, e.app, lang)
	c.Login("/staff/login", email)
	return c
}

func (e *env) policy() sla.Policy {
	p, _ := e.store.Policy(context.Background())
	return p
}

func (e *env) events() []ports.AuditEvent {
	ev, _ := e.audit.Events(context.Background(), time.Time{}, 100)
	return ev
}

// calendarForm is the business calendar's form as the page sends it.
func calendarForm(version int) url.Values {
	f := url.Values{"version": {itoa(version)}, "name": {"5x8"}, "zone": {"Asia/Shanghai"},
		"days": {"2026-10-01,holiday,国庆节\n2026-10-10,workday,国庆节调休上班\n"}}
	for d := 1; d <= 5; d++ {
		f.Set("week_"+itoa(d), "09:00-12:00, 13:00-18:00")
	}
	return f
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestViewAndRoles(t *testing.T) {
	e := newEnv(t)
	admin := e.staff("zh-CN", "admin@vendor.example", ident.RoleAdmin)
	r := admin.Get(slaweb.Path)
	webtest.WantStatus(t, r, http.StatusOK)
	webtest.WantText(t, r, webtest.T("zh-CN", "sla.settings.title", nil), "2026-02-14,workday,春节调休上班", "SVC-PREM",
		"09:00-12:00, 13:00-18:00", webtest.T("zh-CN", "sla.tier.premium", nil), `value="30m"`)
	for _, role := range []ident.Role{ident.RoleAgent, ident.RoleReviewer} {
		c := e.staff("en", string(role)+"@vendor.example", role)
		webtest.WantStatus(t, c.Get(slaweb.Path), http.StatusForbidden)
		webtest.WantStatus(t, c.Post(slaweb.Path+"/calendars/business", calendarForm(1)), http.StatusForbidden)
	}
	if c, _ := pol(e).Calendar(sla.CalendarBusiness); len(c.Days) != 39 || len(e.events()) != 0 {
		t.Error("a refused request changed the calendar")
	}
	anon := webtest.NewClient(t, e.app, "en")
	if r := anon.Get(slaweb.Path); r.Status != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.Status)
	}
}

func TestEditCalendar(t *testing.T) {
	e := newEnv(t)
	admin := e.staff("en", "admin@vendor.example", ident.RoleAdmin)
	admin.Get(slaweb.Path)
	bad := calendarForm(1)
	bad.Set("week_3", "09:00-12:00, 11:00-13:00")
	bad.Set("zone", "Mars/Olympus")
	r := admin.Post(slaweb.Path+"/calendars/business", bad)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T("en", "error.sla.windows", nil), webtest.T("en", "error.sla.zone", nil), "Mars/Olympus", `href="#cal-business-f-week_3"`)
	if c, _ := pol(e).Calendar(sla.CalendarBusiness); len(c.Days) != 39 || c.Version != 1 || len(e.events()) != 0 || e.changed != 0 {
		t.Fatalf("a refused edit changed the calendar: %d days, version %d", len(c.Days), c.Version)
	}
	good := calendarForm(1)
	good.Set("week_6", "10:00-14:00")
	good.Set("zone", "America/New_York")
	webtest.WantRedirect(t, admin.Post(slaweb.Path+"/calendars/business", good), slaweb.Path+"#cal-business")
	c, _ := pol(e).Calendar(sla.CalendarBusiness)
	if c.Zone != "America/New_York" || len(c.Days) != 2 || sla.FormatWindows(c.Week[time.Saturday]) != "10:00-14:00" || c.Version != 2 {
		t.Fatalf("saved calendar = %+v", c)
	}
	if ev := e.events(); len(ev) != 1 || ev[0].Type != "sla_calendar_changed" || e.changed != 1 {
		t.Errorf("audit = %+v, changed %d", ev, e.changed)
	}
	// The same form again carries the old version: a conflict, not an overwrite.
	r = admin.Post(slaweb.Path+"/calendars/business", calendarForm(1))
	webtest.WantStatus(t, r, http.StatusConflict)
	webtest.WantText(t, r, webtest.T("en", "error.sla.stale", nil))
	if c, _ := pol(e).Calendar(sla.CalendarBusiness); c.Zone != "America/New_York" {
		t.Error("a stale edit overwrote the calendar")
	}
}

func pol(e *env) *sla.Policy {
	p := e.policy()
	return &p
}

// upload posts the import form with a CSV file.
func upload(t *testing.T, c *webtest.Client, version int, csv string, replace bool) *webtest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.Token)
	_ = w.WriteField("version", itoa(version))
	_ = w.WriteField("calendar", sla.CalendarBusiness)
	if replace {
		_ = w.WriteField("replace", "yes")
	}
	fw, _ := w.CreateFormFile("file", "holidays.csv")
	_, _ = fw.Write([]byte(csv))
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, slaweb.Path+"/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Send(req)
}

func TestImportHolidays(t *testing.T) {
	e := newEnv(t)
	admin := e.staff("zh-CN", "admin@vendor.example", ident.RoleAdmin)
	admin.Get(slaweb.Path)
	r := upload(t, admin, 1, "\uFEFFdate,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,vacation,元旦\n2027-13-01,holiday,x\n", false)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T("zh-CN", "error.sla.csv.kind", map[string]any{"Line": 3}), webtest.T("zh-CN", "error.sla.csv.date", map[string]any{"Line": 4}))
	if c, _ := pol(e).Calendar(sla.CalendarBusiness); len(c.Days) != 39 || len(e.events()) != 0 {
		t.Fatalf("a bad file changed the calendar: %d days", len(c.Days))
	}
	r = upload(t, admin, 1, "date,kind,name\n2027-01-01,holiday,元旦\n2026-01-04,holiday,改为放假\n", false)
	webtest.WantRedirect(t, r, slaweb.Path+"#cal-business")
	c, _ := pol(e).Calendar(sla.CalendarBusiness)
	if len(c.Days) != 40 {
		t.Fatalf("after merging: %d days", len(c.Days))
	}
	for _, d := range c.Days {
		if d.Date == "2026-01-04" && d.Kind != sla.Holiday {
			t.Errorf("the file's day did not replace the calendar's: %+v", d)
		}
	}
	webtest.WantRedirect(t, upload(t, admin, 2, "date,kind,name\n2027-01-01,holiday,元旦\n", true), slaweb.Path+"#cal-business")
	if c, _ := pol(e).Calendar(sla.CalendarBusiness); len(c.Days) != 1 {
		t.Errorf("after replacing: %d days", len(c.Days))
	}
	if ev := e.events(); len(ev) != 2 || ev[0].Type != "sla_days_imported" {
		t.Errorf("audit = %+v", ev)
	}
}

func TestEditTierAndRules(t *testing.T) {
	e := newEnv(t)
	admin := e.staff("en", "admin@vendor.example", ident.RoleAdmin)
	admin.Get(slaweb.Path)
	form := url.Values{"version": {"1"}, "rank": {"10"}, "calendar": {sla.CalendarBusiness},
		"p1_first": {"45m"}, "p1_next": {"2h"}, "p1_resolution": {"2d"}, "p2_first": {"4h"}, "p3_first": {"1d"}, "p4_first": {"soon"}}
	r := admin.Post(slaweb.Path+"/tiers/standard", form)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T("en", "error.sla.span", nil), `value="soon"`)
	if tr, _ := pol(e).Tier(sla.TierStandard); tr.Targets[0].FirstResponse.String() != "1h" {
		t.Fatal("a refused edit changed the tier")
	}
	form.Set("p4_first", "3d")
	webtest.WantRedirect(t, admin.Post(slaweb.Path+"/tiers/standard", form), slaweb.Path+"#tier-standard")
	if tr, _ := pol(e).Tier(sla.TierStandard); tr.Targets[0].FirstResponse.String() != "45m" || !tr.Targets[1].Resolution.Zero() {
		t.Fatalf("saved tier = %+v", tr.Targets)
	}

	rules := url.Values{"rows": {"3"}, "rule_0_prefix": {"svc-gold"}, "rule_0_tier": {sla.TierPremium}, "rule_1_prefix": {"SVC STD"}, "rule_1_tier": {sla.TierStandard}}
	r = admin.Post(slaweb.Path+"/rules", rules)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T("en", "error.sla.prefix", nil), `value="SVC STD"`)
	rules.Set("rule_1_prefix", "")
	webtest.WantRedirect(t, admin.Post(slaweb.Path+"/rules", rules), slaweb.Path+"#rules")
	if got := pol(e).Rules; len(got) != 1 || got[0] != (sla.Rule{Prefix: "SVC-GOLD", Tier: sla.TierPremium}) {
		t.Errorf("rules = %+v", got)
	}
	if ev := e.events(); len(ev) != 2 || ev[1].Type != "sla_rules_changed" {
		t.Errorf("audit = %+v", ev)
	}
}
