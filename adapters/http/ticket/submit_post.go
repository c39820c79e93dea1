package ticket

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	tk "supportal/domain/ticket"
)

// create answers POST /tickets: it opens the ticket and sends the browser
// to its confirmation (303, HX-Redirect for htmx). The server has read the
// multipart form (StreamForm), so a file over the limit arrives cut short
// with its whole size and is refused next to the attachments field. A form
// that is refused comes back with 422 (429 past the creation limits), the
// error summary above it and every typed value kept; the files must be
// chosen again. A resent form (the same token) shows the ticket the first
// one created.
func (h *Handler) create(c *fiber.Ctx) error {
	in, files, err := h.input(c)
	defer func() {
		for _, f := range files {
			_ = f.Close()
		}
	}()
	if err != nil {
		return err
	}
	t, err := h.svc.Create(c.UserContext(), actor(c), in)
	if err == nil {
		return h.s.Redirect(c, "/tickets/"+strconv.FormatInt(t.ID, 10)+"/created")
	}
	return h.refusedForm(c, in, err)
}

// input reads the form: its fields, and the files of "files" opened for
// the service (the caller closes them).
func (h *Handler) input(c *fiber.Ctx) (tk.Input, []io.ReadCloser, error) {
	f := make(map[string]string, len(submitFields))
	for _, n := range submitFields {
		f[n] = web.FormValue(c, n)
	}
	prio, _ := strconv.Atoi(f["priority"])
	in := tk.Input{Category: tk.Category(f["category"]), Priority: tk.Priority(prio), Title: f["title"],
		Description: f["description"], DeviceSN: f["device_sn"], Phone: f["phone"], Token: f["token"]}
	if in.DeviceSN == "" { // the type-ahead's pick, or ?device= without an SN typed over it
		in.DeviceID, _ = strconv.ParseInt(f["device_id"], 10, 64)
	}
	in.FollowUpOf, _ = strconv.ParseInt(f["follow_up"], 10, 64)
	fhs, err := web.FormFiles(c, "files")
	if err != nil {
		return in, nil, fiber.ErrBadRequest
	}
	var open []io.ReadCloser
	for _, fh := range fhs {
		r, err := fh.Open()
		if err != nil {
			for _, o := range open {
				_ = o.Close()
			}
			return in, nil, fmt.Errorf("ticket: open upload: %w", err)
		}
		open = append(open, r)
		in.Files = append(in.Files, tk.Upload{Name: fh.Filename, Size: fh.Size, R: r})
	}
	return in, open, nil
}

// refusedForm shows the form again with the errors of a refused submission and
// what was typed; other errors go to the error page.
func (h *Handler) refusedForm(c *fiber.Ctx, in tk.Input, err error) error {
	p := h.s.Page(c)
	p.Title = "ticket.submit.title"
	if !h.s.FormErrors(c, p, err) {
		return err
	}
	ctx, a := c.UserContext(), actor(c)
	v := newView()
	p.Data = v
	// The device state as the form showed it; an unknown device shows none.
	f, perr := h.svc.Prepare(ctx, a, in.DeviceID, in.DeviceSN)
	if domain.KindOf(perr) == domain.Invalid {
		f, perr = h.svc.Prepare(ctx, a, 0, "")
	}
	if perr != nil {
		return perr
	}
	v.setDevice(f)
	if in.FollowUpOf != 0 {
		v.FollowUp = h.followUpLink(c, in.FollowUpOf)
	}
	v.FilesLost = len(in.Files) > 0
	p.Form = map[string]string{}
	for _, n := range submitFields {
		p.Form[n] = web.FormValue(c, n)
	}
	if p.Form["token"] == "" {
		p.Form["token"] = f.Token
	}
	status := fiber.StatusUnprocessableEntity
	if domain.KindOf(err) == domain.TooMany {
		status = fiber.StatusTooManyRequests
	}
	if web.IsHTMX(c) {
		return h.s.Fragment(c, status, "ticket/new", "ticket_form", p)
	}
	return h.s.RenderStatus(c, status, "ticket/new", p)
}
