// Package home serves the pages that belong to no module: the start page, the
// staff start page and, in development, the mailbox.
package home

import (
	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/adapters/smtp/mailbox"
	"supportal/domain/identity"
)

// staffHome is the staff workbench's data: the number of submissions waiting
// for a reviewer, and the counts of the agent's ticket views (nil for
// reviewers).
type staffHome struct {
	Pending int
	Tickets []web.ViewCount
}

// Register installs the routes. box is the development mailbox; nil outside
// development.
func Register(s *web.Server, box *mailbox.Box) {
	s.App.Get("/", func(c *fiber.Ctx) error {
		if a, ok := web.Account(c); ok && a.IsStaff() {
			return s.Redirect(c, "/staff")
		}
		p := s.Page(c)
		p.Title = "home.title"
		return s.Render(c, "home/index", p)
	})
	s.App.Get("/staff", s.RequireStaff(), func(c *fiber.Ctx) error {
		p := s.Page(c)
		p.Title = "staff.home.title"
		a, _ := web.Account(c)
		var h staffHome
		if s.PendingVerifications != nil && (a.Role == identity.RoleReviewer || a.Role == identity.RoleAdmin) {
			n, err := s.PendingVerifications(c.UserContext())
			if err != nil {
				return err
			}
			h.Pending = n
		}
		if s.TicketCounts != nil && (a.Role == identity.RoleAgent || a.Role == identity.RoleAdmin) {
			counts, err := s.TicketCounts(c.UserContext(), a.ID, a.Role)
			if err != nil {
				return err
			}
			h.Tickets = counts
		}
		p.Data = h
		return s.Render(c, "staff/home", p)
	})
	if box != nil {
		s.App.Get("/dev/mail", func(c *fiber.Ctx) error {
			p := s.Page(c)
			p.Title = "dev.mail.title"
			msgs := box.Messages()
			for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
				msgs[i], msgs[j] = msgs[j], msgs[i]
			}
			if len(msgs) > 0 {
				p.Data = msgs
			}
			return s.Render(c, "dev/mail", p)
		})
	}
}
