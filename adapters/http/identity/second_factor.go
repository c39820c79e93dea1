package identity

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	"supportal/domain"
	ident "supportal/domain/identity"
)

// secondFactorView is the data of the second sign-in step of staff.
type secondFactorView struct {
	Next string
	// Recovery is set once a recovery code completed the sign-in.
	Recovery     bool
	RecoveryLeft int
}

// staffNext returns where a staff member goes after signing in: the local
// path in next, the staff start page when there is none or it leads back
// into the sign-in.
func staffNext(c *fiber.Ctx) string {
	next := web.LocalPath(c.Query("next", c.FormValue("next")))
	if next == "/" || strings.HasPrefix(next, web.SecondFactorPath) || strings.HasPrefix(next, "/staff/login") {
		return "/staff"
	}
	return next
}

// pendingStaff returns the signed-in staff member and whether their session
// still lacks the second factor; ok is false when no staff member is signed
// in, and the caller is sent to the staff sign-in.
func pendingStaff(c *fiber.Ctx) (a ident.Account, pending, ok bool) {
	a, ok = web.Account(c)
	if !ok || !a.IsStaff() {
		return ident.Account{}, false, false
	}
	sess, _ := web.Session(c)
	return a, ident.NeedsSecondFactor(a, sess), true
}

func (h *Handler) toStaffLogin(c *fiber.Ctx, next string) error {
	return h.s.Redirect(c, "/staff/login?next="+url.QueryEscape(next))
}

// awaitingSecondStep returns the signed-in staff member who still owes the
// second factor and where to go after it. Anyone else is answered here (sent
// to the staff sign-in, or on to next) and answered is true.
func (h *Handler) awaitingSecondStep(c *fiber.Ctx) (a ident.Account, next string, answered bool, err error) {
	next = staffNext(c)
	a, pending, ok := pendingStaff(c)
	switch {
	case !ok:
		return a, next, true, h.toStaffLogin(c, next)
	case !pending:
		return a, next, true, h.s.Redirect(c, next)
	}
	return a, next, false, nil
}

func (h *Handler) secondFactorPage(c *fiber.Ctx) error {
	a, next, answered, err := h.awaitingSecondStep(c)
	if answered {
		return err
	}
	st, err := h.svc.SecondFactorState(c.UserContext(), a)
	if err != nil {
		return err
	}
	if !st.Enrolled {
		return h.s.Redirect(c, web.SecondFactorPath+"/setup?next="+url.QueryEscape(next))
	}
	p := h.s.Page(c)
	p.Title = "staff.2fa.title"
	p.Data = &secondFactorView{Next: next}
	return h.s.Render(c, "identity/second_factor", p)
}

// secondFactor checks the code from the app or a recovery code. A recovery
// code leads to a page that says how many are left; otherwise the staff
// member goes straight on.
func (h *Handler) secondFactor(c *fiber.Ctx) error {
	next := staffNext(c)
	if _, _, ok := pendingStaff(c); !ok {
		return h.toStaffLogin(c, next)
	}
	p := h.s.Page(c)
	p.Title = "staff.2fa.title"
	v := &secondFactorView{Next: next}
	p.Data = v
	res, err := h.svc.VerifySecondFactor(c.UserContext(), h.s.SessionToken(c), c.FormValue("code"), web.Client(c))
	switch {
	case err == nil:
		h.s.SetSession(c, res.Token)
		if !res.Recovery {
			return h.s.Redirect(c, next)
		}
		v.Recovery, v.RecoveryLeft = true, res.RecoveryLeft
		return h.s.Render(c, "identity/second_factor", p)
	case domain.KindOf(err) == domain.NotFound:
		return h.s.Redirect(c, web.SecondFactorPath+"/setup?next="+url.QueryEscape(next))
	case h.s.FormErrors(c, p, err):
		return h.s.RenderStatus(c, failedStatus(err), "identity/second_factor", p)
	}
	return err
}

// failedStatus is 429 for throttling and 422 for a wrong code.
func failedStatus(err error) int {
	if domain.KindOf(err) == domain.TooMany {
		return fiber.StatusTooManyRequests
	}
	return fiber.StatusUnprocessableEntity
}
