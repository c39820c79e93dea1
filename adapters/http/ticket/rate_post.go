package ticket

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	tk "supportal/domain/ticket"
)

// ratingView is the 满意度评价 part of a ticket's page: shown on a resolved
// or closed ticket, with the form while the rating may still change.
type ratingView struct {
	Show    bool // resolved or closed, or rated before a reopening
	CanRate bool // resolved or closed, and not rated yet or within the week after the first rating
	Fixed   bool // rated more than a week ago: it no longer changes
	R       tk.Rating
	// Until is when the rating becomes fixed (zero: not rated yet).
	Until  time.Time
	URL    string
	Scores []int
	Max    int
}

// ratingData builds the rating part of the ticket's page at now.
func ratingData(t tk.Ticket, now time.Time) ratingView {
	v := ratingView{Show: !t.Open() || t.Rating.Rated(), R: t.Rating, URL: ticketURL(t.ID) + "/rating", Scores: []int{5, 4, 3, 2, 1},
		Max: tk.MaxRatingComment}
	v.CanRate = !t.Open() && t.Rating.Changeable(now)
	v.Fixed = !t.Rating.Changeable(now)
	if t.Rating.Rated() {
		v.Until = t.Rating.FirstAt.Add(tk.RatingWindow)
	}
	return v
}

// rate answers POST /tickets/:id/rating (the 满意度评价 form): 303 back to
// the ticket with 感谢您的评价 (HX-Redirect for htmx), or the ticket again with
// the error summary and the messages next to the score and the comment, 422.
func (h *Handler) rate(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(web.FormValue(c, "score"))
	score, _ := strconv.Atoi(raw) // anything but 1–5 is refused by the service
	comment := web.FormValue(c, "comment")
	t, err := h.svc.Rate(c.UserContext(), actor(c), id, tk.RatingInput{Score: score, Comment: comment})
	if err != nil {
		return h.refused(c, id, h.notFoundUnverified(err), map[string]string{"score": raw, "comment": comment})
	}
	flash := "flash.ticket_rated"
	if t.Rating.FirstAt.Before(t.Rating.At) {
		flash = "flash.ticket_rating_changed"
	}
	h.s.SetFlash(c, flash)
	return h.s.Redirect(c, ticketURL(id))
}
