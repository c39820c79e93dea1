package ticket

import "github.com/gofiber/fiber/v2"

// threadRoutes installs 我的工单 and a ticket's detail page with its
// conversation and attachments.
func (h *Handler) threadRoutes(g fiber.Router) {}
