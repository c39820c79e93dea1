// Package notify renders the product's emails in the recipient's language and
// hands them to a mailer.
package notify

import (
	"context"
	"fmt"

	"supportal/adapters/i18n"
	"supportal/domain/identity"
	"supportal/ports"
)

// Notifier sends emails whose subject and body are the message ids
// mail.<template>.subject and mail.<template>.body.
type Notifier struct {
	bundle *i18n.Bundle
	mailer ports.Mailer
}

var _ identity.Notifier = (*Notifier)(nil)

// New returns a notifier over the bundle and mailer.
func New(b *i18n.Bundle, m ports.Mailer) *Notifier { return &Notifier{bundle: b, mailer: m} }

// Notify renders and sends one email.
func (n *Notifier) Notify(ctx context.Context, to, lang, template string, data map[string]any) error {
	if !i18n.Valid(lang) {
		lang = i18n.ZH
	}
	m := ports.Mail{
		To:      to,
		Subject: n.bundle.T(lang, "mail."+template+".subject", data),
		Text:    n.bundle.T(lang, "mail."+template+".body", data) + "\n\n" + n.bundle.T(lang, "mail.footer", nil),
	}
	if err := n.mailer.Send(ctx, m); err != nil {
		return fmt.Errorf("notify: %s: %w", template, err)
	}
	return nil
}
