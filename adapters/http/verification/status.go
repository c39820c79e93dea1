package verification

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	verif "supportal/domain/verification"
)

// StatusView is what the 认证状态 field of 企业信息 shows (the partial
// "verification_status").
type StatusView struct {
	State  verif.State
	Reason string // reject reason code, when rejected
	Note   string
}

// Status returns the 认证状态 view of the account's company; main hands it to
// the 企业信息 page.
func (h *Handler) Status(ctx context.Context, accountID int64) (any, error) {
	st, err := h.svc.Status(ctx, accountID)
	if err != nil {
		return nil, err
	}
	v := &StatusView{State: st.State}
	if st.Latest != nil && st.State == verif.StateRejected {
		v.Reason, v.Note = st.Latest.Reason, st.Latest.Note
	}
	return v, nil
}

// detailsView is the data of the customer's verification details page.
type detailsView struct {
	State       verif.State
	Sub         *verif.Submission
	Mainland    bool
	LicenceKind string
	Timeline    []timelineItem
}

// detailsPage shows the latest submission, its licence and the history.
func (h *Handler) detailsPage(c *fiber.Ctx) error {
	a, _ := web.Account(c)
	st, err := h.svc.Status(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	v := &detailsView{State: st.State, Sub: st.Latest, Timeline: timeline(st.History)}
	if st.Latest != nil {
		v.Mainland = mainland(st.Latest.Region)
		v.LicenceKind = licenceKind(st.Latest.Licence)
	}
	p := h.s.Page(c)
	p.Title = "verification.details.title"
	p.Data = v
	return h.s.Render(c, "verification/details", p)
}

// mainland reports whether a region uses the unified social credit code.
func mainland(region string) bool { return region == "CN" || region == "" }

// since returns how long ago t was.
func (h *Handler) since(t time.Time) time.Duration { return h.now().Sub(t) }
