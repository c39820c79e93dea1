package ticket_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// TestCreate: a covered device's ticket gets a number of the day in
// Shanghai, the coverage snapshot, the first-response target of its
// priority, the description with its file as the first message, the opener
// as follower, its history, the notices in each recipient's language and an
// audit event.
func TestCreate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	in := input()
	in.Files = []ticket.Upload{upload("截图<1>.png", pngBytes(t))}
	in.Token = "tok-1"
	tk := e.open(t, asA, in)
	if tk.Number != "T20261127-000001" || !tk.Covered || tk.Tier != "premium" || tk.Status != ticket.StatusNew || tk.Version != 1 {
		t.Fatalf("ticket = %+v", tk)
	}
	if tk.Snapshot.DeviceID != devOK || tk.Snapshot.SN != "SN-OK-1" || len(tk.Snapshot.Lines) != 1 || tk.CompanyName != "上海示例数据科技有限公司" {
		t.Errorf("snapshot = %+v", tk.Snapshot)
	}
	if want := t0.Add(2 * time.Hour); !tk.FirstResponseDue.Equal(want) || !tk.NextDue.Equal(want) {
		t.Errorf("due = %v / %v, want %v", tk.FirstResponseDue, tk.NextDue, want)
	}
	stored, _ := e.store.Ticket(ctx, tk.ID)
	if !stored.NextDue.Equal(tk.NextDue) || stored.Number != tk.Number {
		t.Errorf("stored = %+v", stored)
	}
	msgs, _ := e.store.Messages(ctx, tk.ID, true)
	if len(msgs) != 1 || msgs[0].Body != "控制器 B 离线\n请协助" || len(msgs[0].Attachments) != 1 ||
		msgs[0].Attachments[0].ContentType != "image/png" || !strings.HasPrefix(msgs[0].Attachments[0].Key, ticket.FilePrefix) {
		t.Fatalf("thread = %+v", msgs)
	}
	if f, _ := e.store.Followers(ctx, tk.ID); len(f) != 1 || f[0] != custA {
		t.Errorf("followers = %v", f)
	}
	if evs, _ := e.store.Events(ctx, tk.ID); len(evs) != 1 || evs[0].Kind != ticket.EventCreated || evs[0].ActorID != custA {
		t.Errorf("events = %+v", evs)
	}
	ns := e.notices(0)
	got := map[string]string{}
	for _, n := range ns {
		got[n.To] = n.Template + "/" + n.Lang
	}
	want := map[string]string{"wang@example.com": "ticket_created/zh-CN", "a1@example.com": "ticket_new_agent/en",
		"a2@example.com": "ticket_new_agent/zh-CN", "admin@example.com": "ticket_new_agent/en"}
	if len(ns) != len(want) {
		t.Errorf("notices = %v", got)
	}
	for to, w := range want {
		if got[to] != w {
			t.Errorf("notice to %s = %q, want %q", to, got[to], w)
		}
	}
	n := ns[0]
	if n.Data["Number"] != tk.Number || n.Data["DueTime"] != "2026-11-27T04:00:00Z" || n.Data["TimeZone"] != "Asia/Shanghai" {
		t.Errorf("creation notice data = %v", n.Data)
	}
	evs, _ := e.audit.Events(ctx, time.Time{}, 10)
	if len(evs) != 1 || evs[0].Type != "ticket_created" || evs[0].Detail != tk.Number {
		t.Errorf("audit = %+v", evs)
	}
	// A resent form returns the first ticket and writes nothing more.
	in.Files = []ticket.Upload{upload("截图.png", pngBytes(t))}
	again, err := e.svc.Create(ctx, asA, in)
	if err != nil || again.ID != tk.ID {
		t.Fatalf("resend = %+v, %v", again, err)
	}
	if c, _ := e.store.Count(ctx, ticket.Filter{}, 0); c != 1 || len(e.outbox.Notices()) != len(ns) {
		t.Errorf("after the resend: %d tickets, %d notices", c, len(e.outbox.Notices()))
	}
	// The next ticket of the day takes the next number.
	if tk2 := e.open(t, asA2, input()); tk2.Number != "T20261127-000002" {
		t.Errorf("second number %s", tk2.Number)
	}
}

// TestCreateRefusals: every wrong field is named with its message id; a
// device of another company is unknown; refused files; nothing is stored.
func TestCreateRefusals(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	bad := ticket.Input{Category: "bogus", Priority: 7, Title: strings.Repeat("长", 121), Description: "  ", Phone: "call me", DeviceID: devB}
	_, err := e.svc.Create(ctx, asA, bad)
	want := map[string]string{"category": "error.ticket.category", "priority": "error.ticket.priority", "title": "error.ticket.title_long",
		"description": "error.ticket.description_required", "phone": "error.ticket.phone_invalid", "device": "error.ticket.device_unknown"}
	got := fieldKeys(err)
	for f, k := range want {
		if got[f] != k {
			t.Errorf("field %s: %q, want %q (all: %v)", f, got[f], k, got)
		}
	}
	cases := []struct {
		name  string
		in    func(*ticket.Input)
		field string
		key   string
	}{
		{"empty title", func(in *ticket.Input) { in.Title = " " }, "title", "error.ticket.title_required"},
		{"long description", func(in *ticket.Input) { in.Description = strings.Repeat("x", ticket.MaxDescription+1) }, "description", "error.ticket.description_long"},
		{"another company's SN", func(in *ticket.Input) { in.DeviceID, in.DeviceSN = 0, "sn-b-1" }, "device", "error.ticket.device_unknown"},
		{"HTML file", func(in *ticket.Input) {
			in.Files = []ticket.Upload{upload("x.png", []byte("<html><script>alert(1)</script></html>"))}
		}, "attachments", "error.ticket_file.type"},
		{"SVG file", func(in *ticket.Input) {
			in.Files = []ticket.Upload{upload("x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))}
		}, "attachments", "error.ticket_file.type"},
		{"executable", func(in *ticket.Input) {
			in.Files = []ticket.Upload{upload("x.zip", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...))}
		}, "attachments", "error.ticket_file.type"},
		{"six files", func(in *ticket.Input) {
			for range 6 {
				in.Files = append(in.Files, upload("log.txt", []byte("line\n")))
			}
		}, "attachments", "error.ticket_file.too_many"},
	}
	for _, c := range cases {
		in := input()
		c.in(&in)
		if got := fieldKeys(func() error { _, err := e.svc.Create(ctx, asA, in); return err }()); got[c.field] != c.key {
			t.Errorf("%s: %v, want %s=%s", c.name, got, c.field, c.key)
		}
	}
	// Several good files then a bad one: the good ones are deleted again.
	in := input()
	in.Files = []ticket.Upload{upload("a.log", []byte("boot ok\n")), upload("b.png", pngBytes(t)), upload("c.html", []byte("<!DOCTYPE html><p>x"))}
	if got := fieldKeys(func() error { _, err := e.svc.Create(ctx, asA, in); return err }()); got["attachments"] != "error.ticket_file.type" {
		t.Errorf("third file bad: %v", got)
	}
	if n, _ := e.store.Count(ctx, ticket.Filter{}, 0); n != 0 || len(e.outbox.Notices()) != 0 {
		t.Errorf("refusals stored %d tickets, %d notices", n, len(e.outbox.Notices()))
	}
	if left := e.fileCount(t); left != 0 {
		t.Errorf("%d objects left by refused requests", left)
	}
	// Accepted kinds: a text log, PDF-less zip.
	in = input()
	in.Files = []ticket.Upload{upload("boot.log", []byte("kernel: ok\n")), upload("logs.zip", zipBytes(t))}
	if tk := e.open(t, asA, in); tk.ID == 0 {
		t.Error("no ticket for accepted files")
	}
}

// TestCreateLimits: past the per-account hourly and the per-company daily
// limit a clear TooMany; an hour later the account may open again.
func TestCreateLimits(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{PerAccountHour: 2, PerCompanyDay: 3})
	e.open(t, asA, input())
	e.open(t, asA, input())
	if k, key := kindKey(func() error { _, err := e.svc.Create(ctx, asA, input()); return err }()); k != domain.TooMany || key != "error.ticket.too_many_account" {
		t.Errorf("third in the hour: %v %s", k, key)
	}
	e.open(t, asA2, input())
	if k, key := kindKey(func() error { _, err := e.svc.Create(ctx, asA2, input()); return err }()); k != domain.TooMany || key != "error.ticket.too_many_company" {
		t.Errorf("fourth of the company: %v %s", k, key)
	}
	e.open(t, asB, input2B()) // another company is not limited by A's
	*e.now = e.now.Add(25 * time.Hour)
	e.open(t, asA, input())
}

func input2B() ticket.Input {
	in := input()
	in.DeviceID = devB
	return in
}

// TestPrepareAndUncovered: the form warns of a device without an active
// line (with the end of its last line) and names the device's open
// tickets; submitted anyway, the ticket is uncovered and has no clock.
func TestPrepareAndUncovered(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	f, err := e.svc.Prepare(ctx, asA, 0, " sn-old-1 ")
	if err != nil || f.Device == nil || f.Device.ID != devOld || f.Entitlement.Covered || !f.Entitlement.LastEnd.Equal(t0.Add(-365*24*time.Hour)) ||
		f.Prefill.Phone != "13800000000" || f.Token == "" || len(f.OpenOnDevice) != 0 {
		t.Fatalf("Prepare = %+v, %v", f, err)
	}
	in := input()
	in.DeviceID = devOld
	tk := e.open(t, asA, in)
	if tk.Covered || !tk.NextDue.IsZero() || !tk.FirstResponseDue.IsZero() {
		t.Errorf("uncovered ticket = %+v", tk)
	}
	f, _ = e.svc.Prepare(ctx, asA2, devOld, "")
	if len(f.OpenOnDevice) != 1 || f.OpenOnDevice[0].ID != tk.ID {
		t.Errorf("open on device = %+v", f.OpenOnDevice)
	}
	// Without a device: the company's best active line.
	if f, _ := e.svc.Prepare(ctx, asA, 0, ""); f.Device != nil || !f.Entitlement.Covered {
		t.Errorf("no device: %+v", f)
	}
	if got, err := e.svc.Suggest(ctx, asB, "sn-"); err != nil || len(got) != 1 || got[0].ID != devB {
		t.Errorf("B's type-ahead = %+v, %v", got, err)
	}
	if _, err := e.svc.Suggest(ctx, asUnver, "sn-"); domain.KindOf(err) != domain.Forbidden {
		t.Errorf("unverified type-ahead: %v", err)
	}
	if _, err := e.svc.Prepare(ctx, asB, devOK, ""); fieldKeys(err)["device"] != "error.ticket.device_unknown" {
		t.Errorf("B preparing with A's device: %v", err)
	}
}

// TestCreateUnitOfWork: when a later write of the unit of work fails (the
// agents cannot be listed for their notice), nothing is kept: no ticket,
// message, number, notice or file.
func TestCreateUnitOfWork(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	e.people.fail = errors.New("directory down")
	in := input()
	in.Files = []ticket.Upload{upload("a.png", pngBytes(t))}
	if _, err := e.svc.Create(ctx, asA, in); err == nil {
		t.Fatal("Create succeeded")
	}
	if n, _ := e.store.Count(ctx, ticket.Filter{}, 0); n != 0 || len(e.outbox.Notices()) != 0 || e.fileCount(t) != 0 {
		t.Errorf("a failed unit of work left %d tickets, %d notices, %d files", n, len(e.outbox.Notices()), e.fileCount(t))
	}
	if evs, _ := e.audit.Events(ctx, time.Time{}, 10); len(evs) != 0 {
		t.Errorf("audit = %+v", evs)
	}
	e.people.fail = nil
	if tk := e.open(t, asA, input()); tk.Number != "T20261127-000001" {
		t.Errorf("number after a rollback: %s", tk.Number)
	}
}
