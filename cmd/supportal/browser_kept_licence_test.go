package main

import (
	"context"
	"image/color"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
	"supportal/domain/identity"
)

// TestBrowserKeptLicence checks in the 企业证件认证 dialog that a licence
// sent with a refused credit code is kept: the dialog names it, and the
// corrected code goes through without choosing the file again.
func TestBrowserKeptLicence(t *testing.T) {
	chromiumPath(t)
	for _, lang := range i18n.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			app := startApp(t)
			c := newCustomer(lang)
			ctx := context.Background()
			acct, err := app.a.identity.CreateCustomer(ctx,
				identity.AccountInfo{Country: "CN", Name: c.name, JobTitle: "it_lead", Email: c.email, Mobile: c.mobile},
				identity.Company{Name: c.company, Industry: "it", Size: "21-100", Address: c.address, Business: c.business}, c.password)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "licence-kept.png")
			writePNG(t, file, 320, 240, color.RGBA{0x1e, 0x80, 0x40, 0xff})

			cust := newBrowser(t, app, lang, true)
			cust.signInWithPassword(c.email, c.password)
			cust.openCompanyPage()
			cust.verificationDialog("verification.action.submit", c.company)
			cust.choose("doc_type", "business_licence")
			cust.do("choose the licence", chromedp.SetUploadFiles(chromedp.CSS("dialog #f-licence"), []string{file}))
			cust.fill("credit_code", "9131011066600721")
			cust.click("dialog #verification-form button[type=submit]")
			cust.expectText("dialog #e-credit_code", "error.credit_code.length", "Count", 16)
			cust.expectText("dialog #h-licence-held", "verification.form.licence_held", "Name", "licence-kept.png")

			cust.fill("credit_code", "91310110666007217T")
			cust.submit("dialog #verification-form button[type=submit]", http.StatusOK)
			cust.expectPath("/account/company")
			cust.expectText(".flash", "flash.verification_submitted")
			cust.expectText("#verification-status .badge", "verification.state.pending")

			st, err := app.a.verification.Status(ctx, acct.ID)
			if err != nil || st.Latest == nil {
				t.Fatalf("status %+v: %v", st, err)
			}
			if l := st.Latest.Licence; l.Name != "licence-kept.png" || l.ContentType != "image/png" || l.Key == "" {
				t.Fatalf("submitted licence %+v, want the kept licence-kept.png", l)
			}
		})
	}
}
