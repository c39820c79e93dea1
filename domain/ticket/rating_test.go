package ticket_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// resolved opens a ticket of company A and has an agent resolve it.
func (e *env) resolved(t *testing.T) ticket.Ticket {
	t.Helper()
	tk := e.open(t, asA, input())
	tk, err := e.svc.SetStatus(context.Background(), asAg1, tk.ID, loaded(tk), ticket.StatusResolved)
	if err != nil {
		t.Fatalf("SetStatus(resolved): %v", err)
	}
	return tk
}

// ratingEvents returns the rating entries of the ticket's history.
func (e *env) ratingEvents(t *testing.T, id int64) []ticket.Event {
	t.Helper()
	hist, err := e.store.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []ticket.Event
	for _, ev := range hist {
		if ev.Kind == ticket.EventRating {
			out = append(out, ev)
		}
	}
	return out
}

// ratingAudits returns the details of the ticket_rating audit events.
func (e *env) ratingAudits(t *testing.T) []string {
	t.Helper()
	evs, err := e.audit.Events(context.Background(), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if ev.Type == "ticket_rating" {
			out = append(out, ev.Detail)
		}
	}
	return out
}

func TestRateOnceAndChangeWithinAWeek(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	tk := e.resolved(t)
	first := *e.now
	got, err := e.svc.Rate(ctx, asA, tk.ID, ticket.RatingInput{Score: 4, Comment: "  响应很快\r\n谢谢  "})
	if err != nil {
		t.Fatalf("Rate: %v", err)
	}
	want := ticket.Rating{Score: 4, Comment: "响应很快\n谢谢", ByID: custA, ByName: "王敏", FirstAt: first, At: first}
	if got.Rating != want {
		t.Errorf("Rate stored %+v, want %+v", got.Rating, want)
	}
	if got.Version != tk.Version || got.Status != ticket.StatusResolved {
		t.Errorf("rating changed the ticket: version %d→%d, status %s", tk.Version, got.Version, got.Status)
	}
	// A colleague of the company changes it six days later; the first
	// rating's time stays, so the window does not move.
	*e.now = first.Add(6 * 24 * time.Hour)
	got, err = e.svc.Rate(ctx, asA2, tk.ID, ticket.RatingInput{Score: 2})
	if err != nil {
		t.Fatalf("Rate within the week: %v", err)
	}
	want = ticket.Rating{Score: 2, ByID: custA2, ByName: "Lily", FirstAt: first, At: *e.now}
	if got.Rating != want {
		t.Errorf("changed rating %+v, want %+v", got.Rating, want)
	}
	// Seven days after the first rating it is fixed.
	*e.now = first.Add(ticket.RatingWindow)
	_, err = e.svc.Rate(ctx, asA, tk.ID, ticket.RatingInput{Score: 5})
	if k, key := kindKey(err); k != domain.Conflict || key != "error.ticket.rating_fixed" {
		t.Errorf("Rate after the week = %v, want Conflict error.ticket.rating_fixed", err)
	}
	read, _ := e.store.Ticket(ctx, tk.ID)
	if read.Rating != want {
		t.Errorf("a refused change stored %+v, want %+v kept", read.Rating, want)
	}
	evs := e.ratingEvents(t, tk.ID)
	if len(evs) != 2 || evs[0].From != "" || evs[0].To != "4" || evs[0].ActorName != "王敏" ||
		evs[1].From != "4" || evs[1].To != "2" || evs[1].ActorID != custA2 || evs[1].ActorRole != ticket.RoleCustomer {
		t.Errorf("rating history %+v, want 4 by 王敏 then 4→2 by Lily", evs)
	}
	if a := e.ratingAudits(t); len(a) != 2 || a[0] != tk.Number+" 4" || a[1] != tk.Number+" 4→2" {
		t.Errorf("rating audit %q", a)
	}
}

func TestRateClosedTicket(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	if _, err := e.svc.Close(ctx, asA, tk.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Rate(ctx, asA, tk.ID, ticket.RatingInput{Score: 5, Comment: "好"})
	if err != nil || got.Rating.Score != 5 || got.Rating.Comment != "好" {
		t.Fatalf("Rate(closed) = %+v, %v", got.Rating, err)
	}
}

func TestRateRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, ticket.Limits{})
	open := e.open(t, asA, input())
	done := e.resolved(t)
	for _, tt := range []struct {
		name     string
		a        ticket.Actor
		id       int64
		in       ticket.RatingInput
		kind     domain.Kind
		key      string
		fieldKey map[string]string
	}{
		{"open ticket", asA, open.ID, ticket.RatingInput{Score: 5}, domain.Invalid, "error.ticket.rating_open", nil},
		{"another company", asB, done.ID, ticket.RatingInput{Score: 1}, domain.NotFound, "error.ticket.not_found", nil},
		{"unknown ticket", asA, done.ID + 99, ticket.RatingInput{Score: 1}, domain.NotFound, "error.ticket.not_found", nil},
		{"reviewer", asRev, done.ID, ticket.RatingInput{Score: 5}, domain.Forbidden, "error.ticket.forbidden", nil},
		{"agent", asAg1, done.ID, ticket.RatingInput{Score: 5}, domain.Forbidden, "error.ticket.forbidden", nil},
		{"no score", asA, done.ID, ticket.RatingInput{Comment: "x"}, domain.Invalid, "",
			map[string]string{"score": "error.ticket.rating_score"}},
		{"score 6, comment too long", asA, done.ID, ticket.RatingInput{Score: 6, Comment: strings.Repeat("长", ticket.MaxRatingComment+1)},
			domain.Invalid, "", map[string]string{"score": "error.ticket.rating_score", "comment": "error.ticket.rating_comment_long"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Rate(ctx, tt.a, tt.id, tt.in)
			if tt.fieldKey != nil {
				got := fieldKeys(err)
				if len(got) != len(tt.fieldKey) {
					t.Errorf("field errors %v, want %v", got, tt.fieldKey)
				}
				for f, k := range tt.fieldKey {
					if got[f] != k {
						t.Errorf("field %s: %q, want %q (err %v)", f, got[f], k, err)
					}
				}
				return
			}
			if k, key := kindKey(err); k != tt.kind || key != tt.key {
				t.Errorf("Rate = %v (%v %q), want %v %s", err, k, key, tt.kind, tt.key)
			}
		})
	}
	// A comment of exactly the limit is accepted.
	if _, err := e.svc.Rate(ctx, asA, done.ID, ticket.RatingInput{Score: 3, Comment: strings.Repeat("长", ticket.MaxRatingComment)}); err != nil {
		t.Errorf("Rate with a comment of %d characters: %v", ticket.MaxRatingComment, err)
	}
	for _, id := range []int64{open.ID} {
		if tk, _ := e.store.Ticket(ctx, id); tk.Rating.Rated() || len(e.ratingEvents(t, id)) != 0 {
			t.Errorf("a refused rating was stored on %d: %+v", id, tk.Rating)
		}
	}
	if a := e.ratingAudits(t); len(a) != 1 {
		t.Errorf("audit %q, want only the accepted rating", a)
	}
}

// TestResolutionMailInvitesRating: the customers' mail of a resolution
// invites a rating; the agents' mails never do, and once the ticket is
// rated the closing mail no longer asks.
func TestResolutionMailInvitesRating(t *testing.T) {
	e := newEnv(t, ticket.Limits{})
	tk := e.open(t, asA, input())
	from := len(e.outbox.Notices())
	e.setStatus(t, tk.ID, ticket.StatusResolved)
	ns := e.notices(from)
	if len(ns) == 0 {
		t.Fatal("no notice of the resolution")
	}
	for _, n := range ns {
		if n.Template == ticket.NoticeStatus && n.Data["Rate"] != true {
			t.Errorf("the resolution mail to %s does not invite a rating: %v", n.To, n.Data)
		}
	}
	if _, err := e.svc.Rate(context.Background(), asA, tk.ID, ticket.RatingInput{Score: 5}); err != nil {
		t.Fatal(err)
	}
	from = len(e.outbox.Notices())
	e.setStatus(t, tk.ID, ticket.StatusClosed)
	for _, n := range e.notices(from) {
		if _, asks := n.Data["Rate"]; asks {
			t.Errorf("a rated ticket's closing mail to %s invites a rating", n.To)
		}
	}
}
