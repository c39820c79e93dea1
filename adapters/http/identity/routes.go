// Package identity serves the sign-in, registration, password and account
// centre pages of SPEC §1 over the identity service.
package identity

import (
	"context"

	"github.com/gofiber/fiber/v2"

	web "supportal/adapters/http"
	verificationweb "supportal/adapters/http/verification"
	ident "supportal/domain/identity"
)

// StatusFunc returns the 认证状态 view of the account's company, which 企业信息
// shows through the partial "verification_status" of the verification pages.
type StatusFunc func(ctx context.Context, accountID int64) (*verificationweb.StatusView, error)

// Handler holds the identity pages' dependencies.
type Handler struct {
	s   *web.Server
	svc *ident.Service
	// Status, when set, gives 企业信息 its 认证状态 (set by main from the
	// verification pages); without it the page shows none.
	Status StatusFunc
}

// Register installs the identity routes on the server.
func Register(s *web.Server, svc *ident.Service) *Handler {
	h := &Handler{s: s, svc: svc}
	app := s.App
	app.Get("/login", h.loginPage)
	app.Post("/login", h.loginPassword)
	app.Post("/login/code", h.loginCode)
	app.Post("/login/code/send", h.sendLoginCode)
	app.Get("/staff/login", h.staffLoginPage)
	app.Post("/staff/login", h.staffLogin)
	app.Get(web.SecondFactorPath, h.secondFactorPage)
	app.Post(web.SecondFactorPath, h.secondFactor)
	app.Get(web.SecondFactorPath+"/setup", h.secondFactorSetupPage)
	app.Post(web.SecondFactorPath+"/setup", h.secondFactorSetup)
	app.Post("/logout", h.logout)

	app.Get("/register", h.registerPage)
	app.Post("/register/account", h.registerAccount)
	app.Post("/register/verify", h.registerVerify)
	app.Post("/register/resend", h.registerResend)
	app.Post("/register/company", h.registerCompany)

	app.Get("/password/forgot", h.forgotPage)
	app.Post("/password/forgot", h.forgot)
	app.Get("/password/reset", h.resetPage)
	app.Post("/password/reset", h.reset)

	acct := app.Group("/account", s.RequireCustomer)
	acct.Get("", h.accountPage)
	acct.Post("/profile", h.updateProfile)
	acct.Post("/password", h.changePassword)
	acct.Get("/company", h.companyPage)
	acct.Post("/company", h.updateCompany)
	return h
}

// form copies the named form values (Fiber's strings are only valid during
// the handler, so they are copied).
func form(c *fiber.Ctx, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = string([]byte(c.FormValue(n)))
	}
	return m
}
