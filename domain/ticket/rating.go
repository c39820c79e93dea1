package ticket

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supportal/domain"
)

// Rating is a customer's 满意度评价 of a resolved or closed ticket: a score
// from 1 to 5 and an optional comment.
type Rating struct {
	Score   int // 1–5; 0: not rated
	Comment string
	ByID    int64
	ByName  string
	// FirstAt is when the ticket was first rated: the rating may change
	// until RatingWindow after it. At is the last change.
	FirstAt time.Time
	At      time.Time
}

// Rated tells whether the ticket has a rating.
func (r Rating) Rated() bool { return r.Score > 0 }

// RatingWindow is how long after it was first given a rating may change.
const RatingWindow = 7 * 24 * time.Hour

// MaxRatingComment bounds a rating's comment, in characters.
const MaxRatingComment = 1000

// Changeable tells whether the rating may still change at now (a ticket
// without a rating may be rated).
func (r Rating) Changeable(now time.Time) bool {
	return !r.Rated() || now.Before(r.FirstAt.Add(RatingWindow))
}

// RatingInput is what the rating form sends.
type RatingInput struct {
	Score   int
	Comment string
}

var (
	errRatingOpen  = domain.E(domain.Invalid, "error.ticket.rating_open")
	errRatingFixed = domain.E(domain.Conflict, "error.ticket.rating_fixed")
)

// checkRating validates the form, each error next to its field.
func checkRating(in RatingInput) (RatingInput, error) {
	in.Comment = strings.TrimSpace(strings.ReplaceAll(in.Comment, "\r\n", "\n"))
	var errs domain.Errors
	if in.Score < 1 || in.Score > 5 {
		errs = append(errs, domain.FieldError("score", "error.ticket.rating_score"))
	}
	switch {
	case utf8.RuneCountInString(in.Comment) > MaxRatingComment:
		errs = append(errs, domain.FieldError("comment", "error.ticket.rating_comment_long").With("Max", MaxRatingComment))
	case !utf8.ValidString(in.Comment) || strings.ContainsRune(in.Comment, 0):
		errs = append(errs, domain.FieldError("comment", "error.ticket.description_invalid"))
	}
	return in, errs.Err()
}

// Rate records the customer's rating of a resolved or closed ticket of its
// company, or changes it within RatingWindow of the first one; after that
// the rating is fixed (Conflict, error.ticket.rating_fixed). An open ticket
// is refused (error.ticket.rating_open); another company's ticket is
// NotFound. The rating, its history event and its audit event are one unit
// of work.
func (s *Service) Rate(ctx context.Context, a Actor, id int64, in RatingInput) (Ticket, error) {
	p, err := s.customer(ctx, a)
	if err != nil {
		return Ticket{}, err
	}
	if _, err := s.own(ctx, a.CompanyID, id); err != nil {
		return Ticket{}, err
	}
	if in, err = checkRating(in); err != nil {
		return Ticket{}, err
	}
	now := s.now()
	var out Ticket
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		var old Rating
		t, err := st.Ratings.Rate(ctx, id, func(t Ticket) (Rating, error) {
			if t.Open() {
				return Rating{}, errRatingOpen
			}
			if !t.Rating.Changeable(now) {
				return Rating{}, errRatingFixed
			}
			old = t.Rating
			r := Rating{Score: in.Score, Comment: in.Comment, ByID: p.ID, ByName: p.Name, FirstAt: now, At: now}
			if old.Rated() {
				r.FirstAt = old.FirstAt
			}
			return r, nil
		})
		if err != nil {
			return err
		}
		out = t
		ev := Event{TicketID: id, At: now, ActorID: p.ID, ActorName: p.Name, ActorRole: RoleCustomer, Kind: EventRating,
			From: scoreText(old.Score), To: scoreText(in.Score)}
		if err := st.Threads.AddEvent(ctx, ev); err != nil {
			return err
		}
		detail := t.Number + " " + ev.To
		if ev.From != "" {
			detail = t.Number + " " + ev.From + "→" + ev.To
		}
		return audit(ctx, st, "ticket_rating", p.ID, now, detail)
	})
	return out, err
}

func scoreText(score int) string {
	if score == 0 {
		return ""
	}
	return strconv.Itoa(score)
}
