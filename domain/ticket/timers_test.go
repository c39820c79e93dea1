package ticket_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportal/domain/ticket"
	"supportal/ports"
)

const day = 24 * time.Hour

// runAt runs the timed rules at the time at and returns what they did.
func (e *env) runAt(t *testing.T, at time.Time) ticket.TimerRun {
	t.Helper()
	*e.now = at
	r, err := e.svc.RunTimers(context.Background())
	if err != nil {
		t.Fatalf("RunTimers at %v: %v", at, err)
	}
	return r
}

// at sets the clock.
func (e *env) at(tm time.Time) { *e.now = tm }

// status returns the ticket's status now.
func (e *env) status(t *testing.T, id int64) ticket.Ticket {
	t.Helper()
	tk, err := e.store.Ticket(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// setStatus moves the ticket as agent1.
func (e *env) setStatus(t *testing.T, id int64, to ticket.Status) {
	t.Helper()
	tk := e.status(t, id)
	if _, err := e.svc.SetStatus(context.Background(), asAg1, id, loaded(tk), to); err != nil {
		t.Fatalf("SetStatus %s: %v", to, err)
	}
}

// sent returns "template to lang" of the notices from index from.
func (e *env) sent(from int) []string {
	var out []string
	for _, n := range e.notices(from) {
		out = append(out, n.Template+" "+n.To+" "+n.Lang)
	}
	slices.Sort(out)
	return out
}

func wantSent(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s sent %q, want %q", what, got, want)
	}
}

// lastEvent returns the ticket's newest history entry.
func (e *env) lastEvent(t *testing.T, id int64) ticket.Event {
	t.Helper()
	hist, err := e.store.Events(context.Background(), id)
	if err != nil || len(hist) == 0 {
		t.Fatalf("Events: %v, %d", err, len(hist))
	}
	return hist[len(hist)-1]
}

// audited returns the audit events of type typ.
func (e *env) audited(t *testing.T, typ string) []ports.AuditEvent {
	t.Helper()
	all, err := e.audit.Events(context.Background(), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []ports.AuditEvent
	for _, a := range all {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

// TestTimerClosesResolved: a resolved ticket closes itself seven days after
// its resolution, not a second before, as the system, audited, and the
// customer is told once in their language.
func TestTimerClosesResolved(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	e.setStatus(t, tk.ID, ticket.StatusResolved)
	from := len(e.outbox.Notices())
	if r := e.runAt(t, t0.Add(7*day-time.Second)); r.Closed != 0 || e.status(t, tk.ID).Status != ticket.StatusResolved {
		t.Fatalf("a second early: %+v, status %s", r, e.status(t, tk.ID).Status)
	}
	if r := e.runAt(t, t0.Add(7*day)); r.Closed != 1 {
		t.Fatalf("at seven days: %+v", r)
	}
	got := e.status(t, tk.ID)
	if got.Status != ticket.StatusClosed || !got.ClosedAt.Equal(t0.Add(7*day)) || !got.ResolvedAt.Equal(t0) {
		t.Errorf("closed ticket = %s closed %v resolved %v", got.Status, got.ClosedAt, got.ResolvedAt)
	}
	ev := e.lastEvent(t, tk.ID)
	if ev.ActorRole != ticket.RoleSystem || ev.ActorID != 0 || ev.Kind != ticket.EventStatus || ev.From != "resolved" || ev.To != "closed" {
		t.Errorf("history = %+v, want the system's resolved → closed", ev)
	}
	wantSent(t, "closing", e.sent(from), "ticket_auto_closed wang@example.com zh-CN")
	if n := e.notices(from)[0]; n.Data["ResolvedTime"] != "2026-11-27T02:00:00Z" || n.Data["Number"] != tk.Number {
		t.Errorf("notice data = %v", n.Data)
	}
	if a := e.audited(t, "ticket_status"); len(a) == 0 || a[len(a)-1].ActorID != 0 || a[len(a)-1].Detail != tk.Number+" resolved->closed" {
		t.Errorf("audit = %+v", a)
	}
	if r := e.runAt(t, t0.Add(30*day)); r.Total() != 0 || len(e.notices(from)) != 1 {
		t.Errorf("a later run: %+v, %d notices", r, len(e.notices(from)))
	}
}

// TestTimerReopenedNotClosed: a resolved ticket the customer reopens by
// replying is not closed; resolved again, its seven days start again.
func TestTimerReopenedNotClosed(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	e.setStatus(t, tk.ID, ticket.StatusResolved)
	e.at(t0.Add(2 * day))
	if _, err := e.svc.Reply(context.Background(), asA, tk.ID, "还是不行", nil); err != nil {
		t.Fatal(err)
	}
	if r := e.runAt(t, t0.Add(8*day)); r.Closed != 0 || e.status(t, tk.ID).Status != ticket.StatusInProgress {
		t.Fatalf("reopened: %+v, status %s", r, e.status(t, tk.ID).Status)
	}
	e.setStatus(t, tk.ID, ticket.StatusResolved) // at t0+8d
	if r := e.runAt(t, t0.Add(15*day-time.Minute)); r.Closed != 0 {
		t.Errorf("resolved again, closed after less than seven days: %+v", r)
	}
	if r := e.runAt(t, t0.Add(15*day)); r.Closed != 1 || e.status(t, tk.ID).Status != ticket.StatusClosed {
		t.Errorf("resolved again, not closed after seven days: %+v", r)
	}
}

// TestTimerWaiting: a ticket waiting for the customer gets one reminder
// after three days and is resolved after ten, each at its time and not
// before; the customers (the opener and a following colleague, each in
// their language) hear of both.
func TestTimerWaiting(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	if _, err := e.svc.Reply(context.Background(), asA2, tk.ID, "我也关注", nil); err != nil {
		t.Fatal(err)
	}
	e.setStatus(t, tk.ID, ticket.StatusWaiting) // at t0
	from := len(e.outbox.Notices())
	if r := e.runAt(t, t0.Add(3*day-time.Second)); r.Total() != 0 {
		t.Fatalf("a second before three days: %+v", r)
	}
	if r := e.runAt(t, t0.Add(3*day)); r.Reminded != 1 || r.Resolved != 0 {
		t.Fatalf("at three days: %+v", r)
	}
	wantSent(t, "reminder", e.sent(from), "ticket_reminder wang@example.com zh-CN", "ticket_reminder lily@example.com en")
	if n := e.notices(from)[0]; n.Data["ResolveTime"] != "2026-12-07T02:00:00Z" || n.Data["WaitingTime"] != "2026-11-27T02:00:00Z" {
		t.Errorf("reminder data = %v", n.Data)
	}
	if e.status(t, tk.ID).Status != ticket.StatusWaiting || len(e.audited(t, "ticket_reminder")) != 1 {
		t.Errorf("after the reminder: %s, audit %+v", e.status(t, tk.ID).Status, e.audited(t, "ticket_reminder"))
	}
	from = len(e.outbox.Notices())
	if r := e.runAt(t, t0.Add(10*day-time.Second)); r.Total() != 0 || len(e.notices(from)) != 0 {
		t.Fatalf("a second before ten days: %+v, %v", r, e.sent(from))
	}
	if r := e.runAt(t, t0.Add(10*day)); r.Resolved != 1 || r.Reminded != 0 {
		t.Fatalf("at ten days: %+v", r)
	}
	got := e.status(t, tk.ID)
	if got.Status != ticket.StatusResolved || !got.ResolvedAt.Equal(t0.Add(10*day)) {
		t.Errorf("resolved ticket = %s at %v", got.Status, got.ResolvedAt)
	}
	if ev := e.lastEvent(t, tk.ID); ev.ActorRole != ticket.RoleSystem || ev.From != "waiting" || ev.To != "resolved" {
		t.Errorf("history = %+v", ev)
	}
	wantSent(t, "resolving", e.sent(from), "ticket_auto_resolved wang@example.com zh-CN", "ticket_auto_resolved lily@example.com en")
	if n := e.notices(from)[0]; n.Data["CloseTime"] != "2026-12-14T02:00:00Z" {
		t.Errorf("resolution data = %v", n.Data)
	}
	if r := e.runAt(t, t0.Add(17*day)); r.Closed != 1 {
		t.Errorf("seven days after the automatic resolution: %+v", r)
	}
}

// TestTimerCustomerReplyResets: a customer's reply ends the wait; when the
// agent asks again, both clocks start from the new wait, and the new wait
// gets its own reminder.
func TestTimerCustomerReplyResets(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	e.setStatus(t, tk.ID, ticket.StatusWaiting) // at t0
	e.runAt(t, t0.Add(3*day))                   // the first wait's reminder
	e.at(t0.Add(4 * day))
	if _, err := e.svc.Reply(context.Background(), asA, tk.ID, "补充日志", nil); err != nil {
		t.Fatal(err)
	}
	e.at(t0.Add(5 * day))
	e.setStatus(t, tk.ID, ticket.StatusWaiting)
	from := len(e.outbox.Notices())
	if r := e.runAt(t, t0.Add(8*day-time.Second)); r.Total() != 0 {
		t.Errorf("three days after the first wait, less after the second: %+v", r)
	}
	if r := e.runAt(t, t0.Add(8*day)); r.Reminded != 1 {
		t.Errorf("three days after the second wait: %+v", r)
	}
	if r := e.runAt(t, t0.Add(15*day-time.Second)); r.Resolved != 0 || e.status(t, tk.ID).Status != ticket.StatusWaiting {
		t.Errorf("ten days after the first wait, less after the second: %+v", r)
	}
	if r := e.runAt(t, t0.Add(15*day)); r.Resolved != 1 {
		t.Errorf("ten days after the second wait: %+v", r)
	}
	wantSent(t, "second wait", e.sent(from), "ticket_reminder wang@example.com zh-CN", "ticket_auto_resolved wang@example.com zh-CN")
}

// TestTimerBreachWarning: thirty minutes before a first-response breach the
// agents (or the assignee only) are warned once, in their languages;
// tickets without a target (uncovered) or with their first response given
// are not.
func TestTimerBreachWarning(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	open := e.open(t, asA, input()) // P2: due at t0+2h
	in := input()
	in.Title = "分配给赵工"
	assigned := e.open(t, asA, in)
	if _, err := e.svc.Assign(context.Background(), asAg1, assigned.ID, loaded(assigned), agent2); err != nil {
		t.Fatal(err)
	}
	in.Title, in.DeviceID = "过保设备", devOld
	uncovered := e.open(t, asA, in)
	if uncovered.Covered || !uncovered.FirstResponseDue.IsZero() {
		t.Fatalf("uncovered ticket = %+v", uncovered)
	}
	in.Title, in.DeviceID = "已响应", devOK
	answered := e.open(t, asA, in)
	e.at(t0.Add(time.Hour))
	if _, _, err := e.svc.StaffReply(context.Background(), asAg1, answered.ID, loaded(answered), ticket.StaffInput{Body: "正在查看"}); err != nil {
		t.Fatal(err)
	}
	from := len(e.outbox.Notices())
	if r := e.runAt(t, t0.Add(90*time.Minute-time.Second)); r.Warned != 0 {
		t.Fatalf("31 minutes before: %+v", r)
	}
	if r := e.runAt(t, t0.Add(90*time.Minute)); r.Warned != 2 {
		t.Fatalf("30 minutes before: %+v", r)
	}
	wantSent(t, "warning", e.sent(from),
		"ticket_breach_warning a1@example.com en", "ticket_breach_warning a2@example.com zh-CN", "ticket_breach_warning admin@example.com en",
		"ticket_breach_warning a2@example.com zh-CN")
	for _, n := range e.notices(from) {
		if n.Data["DueTime"] != "2026-11-27T04:00:00Z" || !strings.HasPrefix(n.Data["Path"].(string), "/staff/tickets/") {
			t.Errorf("warning data = %v", n.Data)
		}
	}
	if a := e.audited(t, "ticket_breach_warning"); len(a) != 2 {
		t.Errorf("audited warnings = %+v", a)
	}
	if r := e.runAt(t, t0.Add(100*time.Minute)); r.Warned != 0 || len(e.notices(from)) != 4 {
		t.Errorf("warned again: %+v, %q", r, e.sent(from))
	}
	if st := e.status(t, open.ID); st.Status != ticket.StatusNew || st.Version != open.Version {
		t.Errorf("a warning changed the ticket: %+v", st)
	}
}

// TestTimerFailureDoesNotHoldOthersBack: a ticket the rule fails on (its
// customer cannot be looked up to be told) stays as it was, the rule goes on
// with the next ticket, the run reports the failure with the ticket's id,
// and the next run handles the failed ticket once it can.
func TestTimerFailureDoesNotHoldOthersBack(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	first := e.open(t, asA, input())
	in := input()
	in.Title = "第二张"
	second := e.open(t, asA2, in)
	e.setStatus(t, first.ID, ticket.StatusResolved)
	e.setStatus(t, second.ID, ticket.StatusResolved)
	e.people.mu.Lock()
	e.people.failFor = custA
	e.people.mu.Unlock()
	*e.now = t0.Add(7 * day)
	r, err := e.svc.RunTimers(context.Background())
	if err == nil || !strings.Contains(err.Error(), "ticket "+strconv.FormatInt(first.ID, 10)) {
		t.Errorf("RunTimers error = %v, want the failed ticket named", err)
	}
	if r.Closed != 1 || e.status(t, first.ID).Status != ticket.StatusResolved || e.status(t, second.ID).Status != ticket.StatusClosed {
		t.Fatalf("run = %+v; first %s, second %s", r, e.status(t, first.ID).Status, e.status(t, second.ID).Status)
	}
	e.people.mu.Lock()
	e.people.failFor = 0
	e.people.mu.Unlock()
	if r := e.runAt(t, t0.Add(7*day+time.Minute)); r.Closed != 1 || e.status(t, first.ID).Status != ticket.StatusClosed {
		t.Errorf("next run = %+v; first %s", r, e.status(t, first.ID).Status)
	}
}
