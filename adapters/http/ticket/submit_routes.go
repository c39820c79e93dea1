package ticket

import (
	"github.com/gofiber/fiber/v2"

	tk "supportal/domain/ticket"
)

// submitRoutes installs 提交工单: the form, its type-ahead and the
// confirmation. The server reads the form's multipart body itself
// (StreamForm), keeping at most a little more of each file than the
// attachment limit, so that a larger file is refused next to its field
// with everything typed kept, never as a generic 413 page.
func (h *Handler) submitRoutes(g fiber.Router) {
	h.s.StreamForm("/tickets", tk.DefaultLimits.MaxFileBytes)
	g.Get("/new", h.newPage)
	g.Get("/new/devices", h.devices)
	g.Post("", h.create)
	g.Get("/:id<int>/created", h.createdPage)
}
