package staff

import "github.com/gofiber/fiber/v2"

// routes installs the queue and the ticket pages.
func (h *Handler) routes(g fiber.Router) {}
