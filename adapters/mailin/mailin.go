// Package mailin reads an inbound email (RFC 5322, MIME) into what the ticket
// module needs from a reply: who sent it, what it answers, whether a machine
// wrote it, the new text without the quoted history and signature, and the
// attached files.
package mailin

import (
	"errors"
	"time"
)

// ErrTooLarge is returned by Parse when the message is larger than the limit.
var ErrTooLarge = errors.New("mailin: message too large")

// Message is one parsed inbound email.
type Message struct {
	// MessageID, InReplyTo and References are the message ids without the
	// angle brackets.
	MessageID  string
	InReplyTo  string
	References []string
	// From is the address of the From header, lower-cased; FromName its
	// display name.
	From     string
	FromName string
	// To and Cc are the addresses of those headers, lower-cased.
	To      []string
	Cc      []string
	Subject string
	Date    time.Time
	// Auto says a machine wrote the message (an auto-reply, an out-of-office
	// notice, a bounce or delivery status notification, bulk or list mail);
	// AutoReason says which sign gave it away, for the log.
	Auto       bool
	AutoReason string
	// Text is the whole body as plain text in UTF-8 with LF line ends; an
	// HTML-only body is turned into text, never kept as markup, its block
	// quotes as lines starting with ">".
	Text string
	// TextFromHTML says Text was made from an HTML body because the message
	// had no plain text one (or only an empty one).
	TextFromHTML bool
	// Reply is Text without the quoted history and the signature: what the
	// person wrote in this message. Each of its lines is found in Text; it
	// is "" when nothing is left once the quote and signature are gone.
	Reply       string
	Attachments []Attachment
}

// Attachment is one file attached to the message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
	// ContentID is the part's Content-ID without brackets, by which an HTML
	// body shows an inline image; Inline says the sender meant the part to
	// be shown in the body (a logo in a signature, a pasted screenshot)
	// rather than attached.
	ContentID string
	Inline    bool
}
