package staff

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	tk "supportal/domain/ticket"
)

// prefixes are the id prefixes of each action's fields: the page has a
// form per action, and the error summary links to the field of the one
// that was refused.
var prefixes = map[string]string{"assign": "a-", "reply": "r-", "status": "s-", "priority": "p-", "category": "c-"}

// change is one agent action posted with the version the page showed.
type change struct {
	action string   // the route's last segment
	fields []string // the form fields the action reads
	flash  string   // message id shown after it succeeded
	do     func(c *fiber.Ctx, id int64, l tk.Loaded, f map[string]string) error
}

// run performs the action: 303 back to the ticket with a flash; a stale
// version shows the page on the current one with the conflict panel (409),
// invalid input the page with the messages (422), what was typed kept.
func (h *Handler) run(c *fiber.Ctx, ch change) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	f := map[string]string{}
	for _, n := range append([]string{"version", "loaded"}, ch.fields...) {
		f[n] = web.FormValue(c, n)
	}
	l, err := loaded(f["version"], f["loaded"])
	if err != nil {
		return err
	}
	err = ch.do(c, id, l, f)
	if err == nil {
		h.s.SetFlash(c, ch.flash)
		return h.s.Redirect(c, "/staff/tickets/"+strconv.FormatInt(id, 10))
	}
	var stale *tk.StaleError
	kind := domain.KindOf(err)
	if !errors.As(err, &stale) && kind != domain.Invalid {
		return err
	}
	p, perr := h.ticket(c, id)
	if perr != nil {
		return perr
	}
	v := p.Data.(*ticketView)
	v.Action = ch.action
	for _, n := range ch.fields {
		p.Form[n] = f[n]
	}
	status := fiber.StatusUnprocessableEntity
	if stale != nil {
		status = fiber.StatusConflict
		v.Conflict = h.conflict(c, ch.action, stale, l, v.Messages, f)
		p.FormError = h.s.T(c, "error.ticket.stale", nil)
	} else {
		h.s.FormErrors(c, p, err)
		v.ErrIn = map[string]string{}
		for field := range p.Errors {
			v.ErrIn[field] = prefixes[ch.action]
		}
	}
	return h.s.RenderStatus(c, status, "ticket/staff_ticket", p)
}

// conflict describes what changed since the agent loaded the ticket.
func (h *Handler) conflict(c *fiber.Ctx, action string, e *tk.StaleError, l tk.Loaded, msgs []tk.Message, f map[string]string) *conflictView {
	cv := &conflictView{Action: action, Values: f}
	for _, ev := range e.Changes {
		cv.Changes = append(cv.Changes, h.event(c, ev))
	}
	for _, m := range msgs {
		if m.CreatedAt.After(l.UpdatedAt) {
			cv.Messages = append(cv.Messages, m)
		}
	}
	return cv
}

func (h *Handler) assign(c *fiber.Ctx) error {
	return h.run(c, change{action: "assign", fields: []string{"assignee"}, flash: "flash.staffticket.assigned",
		do: func(c *fiber.Ctx, id int64, l tk.Loaded, f map[string]string) error {
			to, _ := strconv.ParseInt(f["assignee"], 10, 64) // "" or "me": the caller
			_, err := h.svc.Assign(c.UserContext(), actor(c), id, l, to)
			return err
		}})
}

func (h *Handler) status(c *fiber.Ctx) error {
	return h.run(c, change{action: "status", fields: []string{"status"}, flash: "flash.staffticket.status",
		do: func(c *fiber.Ctx, id int64, l tk.Loaded, f map[string]string) error {
			s := tk.Status(f["status"])
			if !s.Valid() {
				return domain.FieldError("status", "error.staffticket.status")
			}
			_, err := h.svc.SetStatus(c.UserContext(), actor(c), id, l, s)
			return fieldOf(err, "status")
		}})
}

func (h *Handler) priority(c *fiber.Ctx) error {
	return h.run(c, change{action: "priority", fields: []string{"priority"}, flash: "flash.staffticket.priority",
		do: func(c *fiber.Ctx, id int64, l tk.Loaded, f map[string]string) error {
			n, _ := strconv.Atoi(f["priority"])
			_, err := h.svc.SetPriority(c.UserContext(), actor(c), id, l, tk.Priority(n))
			return err
		}})
}

func (h *Handler) category(c *fiber.Ctx) error {
	return h.run(c, change{action: "category", fields: []string{"category"}, flash: "flash.staffticket.category",
		do: func(c *fiber.Ctx, id int64, l tk.Loaded, f map[string]string) error {
			_, err := h.svc.SetCategory(c.UserContext(), actor(c), id, l, tk.Category(f["category"]))
			return err
		}})
}

// reply adds a public reply or an internal note with its files, and the
// next status when one was chosen. The server has read the form
// (StreamForm): a file over the limit is refused next to the files field.
func (h *Handler) reply(c *fiber.Ctx) error {
	return h.run(c, change{action: "reply", fields: []string{"body", "internal", "next_status"}, flash: "flash.staffticket.replied",
		do: func(c *fiber.Ctx, id int64, l tk.Loaded, f map[string]string) error {
			in := tk.StaffInput{Body: f["body"], Internal: f["internal"] == "1"}
			switch ns := tk.Status(f["next_status"]); {
			case ns == "":
			case ns == tk.StatusWaiting || ns == tk.StatusResolved:
				in.Next = ns
			default:
				return domain.FieldError("status", "error.staffticket.status")
			}
			if in.Internal && in.Next != "" {
				return domain.FieldError("status", "error.staffticket.note_status")
			}
			fhs, err := web.FormFiles(c, "files")
			if err != nil {
				return fiber.ErrBadRequest
			}
			if strings.TrimSpace(in.Body) == "" {
				return domain.FieldError("body", "error.ticket.body_required")
			}
			if len(fhs) > tk.DefaultLimits.MaxFiles {
				return domain.FieldError("attachments", "error.ticket_file.too_many").With("Max", tk.DefaultLimits.MaxFiles)
			}
			for _, fh := range fhs {
				r, err := fh.Open()
				if err != nil {
					return fmt.Errorf("staff reply: open upload: %w", err)
				}
				defer r.Close()
				in.Files = append(in.Files, tk.Upload{Name: fh.Filename, Size: fh.Size, R: io.Reader(r)})
			}
			_, _, err = h.svc.StaffReply(c.UserContext(), actor(c), id, l, in)
			return err
		}})
}

// fieldOf puts a refused transition next to the field that chose it.
func fieldOf(err error, field string) error {
	if e := domain.As(err); err != nil && e.Kind == domain.Invalid && e.Field == "" {
		return domain.FieldError(field, e.Key)
	}
	return err
}
