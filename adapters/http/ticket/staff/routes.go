// Package staff serves the agents' ticket workspace (SPEC §4.4) under
// /staff/tickets: the queue with its saved views and counts, and a ticket's
// page with internal notes, history and the actions on the loaded version.
package staff

import (
	"context"

	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain/identity"
	tk "supportal/domain/ticket"
)

// Handler holds the agents' pages' dependencies.
type Handler struct {
	s   *web.Server
	svc *tk.Service
	// Now is the time the pages count remaining and overdue time from; nil
	// is the wall clock (tests set the service's clock).
	Now func() time.Time
}

// Register installs the agents' ticket routes on the server.
func Register(s *web.Server, svc *tk.Service) *Handler {
	h := &Handler{s: s, svc: svc}
	// The workbench shows the agent's unassigned, own and overdue tickets.
	s.TicketCounts = func(ctx context.Context, staffID int64, role identity.Role) ([]web.ViewCount, error) {
		counts, err := svc.Counts(ctx, tk.Actor{AccountID: staffID, StaffRole: string(role)})
		if err != nil {
			return nil, err
		}
		var out []web.ViewCount
		for _, v := range []string{tk.ViewUnassigned, tk.ViewMine, tk.ViewOverdue} {
			out = append(out, web.ViewCount{View: v, Count: h.count(counts[v])})
		}
		return out, nil
	}
	g := s.App.Group("/staff/tickets", s.RequireStaff(identity.RoleAgent, identity.RoleAdmin))
	h.routes(g)
	return h
}

// actor is the signed-in staff member as the ticket service knows them.
func actor(c *fiber.Ctx) tk.Actor {
	a, _ := web.Account(c)
	return tk.Actor{AccountID: a.ID, StaffRole: string(a.Role)}
}
