package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"supportal/domain"
	"supportal/domain/ticket"
)

// testTicketRate: Rate stores the rating on the ticket, where Ticket and
// List read it, without changing the version or activity time; Update
// keeps it whatever its function sets; Rate replaces it; an unknown ticket
// is NotFound.
func testTicketRate(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "甲公司")
	tk := createTicket(t, b, newTicket(companyID, customer, "待评价", ticketBase), "")
	other := createTicket(t, b, newTicket(companyID, customer, "未评价", ticketBase), "")
	at := ticketBase.Add(time.Hour)
	want := ticket.Rating{Score: 4, Comment: "响应及时，\n谢谢", ByID: customer, ByName: "王芳", FirstAt: at, At: at}
	var seen ticket.Ticket
	got, err := b.Ratings.Rate(ctx, tk.ID, func(x ticket.Ticket) (ticket.Rating, error) { seen = x; return want, nil })
	must(t, err)
	if seen.ID != tk.ID || seen.Rating.Rated() {
		t.Errorf("Rate's function saw ticket %d rated %+v, want ticket %d without a rating", seen.ID, seen.Rating, tk.ID)
	}
	if !reflect.DeepEqual(got.Rating, want) || got.Version != tk.Version || !got.UpdatedAt.Equal(tk.UpdatedAt) {
		t.Errorf("Rate returned rating %+v version %d updated %v, want %+v version %d updated %v",
			got.Rating, got.Version, got.UpdatedAt, want, tk.Version, tk.UpdatedAt)
	}
	read, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	if !reflect.DeepEqual(read.Rating, want) {
		t.Errorf("Ticket().Rating = %+v, want %+v", read.Rating, want)
	}
	rows, _, err := b.Tickets.List(ctx, ticket.Filter{CompanyID: companyID, Sort: ticket.SortActivity, Limit: 10}, 0)
	must(t, err)
	ratings := map[int64]ticket.Rating{}
	for _, r := range rows {
		ratings[r.ID] = r.Rating
	}
	if !reflect.DeepEqual(ratings[tk.ID], want) || ratings[other.ID].Rated() {
		t.Errorf("List ratings = %+v, want %+v on %d and none on %d", ratings, want, tk.ID, other.ID)
	}
	_, err = b.Tickets.Update(ctx, tk.ID, func(x *ticket.Ticket) error {
		x.Title, x.Rating = "改了标题", ticket.Rating{Score: 1, Comment: "不应保存"}
		return nil
	})
	must(t, err)
	read, err = b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	if read.Title != "改了标题" || !reflect.DeepEqual(read.Rating, want) {
		t.Errorf("after Update: title %q rating %+v, want 改了标题 and the rating %+v kept", read.Title, read.Rating, want)
	}
	changed := want
	changed.Score, changed.Comment, changed.At = 2, "", at.Add(time.Hour)
	got, err = b.Ratings.Rate(ctx, tk.ID, func(x ticket.Ticket) (ticket.Rating, error) { seen = x; return changed, nil })
	must(t, err)
	if !reflect.DeepEqual(seen.Rating, want) || !reflect.DeepEqual(got.Rating, changed) {
		t.Errorf("second Rate saw %+v and stored %+v, want to see %+v and store %+v", seen.Rating, got.Rating, want, changed)
	}
	_, err = b.Ratings.Rate(ctx, tk.ID+1000, func(ticket.Ticket) (ticket.Rating, error) { return want, nil })
	wantError(t, "Rate(unknown)", err, domain.NotFound, "error.ticket.not_found")
}

// testTicketRateFnError: when Rate's function fails nothing is stored and
// its error is returned with the ticket as it was.
func testTicketRateFnError(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	companyID, customer := b.Customer(t, 0, "乙公司")
	tk := createTicket(t, b, newTicket(companyID, customer, "不评", ticketBase), "")
	boom := errors.New("refused")
	got, err := b.Ratings.Rate(ctx, tk.ID, func(ticket.Ticket) (ticket.Rating, error) {
		return ticket.Rating{Score: 5, FirstAt: ticketBase, At: ticketBase}, boom
	})
	if !errors.Is(err, boom) || got.ID != tk.ID {
		t.Errorf("Rate with a failing function = ticket %d, %v; want ticket %d, %v", got.ID, err, tk.ID, boom)
	}
	read, err := b.Tickets.Ticket(ctx, tk.ID)
	must(t, err)
	if read.Rating.Rated() {
		t.Errorf("a refused Rate stored %+v", read.Rating)
	}
}
