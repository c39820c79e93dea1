package verification

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain/identity"
	verif "supportal/domain/verification"
)

// StatusView is what the 认证状态 field of 企业信息 shows (the partial
// "verification_status").
type StatusView struct {
	// State is verified while a verification is in force, even when a newer
	// submission (a change of name or code) is in review or was rejected;
	// otherwise the latest submission's state.
	State  verif.State
	Reason string // reject reason code, when rejected (or the change was)
	Note   string // the reviewer's note, or the admin's reason of a revocation
	// Change is the state of a re-verification of a verified company
	// (pending or rejected), "" when there is none.
	Change verif.State
	// VerifiedName and VerifiedCode are the verification in force.
	VerifiedName, VerifiedCode string
}

// statusView builds the 认证状态 view from the service's status.
func statusView(st verif.Status) *StatusView {
	v := &StatusView{State: st.State}
	latest := st.Latest
	if st.Verified != nil {
		v.State, v.VerifiedName, v.VerifiedCode = verif.StateVerified, st.Verified.Fields.CompanyName, st.Verified.Fields.CreditCode
		if latest.ID != st.Verified.ID && (latest.State == verif.StatePending || latest.State == verif.StateRejected) {
			v.Change = latest.State
		}
		if v.Change != verif.StateRejected {
			return v
		}
	}
	if latest != nil && (latest.State == verif.StateRejected || latest.State == verif.StateRevoked) {
		v.Reason, v.Note = latest.Reason, latest.Note
	}
	return v
}

// Status returns the 认证状态 view of the account's company; main hands it to
// the 企业信息 page (identity's StatusFunc).
func (h *Handler) Status(ctx context.Context, accountID int64) (*StatusView, error) {
	st, err := h.svc.Status(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return statusView(st), nil
}

// Gate returns where the account's company's verification stands, for the
// banner and the gates of an unverified company (web.Server.GateState): in
// review, rejected or revoked; nil otherwise or when it cannot be read.
func (h *Handler) Gate(ctx context.Context, a identity.Account) *web.GateState {
	st, err := h.svc.Status(ctx, a.ID)
	if err != nil || st.Latest == nil {
		return nil
	}
	g := &web.GateState{State: string(st.Latest.State)}
	switch st.Latest.State {
	case verif.StatePending:
		g.SubmittedAt = st.Latest.UpdatedAt
	case verif.StateRejected, verif.StateRevoked:
		g.Reason, g.Note = st.Latest.Reason, st.Latest.Note
	default:
		return nil
	}
	return g
}

// detailsView is the data of the customer's verification details page.
type detailsView struct {
	State       verif.State
	Sub         *verif.Submission
	Status      *StatusView
	Current     *verif.Submission // the verification in force, when older than Sub
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
	v := &detailsView{State: st.State, Sub: st.Latest, Status: statusView(st), Timeline: timeline(st.History)}
	if st.Verified != nil && st.Latest != nil && st.Verified.ID != st.Latest.ID {
		v.Current = st.Verified
	}
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
