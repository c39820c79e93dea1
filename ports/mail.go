package ports

import "context"

// Mail is one outgoing email, already rendered in the recipient's language.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string // optional
	// ReplyTo is the address a reply goes to ("": the sender).
	ReplyTo string
	// MessageID, InReplyTo and References are message ids without angle
	// brackets: the email's own id ("": the mailer makes one) and the
	// thread it belongs to.
	MessageID  string
	InReplyTo  string
	References []string
	// AutoSubmitted is the Auto-Submitted header ("auto-replied" for an
	// automatic answer to a received email; "": none).
	AutoSubmitted string
}

// The notice data that becomes headers of its email rather than text of
// its templates (strings; References separated by spaces).
const (
	MailReplyTo       = "MailReplyTo"
	MailMessageID     = "MailMessageID"
	MailInReplyTo     = "MailInReplyTo"
	MailReferences    = "MailReferences"
	MailAutoSubmitted = "MailAutoSubmitted"
	// MailFooter is the message id of the email's footer ("": the
	// default one).
	MailFooter = "MailFooter"
)

// Mailer sends email. Send returns an error when the message was not accepted
// for delivery.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}
