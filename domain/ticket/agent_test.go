package ticket_test

import (
	"context"
	"errors"
	"testing"

	"supportal/domain"
	"supportal/domain/ticket"
)

// TestStaffReplyUnitOfWork: when a notice of a staff reply cannot be
// written (a follower cannot be looked up), the reply, its file, its status
// change and its history are all discarded; every agent change refuses a
// stale version.
func TestStaffReplyUnitOfWork(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	files, notices := e.fileCount(t), len(e.outbox.Notices())
	e.people.failFor = custA
	_, _, err := e.svc.StaffReply(ctx, asAg1, tk.ID, loaded(tk), ticket.StaffInput{Body: "请重启", Next: ticket.StatusWaiting,
		Files: []ticket.Upload{upload("steps.txt", []byte("1. reboot\n"))}})
	if err == nil {
		t.Fatal("StaffReply succeeded")
	}
	e.people.failFor = 0
	cur, _ := e.store.Ticket(ctx, tk.ID)
	msgs, _ := e.store.Messages(ctx, tk.ID, true)
	evs, _ := e.store.Events(ctx, tk.ID)
	if cur.Version != tk.Version || cur.Status != ticket.StatusNew || !cur.FirstResponseAt.IsZero() || len(msgs) != 1 || len(evs) != 1 ||
		e.fileCount(t) != files || len(e.outbox.Notices()) != notices {
		t.Errorf("after a failed reply: %+v, %d messages, %d events, %d files, %d notices", cur, len(msgs), len(evs), e.fileCount(t), len(e.outbox.Notices()))
	}
	tk2, err := e.svc.SetPriority(ctx, asAg1, tk.ID, loaded(tk), ticket.P1)
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"priority": func() error { _, err := e.svc.SetPriority(ctx, asAg2, tk.ID, loaded(tk), ticket.P4); return err }(),
		"category": func() error {
			_, err := e.svc.SetCategory(ctx, asAg2, tk.ID, loaded(tk), ticket.CategoryOther)
			return err
		}(),
		"assign": func() error { _, err := e.svc.Assign(ctx, asAg2, tk.ID, loaded(tk), 0); return err }(),
		"note": func() error {
			_, _, err := e.svc.StaffReply(ctx, asAg2, tk.ID, loaded(tk), ticket.StaffInput{Body: "n", Internal: true})
			return err
		}(),
	} {
		var stale *ticket.StaleError
		if !errors.As(err, &stale) || stale.Current.Priority != ticket.P1 {
			t.Errorf("stale %s: %v", name, err)
		}
	}
	if cur, _ := e.store.Ticket(ctx, tk.ID); cur.Version != tk2.Version || cur.Priority != ticket.P1 || cur.Category != ticket.CategoryFault {
		t.Errorf("stale changes were applied: %+v", cur)
	}
	if _, err := e.svc.SetStatus(ctx, asAg1, tk.ID, loaded(tk2), ticket.StatusNew); domain.As(err).Key != "error.ticket.transition" {
		t.Errorf("back to new: %v", err)
	}
}
