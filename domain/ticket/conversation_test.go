package ticket_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// TestConversation: an agent assigns, replies and sets 待客户反馈 in one step
// (the customers hear of the reply and of the status); the customer's reply
// brings it back to 处理中 and reaches the assignee; resolved, the customer
// reopens it within 30 days but not after; closed, a follow-up is
// prefilled and linked.
func TestConversation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	if _, err := e.svc.Reply(ctx, asA2, tk.ID, "我也遇到了", nil); err != nil { // a colleague follows by replying
		t.Fatal(err)
	}
	tk, _ = e.store.Ticket(ctx, tk.ID)
	tk, err := e.svc.Assign(ctx, asAg1, tk.ID, loaded(tk), 0)
	if err != nil || tk.AssigneeID != agent1 || tk.AssigneeName != "Agent One" {
		t.Fatalf("Assign = %+v, %v", tk, err)
	}
	*e.now = e.now.Add(10 * time.Minute)
	from := len(e.outbox.Notices())
	_, tk, err = e.svc.StaffReply(ctx, asAg1, tk.ID, loaded(tk), ticket.StaffInput{Body: "请提供日志 <b>now</b>", Next: ticket.StatusWaiting,
		Files: []ticket.Upload{upload("guide.txt", []byte("steps\n"))}})
	if err != nil || tk.Status != ticket.StatusWaiting || !tk.FirstResponseAt.Equal(*e.now) {
		t.Fatalf("StaffReply = %+v, %v", tk, err)
	}
	if !tk.NextDue.IsZero() && !tk.NextDue.After(*e.now) {
		t.Errorf("next due after the reply: %v", tk.NextDue)
	}
	got := map[string]string{}
	for _, n := range e.notices(from) {
		got[n.To+" "+n.Template] = n.Lang
		if n.Template == ticket.NoticeReply && (n.Data["Body"] != "请提供日志 <b>now</b>" || n.Data["Files"] != "guide.txt") {
			t.Errorf("reply notice data %v", n.Data)
		}
	}
	want := map[string]string{"wang@example.com ticket_reply": "zh-CN", "lily@example.com ticket_reply": "en",
		"wang@example.com ticket_status": "zh-CN", "lily@example.com ticket_status": "en"}
	if len(got) != len(want) {
		t.Errorf("notices %v", got)
	}
	for k, l := range want {
		if got[k] != l {
			t.Errorf("notice %s: %q, want %q (all %v)", k, got[k], l, got)
		}
	}
	from = len(e.outbox.Notices())
	if _, err := e.svc.Reply(ctx, asA, tk.ID, "日志见附件", []ticket.Upload{upload("app.log", []byte("err 42\n"))}); err != nil {
		t.Fatal(err)
	}
	tk, _ = e.store.Ticket(ctx, tk.ID)
	if tk.Status != ticket.StatusInProgress {
		t.Errorf("after the customer's reply: %s", tk.Status)
	}
	if ns := e.notices(from); len(ns) != 1 || ns[0].To != "a1@example.com" || ns[0].Template != ticket.NoticeCustomerReply || ns[0].Data["Body"] != "日志见附件" {
		t.Errorf("customer reply notices %+v", ns)
	}
	if tk, err = e.svc.SetStatus(ctx, asAg1, tk.ID, loaded(tk), ticket.StatusResolved); err != nil || !tk.ResolvedAt.Equal(*e.now) {
		t.Fatalf("resolve: %+v %v", tk, err)
	}
	*e.now = e.now.Add(29 * 24 * time.Hour)
	from = len(e.outbox.Notices())
	if tk, err = e.svc.Reopen(ctx, asA, tk.ID); err != nil || tk.Status != ticket.StatusInProgress || !tk.ResolvedAt.IsZero() {
		t.Fatalf("reopen: %+v %v", tk, err)
	}
	if ns := e.notices(from); len(ns) != 1 || ns[0].To != "a1@example.com" || ns[0].Template != ticket.NoticeStatus {
		t.Errorf("reopen notices %+v", ns)
	}
	tk, _ = e.svc.SetStatus(ctx, asAg1, tk.ID, loaded(tk), ticket.StatusResolved)
	*e.now = e.now.Add(31 * 24 * time.Hour)
	if _, err := e.svc.Reopen(ctx, asA, tk.ID); domain.As(err).Key != "error.ticket.reopen_late" {
		t.Errorf("late reopen: %v", err)
	}
	if _, err := e.svc.Reply(ctx, asA, tk.ID, "还在吗", nil); domain.As(err).Key != "error.ticket.reopen_late" {
		t.Errorf("late reply: %v", err)
	}
	if _, err := e.svc.FollowUp(ctx, asA, tk.ID); domain.As(err).Key != "error.ticket.follow_up_open" {
		t.Errorf("follow-up of a resolved ticket: %v", err)
	}
	from = len(e.outbox.Notices())
	if tk, err = e.svc.Close(ctx, asA, tk.ID); err != nil || tk.Status != ticket.StatusClosed {
		t.Fatalf("close: %v", err)
	}
	got = map[string]string{}
	for _, n := range e.notices(from) {
		got[n.To] = n.Template
	}
	if len(got) != 2 || got["lily@example.com"] != ticket.NoticeStatus || got["a1@example.com"] != ticket.NoticeStatus {
		t.Errorf("close notices: %v (the colleague and the assignee, not the closer)", got)
	}
	if _, err := e.svc.Reply(ctx, asA, tk.ID, "again", nil); domain.As(err).Key != "error.ticket.closed" {
		t.Errorf("reply on a closed ticket: %v", err)
	}
	f, err := e.svc.FollowUp(ctx, asA, tk.ID)
	if err != nil || f.Prefill.FollowUpOf != tk.ID || f.Prefill.Title != "阵列告警" || f.Device == nil || f.Device.ID != devOK {
		t.Fatalf("FollowUp = %+v, %v", f, err)
	}
	in := f.Prefill
	in.Description = "又出现了"
	if next := e.open(t, asA, in); next.FollowUpOf != tk.ID {
		t.Errorf("follow-up ticket %+v", next)
	}
	evs, _ := e.store.Events(ctx, tk.ID)
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, string(ev.Kind)+":"+ev.To)
	}
	if w := "created:new customer_message: assignee:Agent One staff_reply: status:waiting customer_message: status:in_progress status:resolved status:in_progress status:resolved status:closed"; strings.Join(kinds, " ") != w {
		t.Errorf("history\n got %s\nwant %s", strings.Join(kinds, " "), w)
	}
}

// TestIsolation: customer B never sees A's ticket, thread, attachment or
// device; A never sees internal notes, nor their files, nor their text in
// emails; reviewers and unverified customers get nothing.
func TestIsolation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	in := input()
	in.Files = []ticket.Upload{upload("a.png", pngBytes(t))}
	tk := e.open(t, asA, in)
	from := len(e.outbox.Notices())
	_, tk, err := e.svc.StaffReply(ctx, asAg1, tk.ID, loaded(tk), ticket.StaffInput{Body: "SECRET: 客户合同快到期", Internal: true,
		Next: ticket.StatusWaiting, Files: []ticket.Upload{upload("internal.txt", []byte("secret\n"))}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range e.notices(from) {
		for _, v := range n.Data {
			if s, _ := v.(string); strings.Contains(s, "SECRET") || strings.Contains(s, "internal.txt") {
				t.Errorf("note text in a notice to %s: %v", n.To, n.Data)
			}
		}
		if n.Template != ticket.NoticeStatus {
			t.Errorf("a note sent %s to %s", n.Template, n.To)
		}
	}
	v, err := e.svc.Detail(ctx, asA, tk.ID)
	if err != nil || len(v.Messages) != 1 || v.SLA.FirstResponse.Due.IsZero() {
		t.Fatalf("A's detail = %+v, %v", v, err)
	}
	av, err := e.svc.AgentDetail(ctx, asAg2, tk.ID)
	if err != nil || len(av.Messages) != 2 || !av.Messages[1].Internal || av.Device == nil || av.Device.ID != devOK {
		t.Fatalf("agent detail = %+v, %v", av, err)
	}
	pub, note := v.Messages[0].Attachments[0].ID, av.Messages[1].Attachments[0].ID
	if rc, att, err := e.svc.Attachment(ctx, asA2, pub); err != nil || att.Name != "a.png" {
		t.Errorf("colleague's download: %v", err)
	} else {
		rc.Close()
	}
	if _, _, err := e.svc.Attachment(ctx, asA, note); domain.KindOf(err) != domain.NotFound {
		t.Errorf("customer downloads a note's file: %v", err)
	}
	nf := func(name string, err error) {
		t.Helper()
		if domain.KindOf(err) != domain.NotFound {
			t.Errorf("B %s: %v, want NotFound", name, err)
		}
	}
	_, err = e.svc.Detail(ctx, asB, tk.ID)
	nf("detail", err)
	_, err = e.svc.Reply(ctx, asB, tk.ID, "hi", nil)
	nf("reply", err)
	_, err = e.svc.Close(ctx, asB, tk.ID)
	nf("close", err)
	_, err = e.svc.FollowUp(ctx, asB, tk.ID)
	nf("follow-up", err)
	_, _, err = e.svc.Attachment(ctx, asB, pub)
	nf("attachment", err)
	if l, err := e.svc.List(ctx, asB, ticket.ListQuery{Show: ticket.ShowAll, Search: tk.Number}); err != nil || len(l.Tickets) != 0 {
		t.Errorf("B's list = %+v, %v", l, err)
	}
	rc, _, err := e.svc.Attachment(ctx, asAdmin, note)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "secret\n" {
		t.Errorf("admin read %q", b)
	}
	evs, _ := e.audit.Events(ctx, time.Time{}, 100)
	if last := evs[len(evs)-1]; last.Type != "ticket_attachment_download" || last.ActorID != admin {
		t.Errorf("staff download audit = %+v", last)
	}
	forbidden := map[string]func(a ticket.Actor) error{
		"list":    func(a ticket.Actor) error { _, err := e.svc.List(ctx, a, ticket.ListQuery{}); return err },
		"detail":  func(a ticket.Actor) error { _, err := e.svc.Detail(ctx, a, tk.ID); return err },
		"create":  func(a ticket.Actor) error { _, err := e.svc.Create(ctx, a, input()); return err },
		"prepare": func(a ticket.Actor) error { _, err := e.svc.Prepare(ctx, a, 0, ""); return err },
		"file":    func(a ticket.Actor) error { _, _, err := e.svc.Attachment(ctx, a, pub); return err },
		"queue":   func(a ticket.Actor) error { _, err := e.svc.Queue(ctx, a, ticket.QueueQuery{}); return err },
		"agent":   func(a ticket.Actor) error { _, err := e.svc.AgentDetail(ctx, a, tk.ID); return err },
		"assign":  func(a ticket.Actor) error { _, err := e.svc.Assign(ctx, a, tk.ID, loaded(tk), 0); return err },
		"status": func(a ticket.Actor) error {
			_, err := e.svc.SetStatus(ctx, a, tk.ID, loaded(tk), ticket.StatusResolved)
			return err
		},
	}
	for name, call := range forbidden {
		if k, _ := kindKey(call(asRev)); k != domain.Forbidden {
			t.Errorf("reviewer %s: %v", name, k)
		}
		if name == "queue" || name == "agent" || name == "assign" || name == "status" {
			if k, _ := kindKey(call(asA)); k != domain.Forbidden {
				t.Errorf("customer %s: %v", name, k)
			}
			continue
		}
		if k, key := kindKey(call(asUnver)); k != domain.Forbidden || key != "error.verification.required" {
			t.Errorf("unverified %s: %v %s", name, k, key)
		}
	}
}

// TestStaleAndRace: a change on an older version is refused with what
// changed since; of two agents assigning at once, one wins.
func TestStaleAndRace(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	seen := loaded(tk)
	*e.now = e.now.Add(time.Minute)
	if _, err := e.svc.Reply(ctx, asA, tk.ID, "补充信息", nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.SetStatus(ctx, asAg1, tk.ID, seen, ticket.StatusResolved)
	var stale *ticket.StaleError
	if !errors.As(err, &stale) || domain.As(err).Key != "error.ticket.stale" || domain.KindOf(err) != domain.Conflict {
		t.Fatalf("stale change: %v", err)
	}
	if stale.Current.Version != 2 || len(stale.Changes) != 1 || stale.Changes[0].Kind != ticket.EventCustomerReply {
		t.Errorf("conflict = %+v", stale)
	}
	if cur, _ := e.store.Ticket(ctx, tk.ID); cur.Status != ticket.StatusNew || cur.Version != 2 {
		t.Errorf("the stale change was applied: %+v", cur)
	}
	if _, _, err := e.svc.StaffReply(ctx, asAg1, tk.ID, seen, ticket.StaffInput{Body: "x"}); domain.KindOf(err) != domain.Conflict {
		t.Errorf("stale reply: %v", err)
	}
	cur, _ := e.store.Ticket(ctx, tk.ID)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []ticket.Actor{asAg1, asAg2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.svc.Assign(ctx, a, tk.ID, loaded(cur), 0)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case domain.KindOf(err) != domain.Conflict:
			t.Errorf("loser: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d assignments won: %v", won, errs)
	}
	if evs, _ := e.store.Events(ctx, tk.ID); evs[len(evs)-1].Kind != ticket.EventAssignee || evs[len(evs)-2].Kind == ticket.EventAssignee {
		t.Errorf("history: %+v", evs)
	}
	if _, err := e.svc.Assign(ctx, asAg1, tk.ID, ticket.Loaded{}, review); fieldKeys(err)["assignee"] != "error.ticket.assignee_unknown" {
		t.Errorf("assigning a reviewer: %v", err)
	}
}
