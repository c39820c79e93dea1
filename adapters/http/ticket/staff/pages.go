package staff

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	tk "supportal/domain/ticket"
)

// routes installs the queue and the ticket pages. Literal segments come
// before the ticket id's routes.
func (h *Handler) routes(g fiber.Router) {
	// The server reads the reply form itself, so that a file over its limit
	// comes back as a message next to the files field.
	h.s.StreamForm("/staff/tickets/:id/reply", tk.DefaultLimits.MaxFileBytes)
	g.Get("", h.queuePage)
	g.Get("/files/:id<int>", h.download)
	g.Get("/:id<int>", h.ticketPage)
	g.Post("/:id<int>/assign", h.assign)
	g.Post("/:id<int>/reply", h.reply)
	g.Post("/:id<int>/status", h.status)
	g.Post("/:id<int>/priority", h.priority)
	g.Post("/:id<int>/category", h.category)
}

// ticketID is the ticket of the route; any other id is 404.
func ticketID(c *fiber.Ctx) (int64, error) {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return int64(id), nil
}

// loadedStamp writes a ticket's last activity for the forms' loaded field.
func loadedStamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// loaded reads the version and last activity the agent's page showed; a
// form without them is a bad request.
func loaded(version, at string) (tk.Loaded, error) {
	v, err := strconv.Atoi(version)
	if err != nil || v <= 0 {
		return tk.Loaded{}, fiber.ErrBadRequest
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return tk.Loaded{}, fiber.ErrBadRequest
	}
	return tk.Loaded{Version: v, UpdatedAt: t}, nil
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
