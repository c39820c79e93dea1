package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"supportal/adapters/http/webtest"
	"supportal/adapters/i18n"
	"supportal/domain/ticket"
)

// The 提交工单 pages (SPEC §4.1) on the real application: PostgreSQL for
// the tickets, MinIO for their attachments.

func tr(lang, id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i].(string)] = kv[i+1]
	}
	return webtest.T(lang, id, data)
}

var createdPath = regexp.MustCompile(`^/tickets/(\d+)/created$`)

// createdID returns the ticket id of a redirect to the confirmation.
func createdID(t *testing.T, r *webtest.Response) int64 {
	t.Helper()
	webtest.WantStatus(t, r, http.StatusSeeOther)
	m := createdPath.FindStringSubmatch(r.Location())
	if m == nil {
		t.Fatalf("redirect to %q, want the confirmation", r.Location())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestTicketSubmit(t *testing.T) {
	e := newSubmitEnv(t)
	ctx := context.Background()

	t.Run("form", func(t *testing.T) {
		for _, lang := range i18n.Langs {
			c := e.client(lang, e.a)
			r := c.Get("/tickets/new")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, tr(lang, "ticket.submit.title"), tr(lang, "ticket.submit.category"), tr(lang, "ticket.category.fault"),
				tr(lang, "ticket.category.service_request"), tr(lang, "ticket.submit.priority"), tr(lang, "ticket.priority.1"),
				tr(lang, "ticket.submit.priority.hint.1"), tr(lang, "ticket.submit.priority.hint.4"), tr(lang, "ticket.submit.field.title"),
				tr(lang, "ticket.submit.description"), tr(lang, "ticket.submit.device"), tr(lang, "ticket.submit.phone"),
				tr(lang, "ticket.submit.files_hint", "Max", 5, "MB", 20),
				`<legend>`, `name="title"`, `maxlength="120"`, `name="description"`, `maxlength="20000"`, `name="device_sn"`,
				`hx-get="/tickets/new/devices"`, `hx-sync="this:replace"`, `role="combobox"`, `name="files" type="file" multiple`,
				`enctype="multipart/form-data"`, `name="phone" type="tel" value="13800138000"`)
			if !regexp.MustCompile(`name="token" value="[0-9a-f]{32}"`).MatchString(r.Body) {
				t.Errorf("%s: no idempotency token", lang)
			}
			webtest.WantNoText(t, r, `id="device-uncovered"`, `id="device-open"`)
		}
	})

	t.Run("device prefill, coverage and open tickets", func(t *testing.T) {
		c := e.client(i18n.ZH, e.a)
		r := c.Get("/tickets/new?device=" + strconv.FormatInt(e.covered.ID, 10))
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, `value="SNACOVERED1"`, e.covered.Name, `name="device_id" value="`+strconv.FormatInt(e.covered.ID, 10)+`"`)
		webtest.WantNoText(t, r, `id="device-uncovered"`, `id="device-open"`)
		r = c.Get("/tickets/new?sn=snaexpired2")
		webtest.WantText(t, r, `value="SNAEXPIRED2"`, tr(i18n.ZH, "ticket.submit.uncovered", "End", "2024-01-31"), "该设备不在维保期内")

		open, err := e.app.a.ticket.Create(ctx, actorOf(e.a), ticket.Input{Category: ticket.CategoryFault, Priority: ticket.P3,
			Title: "已有的工单", Description: "之前的问题", DeviceID: e.covered.ID})
		if err != nil {
			t.Fatal(err)
		}
		r = c.Get("/tickets/new?device="+strconv.FormatInt(e.covered.ID, 10), "HX-Request", "true", "HX-Target", "device-field")
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, tr(i18n.ZH, "ticket.submit.open_on_device"), `<a href="/tickets/`+strconv.FormatInt(open.ID, 10)+`">`+open.Number+`</a>`)
		webtest.WantNoText(t, r, "<html", `id="f-title"`)
	})

	t.Run("type-ahead", func(t *testing.T) {
		c := e.client(i18n.EN, e.a)
		r := c.Get("/tickets/new/devices?q=sna", "HX-Request", "true")
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, `role="listbox"`, `role="option"`, "SNACOVERED1", "SNAEXPIRED2")
		webtest.WantNoText(t, r, "SNBOTHER3", "<html")
		r = c.Get("/tickets/new/devices?q=snb")
		webtest.WantText(t, r, tr(i18n.EN, "ticket.submit.device_none"))
		webtest.WantNoText(t, r, "SNBOTHER3")
	})

	t.Run("create with an attachment", func(t *testing.T) {
		for _, lang := range i18n.Langs {
			c := e.client(lang, e.a)
			c.Get("/tickets/new")
			log := []byte("2026-01-01 backup failed: E1024\n")
			f := validForm("备份失败 " + lang)
			f["device_sn"] = "snacovered1"
			before := len(e.objects())
			r := submit(c, f, []upload{{"backup.log", "text/plain", log}})
			id := createdID(t, r)
			view, err := e.app.a.ticket.Detail(ctx, actorOf(e.a), id)
			if err != nil {
				t.Fatal(err)
			}
			if !view.Ticket.Covered || view.Ticket.Snapshot.SN != "SNACOVERED1" || len(view.Messages) != 1 || len(view.Messages[0].Attachments) != 1 {
				t.Fatalf("%s: stored %+v", lang, view)
			}
			att := view.Messages[0].Attachments[0]
			if att.Name != "backup.log" || !strings.HasPrefix(att.Key, ticket.FilePrefix) || strings.Contains(att.Key, "backup") {
				t.Errorf("%s: attachment %+v", lang, att)
			}
			rc, _, err := e.files.Open(ctx, att.Key)
			if err != nil {
				t.Fatalf("%s: object %s: %v", lang, att.Key, err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, log) || len(e.objects()) != before+1 {
				t.Errorf("%s: object holds %q (%d objects, were %d)", lang, got, len(e.objects()), before)
			}
			r = c.Get(r.Location())
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, tr(lang, "ticket.created.heading"), view.Ticket.Number, "backup.log", tr(lang, "ticket.created.due"),
				i18n.DateTime(lang, view.Ticket.FirstResponseDue, e.a.Location()), "Asia/Shanghai",
				`href="/tickets/`+strconv.FormatInt(id, 10)+`"`, `href="/tickets"`)

			// The same form again (a double click, a resent request): the
			// first ticket, no second.
			n := e.tickets()
			again := submit(c, f, nil)
			if createdID(t, again) != id || e.tickets() != n {
				t.Errorf("%s: the resent form created another ticket", lang)
			}
			// htmx gets HX-Redirect.
			hx := submit(c, validForm("htmx "+lang), nil, "HX-Request", "true", "HX-Target", "ticket-form-wrap")
			if !createdPath.MatchString(hx.Header.Get("HX-Redirect")) {
				t.Errorf("%s: htmx answer %d, HX-Redirect %q", lang, hx.Status, hx.Header.Get("HX-Redirect"))
			}
		}
	})

	t.Run("uncovered ticket", func(t *testing.T) {
		c := e.client(i18n.ZH, e.a)
		c.Get("/tickets/new")
		f := validForm("过保设备")
		f["device_id"] = strconv.FormatInt(e.expired.ID, 10)
		r := c.Get(submitPath(t, submit(c, f, nil)))
		webtest.WantText(t, r, tr(i18n.ZH, "ticket.created.uncovered_device", "End", "2024-01-31"))
		webtest.WantNoText(t, r, tr(i18n.ZH, "ticket.created.due"))
	})

	t.Run("validation", func(t *testing.T) {
		for _, lang := range i18n.Langs {
			c := e.client(lang, e.a)
			c.Get("/tickets/new")
			n := e.tickets()
			r := submit(c, map[string]string{"title": "", "description": " ", "phone": "abc", "device_sn": "NOPE-1", "token": ticket.NewToken()}, nil)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			if !strings.Contains(r.Body, "<title>"+tr(lang, "error.title_prefix")) {
				t.Errorf("%s: the title does not say error", lang)
			}
			for field, key := range map[string]string{"category": "error.ticket.category", "priority": "error.ticket.priority",
				"title": "error.ticket.title_required", "description": "error.ticket.description_required",
				"phone": "error.ticket.phone_invalid", "device": "error.ticket.device_unknown"} {
				msg := tr(lang, key)
				webtest.WantText(t, r, `<p class="error" id="e-`+field+`">`+msg+`</p>`, `<a href="#f-`+field+`" data-field="f-`+field+`">`+msg+`</a>`)
				if !strings.Contains(r.Body, `id="f-`+field+`"`) {
					t.Errorf("%s: no field f-%s", lang, field)
				}
			}
			webtest.WantText(t, r, `value="abc"`, `value="NOPE-1"`)
			// Too long a title; the other values are kept.
			f := validForm(strings.Repeat("长", 121))
			f["description"] = "保留的<描述>"
			r = submit(c, f, []upload{{"a.txt", "text/plain", []byte("hello")}})
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			webtest.WantText(t, r, tr(lang, "error.ticket.title_long", "Max", 120), "保留的<描述>", `value="2" checked`,
				`<option value="fault" selected`, tr(lang, "ticket.submit.files_again"))
			if e.tickets() != n {
				t.Errorf("%s: a refused form stored a ticket", lang)
			}
		}
	})

	t.Run("refused files", func(t *testing.T) {
		c := e.client(i18n.EN, e.a)
		c.Get("/tickets/new")
		n, objs := e.tickets(), len(e.objects())
		big := append([]byte("log line\n"), bytes.Repeat([]byte("x"), 20<<20)...)
		for _, cs := range []struct {
			files []upload
			key   string
			kv    []any
		}{
			{[]upload{{"huge.log", "text/plain", big}}, "error.ticket_file.too_large", []any{"Name", "huge.log", "MB", 20}},
			{[]upload{{"page.html", "text/html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}}, "error.ticket_file.type", []any{"Name", "page.html"}},
			{[]upload{{"logo.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`)}}, "error.ticket_file.type", []any{"Name", "logo.svg"}},
			{[]upload{{"setup.exe", "application/octet-stream", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 200)...)}}, "error.ticket_file.type", []any{"Name", "setup.exe"}},
			{[]upload{{"1.txt", "text/plain", []byte("1")}, {"2.txt", "text/plain", []byte("2")}, {"3.txt", "text/plain", []byte("3")},
				{"4.txt", "text/plain", []byte("4")}, {"5.txt", "text/plain", []byte("5")}, {"6.txt", "text/plain", []byte("6")}}, "error.ticket_file.too_many", []any{"Max", 5}},
		} {
			r := submit(c, validForm("附件被拒"), cs.files)
			webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
			msg := tr(i18n.EN, cs.key, cs.kv...)
			webtest.WantText(t, r, `<p class="error" id="e-attachments">`+msg+`</p>`, `href="#f-attachments"`, `value="附件被拒"`)
		}
		if e.tickets() != n || len(e.objects()) != objs {
			t.Errorf("refused files stored something: %d tickets (were %d), %d objects (were %d)", e.tickets(), n, len(e.objects()), objs)
		}
	})

	t.Run("text stays text", func(t *testing.T) {
		c := e.client(i18n.ZH, e.a)
		c.Get("/tickets/new")
		f := validForm(`<script>alert("t")</script>`)
		f["description"] = `<img src=x onerror=alert(1)>`
		r := c.Get(submitPath(t, submit(c, f, []upload{{`<img src=x onerror=alert(2)>.txt`, "text/plain", []byte("x")}})))
		webtest.WantStatus(t, r, http.StatusOK)
		raw := string(r.Raw)
		if strings.Contains(raw, "<script>alert") || strings.Contains(raw, "<img src=x") {
			t.Fatalf("markup of the customer is live on the confirmation:\n%s", raw)
		}
		if !strings.Contains(raw, "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;") || !strings.Contains(raw, "&lt;img src=x onerror=alert(2)&gt;.txt") {
			t.Errorf("the title or file name is not shown as text:\n%s", raw)
		}
	})

	t.Run("another company's device", func(t *testing.T) {
		c := e.client(i18n.ZH, e.a)
		r := c.Get("/tickets/new?device=" + strconv.FormatInt(e.other.ID, 10))
		webtest.WantStatus(t, r, http.StatusOK)
		webtest.WantText(t, r, `<p class="error" id="e-device">`+tr(i18n.ZH, "error.ticket.device_unknown")+`</p>`)
		webtest.WantNoText(t, r, "SNBOTHER3", e.other.Name)
		n := e.tickets()
		f := validForm("别家的设备")
		f["device_id"] = strconv.FormatInt(e.other.ID, 10)
		r = submit(c, f, nil)
		webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
		webtest.WantText(t, r, tr(i18n.ZH, "error.ticket.device_unknown"))
		webtest.WantNoText(t, r, "SNBOTHER3", e.other.Name)
		f["device_id"], f["device_sn"] = "", "SNBOTHER3"
		webtest.WantStatus(t, submit(c, f, nil), http.StatusUnprocessableEntity)
		if e.tickets() != n {
			t.Error("a ticket was stored on another company's device")
		}
	})

	t.Run("unverified company", func(t *testing.T) {
		for _, lang := range i18n.Langs {
			c := e.client(lang, e.unverified)
			r := c.Get("/tickets/new")
			webtest.WantStatus(t, r, http.StatusOK)
			webtest.WantText(t, r, tr(lang, "ticket.submit.gate.heading"), `<a class="button" href="/account/company">`+tr(lang, "ticket.submit.gate.link"))
			webtest.WantNoText(t, r, `id="ticket-form"`)
		}
	})

	t.Run("creation limit", func(t *testing.T) {
		c := e.client(i18n.EN, e.b)
		for i := range ticket.DefaultLimits.PerAccountHour {
			if _, err := e.app.a.ticket.Create(ctx, actorOf(e.b), ticket.Input{Category: ticket.CategoryQuestion, Priority: ticket.P4,
				Title: "问题 " + strconv.Itoa(i), Description: "说明"}); err != nil {
				t.Fatal(err)
			}
		}
		c.Get("/tickets/new")
		r := submit(c, validForm("第 21 个"), nil)
		webtest.WantStatus(t, r, http.StatusTooManyRequests)
		webtest.WantText(t, r, tr(i18n.EN, "error.ticket.too_many_account", "Max", ticket.DefaultLimits.PerAccountHour), `value="第 21 个"`, `id="error-summary"`)
	})
}

// submitPath returns the confirmation a successful submission leads to.
func submitPath(t *testing.T, r *webtest.Response) string {
	t.Helper()
	createdID(t, r)
	return r.Location()
}
