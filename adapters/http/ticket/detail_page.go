package ticket

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	tk "supportal/domain/ticket"
	wty "supportal/domain/warranty"
)

// detailView is the data of a ticket's page.
type detailView struct {
	T        tk.Ticket
	Device   *deviceView // nil: the ticket names no device
	TierName string      // message id of the tier's name ("" uncovered)
	First    firstView
	Messages []messageView
	// What the customer may do now.
	CanReply   bool
	CanClose   bool
	CanReopen  bool
	ReopenLate bool // resolved more than 30 days ago: neither reply nor reopen
	Closed     bool // 【创建关联工单】
	FollowUp   string
	ReplyURL   string
	CloseURL   string
	ReopenURL  string
	MaxFiles   int
	MaxMB      int64
	Fragment   bool // the reply form alone, for htmx: it carries the error summary
	Rating     ratingView
}

// deviceView is the device as the ticket's coverage snapshot recorded it.
type deviceView struct {
	SN, Name string
	Lines    []lineView
}

// lineView is one service line of the snapshot with its badge today.
type lineView struct {
	SKU, Service, Start, End string
	Coverage                 wty.Coverage
}

// firstView is the first-response target as the customer sees it.
type firstView struct {
	Due   time.Time
	MetAt time.Time
	State string // "met", "met_late", "overdue", "pending"
}

// messageView is one public message of the thread.
type messageView struct {
	ID        int64
	Author    string
	Role      tk.Role
	CreatedAt time.Time
	Body      string
	Files     []fileView
}

// fileView is an attachment as its download link shows it.
type fileView struct {
	URL, Name, Size string
}

// detailPage answers GET /tickets/:id: the header, the public thread and the
// actions. Another company's ticket is 404, as an unknown one.
func (h *Handler) detailPage(c *fiber.Ctx) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	p, err := h.detail(c, id)
	if err != nil {
		return err
	}
	return h.s.Render(c, "ticket/detail", p)
}

// detail loads the ticket and builds its page.
func (h *Handler) detail(c *fiber.Ctx, id int64) (*web.Page, error) {
	p := h.s.Page(c)
	p.Title = "tickets.detail.title"
	v, err := h.svc.Detail(c.UserContext(), actor(c), id)
	if err != nil {
		if de := domain.As(err); de.Kind == domain.Forbidden && de.Key == "error.verification.required" {
			return nil, fiber.ErrNotFound
		}
		return nil, err
	}
	p.Data = h.detailData(v, p.Zone)
	return p, nil
}

// detailData builds the page's data from the service's view.
func (h *Handler) detailData(v tk.View, loc *time.Location) *detailView {
	t := v.Ticket
	now := h.now()
	base := ticketURL(t.ID)
	d := &detailView{T: t, TierName: "", ReplyURL: base + "/reply", CloseURL: base + "/close", ReopenURL: base + "/reopen",
		FollowUp: "/tickets/new?follow_up=" + itoa(t.ID), MaxFiles: tk.DefaultLimits.MaxFiles, MaxMB: tk.DefaultLimits.MaxFileBytes >> 20}
	if t.Covered {
		d.TierName = "sla.tier." + t.Tier
	}
	if t.Snapshot.SN != "" {
		dv := &deviceView{SN: t.Snapshot.SN, Name: t.Snapshot.Name}
		for _, l := range t.Snapshot.Lines {
			dv.Lines = append(dv.Lines, lineView{SKU: l.SKU, Service: l.ServiceName, Start: l.Start.Format("2006-01-02"),
				End: l.End.Format("2006-01-02"), Coverage: wty.CoverageOn(l.Start, l.End, now, loc)})
		}
		d.Device = dv
	}
	fr := v.SLA.FirstResponse
	d.First = firstView{Due: fr.Due, MetAt: fr.MetAt, State: "pending"}
	switch {
	case fr.Met && fr.Breached:
		d.First.State = "met_late"
	case fr.Met:
		d.First.State = "met"
	case fr.Breached:
		d.First.State = "overdue"
	}
	late := t.Status == tk.StatusResolved && !t.ResolvedAt.IsZero() && now.Sub(t.ResolvedAt) > tk.ReopenWithin
	d.Closed = t.Status == tk.StatusClosed
	d.ReopenLate = late
	d.CanReply = !d.Closed && !late
	d.CanClose = !d.Closed
	d.CanReopen = t.Status == tk.StatusResolved && !late
	d.Rating = ratingData(t, now)
	for _, m := range v.Messages {
		if m.Internal {
			continue // the service never returns notes to customers; a page never shows one
		}
		mv := messageView{ID: m.ID, Author: m.AuthorName, Role: m.AuthorRole, CreatedAt: m.CreatedAt, Body: m.Body}
		for _, a := range m.Attachments {
			mv.Files = append(mv.Files, fileView{URL: "/tickets/files/" + itoa(a.ID), Name: a.Name, Size: size(a.Size)})
		}
		d.Messages = append(d.Messages, mv)
	}
	return d
}

// size formats a file size in bytes, KB or MB (the same in both languages).
func size(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
