package ports

import "context"

// Mail is one outgoing email, already rendered in the recipient's language.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string // optional
}

// Mailer sends email. Send returns an error when the message was not accepted
// for delivery.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}
