package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// TimerBackend is a ticket store under test with its timed rules' claims.
type TimerBackend struct {
	TicketBackend
	Timers ticket.Timers
}

// TicketTimers runs the contract of the timed rules' claims. newBackend
// returns empty stores; it is called once per subtest, and subtests run in
// parallel.
func TicketTimers(t *testing.T, newBackend func(t *testing.T) TimerBackend) {
	tests := []struct {
		name string
		run  func(t *testing.T, b TimerBackend)
	}{
		{"ClaimToClose", testClaimToClose},
		{"ClaimWaiting", testClaimWaiting},
		{"ClaimToWarn", testClaimToWarn},
		{"MarkUnknown", testMarkUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newBackend(t))
		})
	}
}

// timerNow is the "now" of the claims.
var timerNow = ticketBase.Add(30 * 24 * time.Hour)

const days = 24 * time.Hour // a calendar day of the timed rules

// timerTicket creates a ticket of a new customer and sets what set changes.
func timerTicket(t *testing.T, b TimerBackend, title string, set func(*ticket.Ticket)) ticket.Ticket {
	t.Helper()
	companyID, customer := b.Customer(t, 0, "公司")
	tk := createTicket(t, b.TicketBackend, newTicket(companyID, customer, title, ticketBase), "")
	tk, err := b.Tickets.Update(t.Context(), tk.ID, func(x *ticket.Ticket) error { set(x); return nil })
	must(t, err)
	return tk
}

// moved records a status event of the ticket at at.
func moved(t *testing.T, b TimerBackend, id int64, from, to ticket.Status, at time.Time) {
	t.Helper()
	must(t, b.Threads.AddEvent(t.Context(), ticket.Event{TicketID: id, At: at, ActorRole: ticket.RoleStaff,
		Kind: ticket.EventStatus, From: string(from), To: string(to)}))
}

// claimAll claims until claim finds nothing, calling done on each ticket
// (which must make it no longer due), and returns the titles claimed.
func claimAll(t *testing.T, claim func(context.Context) (ticket.Ticket, bool, error), done func(ticket.Ticket)) []string {
	t.Helper()
	var got []string
	for range 20 {
		tk, ok, err := claim(t.Context())
		must(t, err)
		if !ok {
			slices.Sort(got)
			return got
		}
		got = append(got, tk.Title)
		done(tk)
	}
	t.Fatalf("claims never end: %v", got)
	return nil
}

func wantClaims(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s claimed %q, want %q", what, got, want)
	}
}

func testClaimToClose(t *testing.T, b TimerBackend) {
	resolved := func(at time.Time) func(*ticket.Ticket) {
		return func(x *ticket.Ticket) { x.Status, x.ResolvedAt = ticket.StatusResolved, at }
	}
	timerTicket(t, b, "八天前解决", resolved(timerNow.Add(-8*days)))
	timerTicket(t, b, "正好七天", resolved(timerNow.Add(-7*days)))
	timerTicket(t, b, "六天前解决", resolved(timerNow.Add(-6*days)))
	timerTicket(t, b, "已关闭", func(x *ticket.Ticket) {
		x.Status, x.ResolvedAt, x.ClosedAt = ticket.StatusClosed, timerNow.Add(-20*days), timerNow.Add(-13*days)
	})
	timerTicket(t, b, "处理中", func(x *ticket.Ticket) { x.Status = ticket.StatusInProgress })
	// A claim passes over the tickets it is told to skip.
	first, ok, err := b.Timers.ClaimToClose(t.Context(), timerNow.Add(-7*days), nil)
	must(t, err)
	if !ok || first.Title != "八天前解决" {
		t.Fatalf("first claim: %q %v", first.Title, ok)
	}
	if next, ok, err := b.Timers.ClaimToClose(t.Context(), timerNow.Add(-7*days), []int64{first.ID}); err != nil || !ok || next.Title != "正好七天" {
		t.Errorf("claim skipping %q: %q %v %v", first.Title, next.Title, ok, err)
	}
	got := claimAll(t, func(ctx context.Context) (ticket.Ticket, bool, error) {
		return b.Timers.ClaimToClose(ctx, timerNow.Add(-7*days), nil)
	}, func(tk ticket.Ticket) {
		if tk.Status != ticket.StatusResolved || tk.ID == 0 || tk.Number == "" {
			t.Errorf("claimed %+v", tk)
		}
		_, err := b.Tickets.Update(t.Context(), tk.ID, func(x *ticket.Ticket) error { x.Status = ticket.StatusClosed; return nil })
		must(t, err)
	})
	wantClaims(t, "ClaimToClose", got, "八天前解决", "正好七天")
}

func testClaimWaiting(t *testing.T, b TimerBackend) {
	waiting := func(x *ticket.Ticket) { x.Status = ticket.StatusWaiting }
	long := timerTicket(t, b, "等了十一天", waiting)
	moved(t, b, long.ID, ticket.StatusInProgress, ticket.StatusWaiting, timerNow.Add(-11*days))
	four := timerTicket(t, b, "等了四天", waiting)
	moved(t, b, four.ID, ticket.StatusInProgress, ticket.StatusWaiting, timerNow.Add(-12*days))
	moved(t, b, four.ID, ticket.StatusWaiting, ticket.StatusInProgress, timerNow.Add(-11*days))
	moved(t, b, four.ID, ticket.StatusInProgress, ticket.StatusWaiting, timerNow.Add(-4*days))
	one := timerTicket(t, b, "等了一天", waiting)
	moved(t, b, one.ID, ticket.StatusInProgress, ticket.StatusWaiting, timerNow.Add(-days))
	left := timerTicket(t, b, "客户已回复", func(x *ticket.Ticket) { x.Status = ticket.StatusInProgress })
	moved(t, b, left.ID, ticket.StatusInProgress, ticket.StatusWaiting, timerNow.Add(-20*days))
	moved(t, b, left.ID, ticket.StatusWaiting, ticket.StatusInProgress, timerNow.Add(-19*days))

	resolve := func(ctx context.Context) (ticket.Ticket, bool, error) {
		return b.Timers.ClaimToResolve(ctx, timerNow.Add(-10*days), nil)
	}
	tk, ok, err := resolve(t.Context())
	must(t, err)
	if !ok || tk.ID != long.ID {
		t.Errorf("ClaimToResolve = %q, %v; want %q", tk.Title, ok, long.Title)
	}

	remind := func(ctx context.Context) (ticket.Ticket, bool, error) {
		return b.Timers.ClaimToRemind(ctx, timerNow.Add(-3*days), nil)
	}
	got := claimAll(t, remind, func(tk ticket.Ticket) { must(t, b.Timers.Reminded(t.Context(), tk.ID, timerNow)) })
	wantClaims(t, "ClaimToRemind", got, "等了十一天", "等了四天")
	// A new wait after the reminder is reminded again once it is long
	// enough.
	moved(t, b, four.ID, ticket.StatusWaiting, ticket.StatusInProgress, timerNow.Add(time.Hour))
	moved(t, b, four.ID, ticket.StatusInProgress, ticket.StatusWaiting, timerNow.Add(2*time.Hour))
	later := timerNow.Add(2*time.Hour + 3*days)
	got = claimAll(t, func(ctx context.Context) (ticket.Ticket, bool, error) {
		return b.Timers.ClaimToRemind(ctx, later.Add(-time.Second-3*days), nil)
	}, func(tk ticket.Ticket) { must(t, b.Timers.Reminded(t.Context(), tk.ID, later)) })
	wantClaims(t, "ClaimToRemind a second before the new wait's time", got, "等了一天")
	tk, ok, err = b.Timers.ClaimToRemind(t.Context(), later.Add(-3*days), nil)
	must(t, err)
	if !ok || tk.ID != four.ID {
		t.Errorf("ClaimToRemind after a new wait = %q, %v; want %q", tk.Title, ok, four.Title)
	}
}

func testClaimToWarn(t *testing.T, b TimerBackend) {
	due := func(d time.Duration) func(*ticket.Ticket) {
		return func(x *ticket.Ticket) { x.FirstResponseDue = timerNow.Add(d) }
	}
	timerTicket(t, b, "二十分钟后", due(20*time.Minute))
	timerTicket(t, b, "正好三十分钟", due(30*time.Minute))
	timerTicket(t, b, "待客户反馈中", func(x *ticket.Ticket) {
		x.Status, x.FirstResponseDue = ticket.StatusWaiting, timerNow.Add(time.Minute)
	})
	timerTicket(t, b, "一小时后", due(time.Hour))
	timerTicket(t, b, "已超时", due(-time.Minute))
	timerTicket(t, b, "正好现在", due(0))
	timerTicket(t, b, "无有效维保", func(x *ticket.Ticket) {
		x.Covered, x.Tier, x.FirstResponseDue = false, "", timerNow.Add(10*time.Minute)
	})
	timerTicket(t, b, "已首次响应", func(x *ticket.Ticket) {
		x.Status, x.FirstResponseAt, x.FirstResponseDue = ticket.StatusInProgress, timerNow.Add(-time.Hour), timerNow.Add(10*time.Minute)
	})
	timerTicket(t, b, "已解决", func(x *ticket.Ticket) {
		x.Status, x.ResolvedAt, x.FirstResponseDue = ticket.StatusResolved, timerNow, timerNow.Add(10*time.Minute)
	})
	timerTicket(t, b, "无目标", func(*ticket.Ticket) {})
	got := claimAll(t, func(ctx context.Context) (ticket.Ticket, bool, error) {
		return b.Timers.ClaimToWarn(ctx, timerNow, timerNow.Add(30*time.Minute), nil)
	}, func(tk ticket.Ticket) { must(t, b.Timers.Warned(t.Context(), tk.ID, timerNow)) })
	wantClaims(t, "ClaimToWarn", got, "二十分钟后", "正好三十分钟", "待客户反馈中")
	// A warned ticket stays warned, whatever its target becomes.
	if tk, ok, err := b.Timers.ClaimToWarn(t.Context(), timerNow.Add(30*time.Minute), timerNow.Add(2*time.Hour), nil); err != nil || !ok || tk.Title != "一小时后" {
		t.Errorf("ClaimToWarn up to two hours ahead = %q, %v, %v; want the unwarned 一小时后", tk.Title, ok, err)
	}
}

func testMarkUnknown(t *testing.T, b TimerBackend) {
	for name, mark := range map[string]func(context.Context, int64, time.Time) error{
		"Reminded": b.Timers.Reminded, "Warned": b.Timers.Warned} {
		if err := mark(t.Context(), 999999, timerNow); domain.KindOf(err) != domain.NotFound {
			t.Errorf("%s(unknown) = %v, want NotFound", name, err)
		}
	}
}
