// Package notify renders the product's emails in the recipient's language and
// hands them to a mailer.
package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"supportal/adapters/i18n"
	"supportal/ports"
)

// Notifier sends emails whose subject and body are the message ids
// mail.<template>.subject and mail.<template>.body.
type Notifier struct {
	bundle *i18n.Bundle
	mailer ports.Mailer
	// BaseURL is the portal's address ("https://support.example.com"): a
	// notice's "Path" is given to the templates as "Link", BaseURL + Path.
	BaseURL string
}

// New returns a notifier over the bundle and mailer.
func New(b *i18n.Bundle, m ports.Mailer) *Notifier { return &Notifier{bundle: b, mailer: m} }

// Notify renders and sends one email. A notice with "At" (RFC 3339) and
// "TimeZone" says when, in the recipient's zone and language, above the
// footer. A data value whose name ends in "Key"
// is a message id: it is translated and given to the templates under the
// name without the suffix (ReasonKey → Reason); one whose name ends in
// "Time" is an RFC 3339 time, formatted like "At" in the recipient's zone
// and language and given under the name without the suffix (DueTime → Due).
// A "Path" on the portal ("/tickets/12") is given as "Link", the full
// address.
func (n *Notifier) Notify(ctx context.Context, to, lang, template string, data map[string]any) error {
	if !i18n.Valid(lang) {
		lang = i18n.ZH
	}
	data = n.translateKeys(lang, data)
	if p, ok := data["Path"].(string); ok {
		data = with(data, "Link", strings.TrimRight(n.BaseURL, "/")+p)
	}
	data = formatTimes(lang, data)
	text := n.bundle.T(lang, "mail."+template+".body", data)
	if at, ok := when(lang, data); ok {
		text += "\n\n" + n.bundle.T(lang, "mail.at", map[string]any{"At": at})
	}
	m := ports.Mail{To: to, Subject: n.bundle.T(lang, "mail."+template+".subject", data)}
	headers(&m, data)
	// An email with a reply address says what a reply does; the others
	// decline replies.
	footer := "mail.footer"
	if f, _ := data[ports.MailFooter].(string); f != "" {
		footer = f
	}
	m.Text = text + "\n\n" + n.bundle.T(lang, footer, nil)
	if err := n.mailer.Send(ctx, m); err != nil {
		return fmt.Errorf("notify: %s: %w", template, err)
	}
	return nil
}

// headers sets the email's reply address and thread headers from the
// notice's data (ports.MailReplyTo and the others).
func headers(m *ports.Mail, data map[string]any) {
	get := func(k string) string { s, _ := data[k].(string); return s }
	m.ReplyTo, m.MessageID, m.InReplyTo = get(ports.MailReplyTo), get(ports.MailMessageID), get(ports.MailInReplyTo)
	m.References = strings.Fields(get(ports.MailReferences))
	m.AutoSubmitted = get(ports.MailAutoSubmitted)
}

// when formats the notice's "At" (RFC 3339) in its "TimeZone" (an IANA name;
// UTC when missing or unknown) for lang, the way the pages show times.
func when(lang string, data map[string]any) (string, bool) {
	s, _ := data["At"].(string)
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", false
	}
	loc := time.UTC
	if z, _ := data["TimeZone"].(string); z != "" {
		if l, err := time.LoadLocation(z); err == nil {
			loc = l
		}
	}
	return i18n.DateTime(lang, at, loc), true
}

// formatTimes returns data with every "…Time" value (RFC 3339) formatted in
// the notice's "TimeZone" for lang.
func formatTimes(lang string, data map[string]any) map[string]any {
	var out map[string]any
	for k, v := range data {
		s, ok := v.(string)
		name, cut := strings.CutSuffix(k, "Time")
		if !ok || !cut || name == "" {
			continue
		}
		at, ok := when(lang, map[string]any{"At": s, "TimeZone": data["TimeZone"]})
		if !ok {
			continue
		}
		if out == nil {
			out = clone(data)
		}
		out[name] = at
	}
	if out == nil {
		return data
	}
	return out
}

// translateKeys returns data with every "…Key" message id translated.
func (n *Notifier) translateKeys(lang string, data map[string]any) map[string]any {
	var out map[string]any
	for k, v := range data {
		id, ok := v.(string)
		if !ok || len(k) <= 3 || !strings.HasSuffix(k, "Key") {
			continue
		}
		if out == nil {
			out = clone(data)
		}
		out[strings.TrimSuffix(k, "Key")] = n.bundle.T(lang, id, nil)
	}
	if out == nil {
		return data
	}
	return out
}

// with returns a copy of data with key set to v.
func with(data map[string]any, key string, v any) map[string]any {
	out := clone(data)
	out[key] = v
	return out
}

// clone copies data, with room for one more value: the notices' data is
// never changed in place.
func clone(data map[string]any) map[string]any {
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		out[k] = v
	}
	return out
}
