// Package ticket serves the customers' ticket pages (SPEC §4.1–4.3): 提交工单
// with its device type-ahead and confirmation, 我的工单, and a ticket's
// detail page with its conversation and attachments. Every request goes
// through the ticket service, which scopes it to the caller's verified
// company. The agents' workspace is in the staff package below.
package ticket

import (
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	tk "supportal/domain/ticket"
)

// Handler holds the customer ticket pages' dependencies.
type Handler struct {
	s   *web.Server
	svc *tk.Service
	now func() time.Time
}

// Register installs the customer ticket routes on the server.
func Register(s *web.Server, svc *tk.Service) *Handler {
	h := &Handler{s: s, svc: svc, now: time.Now}
	g := s.App.Group("/tickets", s.RequireCustomer)
	h.submitRoutes(g)
	h.threadRoutes(g)
	return h
}

// actor is the signed-in customer as the ticket service knows it.
func actor(c *fiber.Ctx) tk.Actor {
	a, _ := web.Account(c)
	return tk.Actor{AccountID: a.ID, CompanyID: a.CompanyID}
}
