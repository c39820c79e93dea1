package verification

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	verif "supportal/domain/verification"
)

// queueStates are the states a reviewer can filter by; "" is every state.
var queueStates = []string{string(verif.StatePending), string(verif.StateRejected), string(verif.StateVerified)}

// queueRow is one line of the reviewer queue.
type queueRow struct {
	ID          int64
	Company     string
	Code        string
	State       verif.State
	SubmittedAt time.Time
	Waiting     string // empty once decided
	ClaimedBy   string // empty when nobody holds it
}

// queueView is the data of the reviewer queue page.
type queueView struct {
	States   []string
	Rows     []queueRow
	Pager    web.Pager
	Filtered bool
}

// queuePage lists submissions, pending and oldest first, with a state filter,
// a search box and pagination. htmx gets only the results.
func (h *Handler) queuePage(c *fiber.Ctx) error {
	state, search := strings.Clone(c.Query("state")), strings.Clone(c.Query("q"))
	qp, err := h.svc.Queue(c.UserContext(), verif.Query{State: verif.State(state), Search: search}, c.QueryInt("page", 1))
	if err != nil {
		return err
	}
	now := h.now()
	q := url.Values{}
	if qp.Query.State != "" {
		q.Set("state", string(qp.Query.State))
	}
	if qp.Query.Search != "" {
		q.Set("q", qp.Query.Search)
	}
	v := &queueView{States: queueStates, Filtered: qp.Query.State != "" || qp.Query.Search != "",
		Pager: web.NewPager(c, qp.Page, q, "verification.queue.pages", "results")}
	for _, it := range qp.Items {
		r := queueRow{ID: it.ID, Company: it.Fields.CompanyName, Code: it.Fields.CreditCode, State: it.State, SubmittedAt: it.SubmittedAt}
		if it.State == verif.StatePending {
			r.Waiting = h.waiting(c, now.Sub(it.SubmittedAt))
			if it.ClaimedBy != 0 && now.Before(it.ClaimedUntil) {
				r.ClaimedBy = it.ClaimedByName
				if r.ClaimedBy == "" {
					r.ClaimedBy = "#" + strconv.FormatInt(it.ClaimedBy, 10)
				}
			}
		}
		v.Rows = append(v.Rows, r)
	}
	p := h.s.Page(c)
	p.Title = "verification.queue.title"
	p.Form = map[string]string{"state": string(qp.Query.State), "q": qp.Query.Search}
	p.Data = v
	if web.Targets(c, "results") {
		return h.s.Fragment(c, fiber.StatusOK, "verification/queue", "results", p)
	}
	return h.s.Render(c, "verification/queue", p)
}

// next claims the oldest free pending submission and opens it.
func (h *Handler) next(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	id, err := h.svc.ClaimNext(c.UserContext(), a.ID)
	if domain.KindOf(err) == domain.NotFound {
		h.s.SetFlash(c, "flash.verification_queue_empty")
		return h.s.Redirect(c, "/staff/verifications")
	}
	if err != nil {
		return err
	}
	return h.s.Redirect(c, "/staff/verifications/"+strconv.FormatInt(id, 10))
}
