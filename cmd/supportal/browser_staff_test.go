package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"supportal/adapters/totp"
)

// enrolSecondFactor completes the enrolment page that a staff member's first
// sign-in leads to, playing the authenticator app with the secret the page
// shows, and goes on from the recovery codes.
func (b *browser) enrolSecondFactor() {
	b.t.Helper()
	b.expectPath("/staff/2fa/setup")
	b.expectText("main h1", "staff.2fa.setup.title")
	// The QR code is an image the browser decoded (CSP allows data: images).
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelector('.totp-qr img').naturalWidth`))
	if err != nil || w == 0 {
		b.t.Fatalf("QR code not shown: width %d (%v)", w, err)
	}
	secret := strings.ReplaceAll(b.text("#totp-secret"), " ", "")
	code, err := totp.CodeAt(secret, time.Now())
	if err != nil {
		b.t.Fatalf("secret %q on the page: %v", secret, err)
	}
	b.fill("code", code)
	b.submit("form[action='/staff/2fa/setup'] button[type=submit]", http.StatusOK)
	b.expectText("main h1", "staff.2fa.codes.title")
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#recovery-codes li').length`))
	if err != nil || n != 10 {
		b.t.Fatalf("%d recovery codes shown (%v), want 10", n, err)
	}
	b.submit("main a.button", http.StatusOK)
}
