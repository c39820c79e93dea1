package ticket

import (
	"time"

	"github.com/gofiber/fiber/v2"

	tk "supportal/domain/ticket"
)

// threadRoutes installs 我的工单 and a ticket's detail page with its
// conversation and attachments. The literal /files segment is registered
// before the /:id routes.
func (h *Handler) threadRoutes(g fiber.Router) {
	g.Get("", h.listPage)
	g.Get("/files/:id<int>", h.download)
	g.Get("/:id<int>", h.detailPage)
	// The server reads the reply's form itself, so that a file over its
	// limit comes back as a message next to the files field.
	h.s.StreamForm("/tickets/:id<int>/reply", tk.DefaultLimits.MaxFileBytes)
	g.Post("/:id<int>/reply", h.reply)
	g.Get("/:id<int>/close", h.closePage)
	g.Post("/:id<int>/close", h.close)
	g.Post("/:id<int>/reopen", h.reopen)
	g.Post("/:id<int>/rating", h.rate)
}

// ticketID reads the :id parameter; a malformed one is an unknown page.
func ticketID(c *fiber.Ctx) (int64, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return int64(id), nil
}

// UseClock sets the clock of the pages' own rules (coverage badges, the
// 30 days of 【重新打开】), the one the ticket service runs on.
func (h *Handler) UseClock(now func() time.Time) { h.now = now }
