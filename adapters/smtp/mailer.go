// Package smtp sends the application's email through an SMTP server with
// go-mail. Its Mailer implements ports.Mailer.
package smtp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"supportal/ports"
)

// TLS modes accepted in Config.TLS.
const (
	// TLSNone sends everything in plain text, even when the server offers STARTTLS.
	TLSNone = "none"
	// TLSStartTLS requires STARTTLS and fails when the server does not offer it.
	TLSStartTLS = "starttls"
	// TLSOpportunistic upgrades with STARTTLS when the server offers it and
	// falls back to plain text otherwise. It is the default.
	TLSOpportunistic = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
)

// DefaultTimeout bounds connecting and every exchange with the server when
// Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// Config says where and how the Mailer delivers mail.
type Config struct {
	// Host is the SMTP server's host name or IP address.
	Host string
	// Port is the server's port; zero means 465 for TLSImplicit and 587
	// (the submission port) otherwise.
	Port int
	// Username and Password are used for SMTP AUTH (PLAIN, or LOGIN when
	// the server offers only that). No authentication is attempted when
	// Username is empty.
	Username string
	Password string
	// From is the sender, with or without a display name, for example
	// "Supportal <no-reply@example.com>".
	From string
	// TLS is one of TLSNone, TLSStartTLS, TLSOpportunistic (the default
	// when empty) and TLSImplicit.
	TLS string
	// Timeout bounds connecting and each exchange with the server; zero
	// means DefaultTimeout.
	Timeout time.Duration
}

// Mailer sends email through one SMTP server. It is safe for concurrent use;
// every Send opens its own connection.
type Mailer struct {
	host       string
	from       *mail.Address
	fromDomain string
	opts       []gomail.Option
}

var _ ports.Mailer = (*Mailer)(nil)

// New checks cfg and returns a Mailer for it. It does not connect to the
// server.
func New(cfg Config) (*Mailer, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, errors.New("smtp: new: host is empty")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: new: from %q: %w", cfg.From, err)
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("smtp: new: negative timeout %s", cfg.Timeout)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}

	mode := strings.ToLower(strings.TrimSpace(cfg.TLS))
	if mode == "" {
		mode = TLSOpportunistic
	}
	port := cfg.Port
	if port == 0 {
		port = 587
		if mode == TLSImplicit {
			port = 465
		}
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtp: new: invalid port %d", cfg.Port)
	}

	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(timeout)}
	switch mode {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp: new: unknown tls mode %q (want none, starttls, opportunistic or tls)", cfg.TLS)
	}
	if cfg.Username != "" {
		// go-mail's auto-discovery never picks PLAIN or LOGIN on an
		// unencrypted connection, so name them. PLAIN and LOGIN still refuse
		// to send credentials in clear text except to localhost.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(cfg.Username),
			gomail.WithPassword(cfg.Password),
		)
	}

	m := &Mailer{
		host:       cfg.Host,
		from:       from,
		fromDomain: from.Address[strings.LastIndexByte(from.Address, '@')+1:],
		opts:       opts,
	}
	if _, err := m.client(); err != nil {
		return nil, fmt.Errorf("smtp: new: %w", err)
	}
	return m, nil
}

// Send delivers msg to msg.To. The message has a plain-text body and, when
// msg.HTML is set, an HTML alternative. ctx bounds connecting; the exchange
// after that is bounded by Config.Timeout.
func (m *Mailer) Send(ctx context.Context, msg ports.Mail) error {
	out, err := m.message(msg)
	if err != nil {
		return fmt.Errorf("smtp: send to %s: %w", msg.To, err)
	}
	c, err := m.client()
	if err != nil {
		return fmt.Errorf("smtp: send to %s: %w", msg.To, err)
	}
	if err := c.DialAndSendWithContext(ctx, out); err != nil {
		return fmt.Errorf("smtp: send to %s: %w", msg.To, err)
	}
	return nil
}

// client returns a fresh go-mail client. A client per Send keeps concurrent
// sends apart: go-mail rewrites its auth settings while authenticating.
func (m *Mailer) client() (*gomail.Client, error) {
	return gomail.NewClient(m.host, m.opts...)
}

// message renders msg as a go-mail message with UTF-8 headers and bodies
// (quoted-printable, with RFC 2047 encoded words in the headers).
func (m *Mailer) message(msg ports.Mail) (*gomail.Msg, error) {
	out := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	out.FromMailAddress(m.from)
	if err := out.To(msg.To); err != nil {
		return nil, err
	}
	out.Subject(msg.Subject)
	if msg.ReplyTo != "" {
		if err := out.ReplyTo(msg.ReplyTo); err != nil {
			return nil, err
		}
	}
	if msg.MessageID != "" {
		out.SetMessageIDWithValue(msg.MessageID)
	} else {
		out.SetMessageIDWithValue(rand.Text() + "@" + m.fromDomain)
	}
	if msg.InReplyTo != "" {
		out.SetGenHeader(gomail.HeaderInReplyTo, "<"+msg.InReplyTo+">")
	}
	if len(msg.References) > 0 {
		out.SetGenHeader(gomail.HeaderReferences, "<"+strings.Join(msg.References, "> <")+">")
	}
	if msg.AutoSubmitted != "" {
		out.SetGenHeader(gomail.Header("Auto-Submitted"), msg.AutoSubmitted)
	}
	out.SetDate()
	switch {
	case msg.HTML == "":
		out.SetBodyString(gomail.TypeTextPlain, msg.Text)
	case msg.Text == "":
		out.SetBodyString(gomail.TypeTextHTML, msg.HTML)
	default:
		out.SetBodyString(gomail.TypeTextPlain, msg.Text)
		out.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	return out, nil
}
