// Package verification serves enterprise real-name verification (SPEC §2):
// the customer's 认证状态, the 企业证件认证 dialog and details page, and the
// reviewers' queue and decision pages under /staff/verifications.
package verification

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain/identity"
	verif "supportal/domain/verification"
)

// Handler holds the verification pages' dependencies.
type Handler struct {
	s   *web.Server
	svc *verif.Service
	// CompanyName returns the current name of the account's company, to
	// prefill a first submission; nil leaves the field empty.
	CompanyName func(ctx context.Context, a identity.Account) (string, error)
	now         func() time.Time
}

// Register installs the verification routes on the server.
func Register(s *web.Server, svc *verif.Service) *Handler {
	h := &Handler{s: s, svc: svc, now: time.Now}
	acct := s.App.Group("/account/verification", s.RequireCustomer)
	acct.Get("", h.detailsPage)
	// The server reads the form itself, so that a licence over its limit
	// comes back as a message next to its field.
	s.StreamForm("/account/verification", verif.MaxLicenceBytes)
	acct.Post("", h.submit)
	acct.Get("/new", h.formPage)
	acct.Get("/licence/:id<int>", h.customerLicence)

	staff := s.App.Group("/staff/verifications", s.RequireStaff(identity.RoleReviewer))
	staff.Get("", h.queuePage)
	staff.Post("/next", h.next)
	staff.Get("/:id<int>", h.reviewPage)
	staff.Get("/:id<int>/licence", h.reviewerLicence)
	staff.Post("/:id<int>/claim", h.claim)
	staff.Post("/:id<int>/decision", h.decide)
	staff.Post("/:id<int>/revoke", s.RequireStaff(identity.RoleAdmin), h.revoke)
	s.PendingVerifications = func(ctx context.Context) (int, error) {
		q, err := svc.Queue(ctx, verif.Query{State: verif.StatePending}, 1)
		return q.Page.Total, err
	}
	return h
}

// form copies the named form values (Fiber's strings are only valid during
// the handler), also of the form the server read itself (StreamForm).
func form(c *fiber.Ctx, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = web.FormValue(c, n)
	}
	return m
}

// timelineItem is one history line as the pages show it.
type timelineItem struct {
	At       time.Time
	Action   string
	Version  int
	ActorID  int64
	Actor    string // the reviewer's name
	Customer bool   // done by the customer (submitted, modified, resubmitted)
	Fields   verif.Fields
	Reason   string
	Note     string
}

// timeline turns the history into display lines, newest first.
func timeline(h []verif.Entry) []timelineItem {
	out := make([]timelineItem, 0, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		e := h[i]
		out = append(out, timelineItem{At: e.At, Action: string(e.Action), Version: e.Version, ActorID: e.ActorID, Actor: e.ActorName,
			Customer: e.Action != verif.ActionApproved && e.Action != verif.ActionRejected && e.Action != verif.ActionRevoked,
			Fields:   e.Fields, Reason: e.Reason, Note: e.Note})
	}
	return out
}

// licenceKind tells how a licence is shown: "image", "pdf" or "" for none.
func licenceKind(l verif.Licence) string {
	switch {
	case l.Key == "":
		return ""
	case strings.HasPrefix(l.ContentType, "image/"):
		return "image"
	case l.ContentType == "application/pdf":
		return "pdf"
	}
	return ""
}

// waiting formats how long something has been waiting, in whole minutes,
// hours or days.
func (h *Handler) waiting(c *fiber.Ctx, d time.Duration) string {
	switch {
	case d < time.Hour:
		return h.s.T(c, "duration.minutes", map[string]any{"Count": max(int(d/time.Minute), 1)})
	case d < 48*time.Hour:
		return h.s.T(c, "duration.hours", map[string]any{"Count": int(d / time.Hour)})
	default:
		return h.s.T(c, "duration.days", map[string]any{"Count": int(d / (24 * time.Hour))})
	}
}
