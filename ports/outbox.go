package ports

import (
	"context"
	"time"
)

// Notice is an email to be sent by the outbox worker: whom to, in which
// language, which template (the message ids mail.<Template>.subject and
// mail.<Template>.body) and the template's data. Data survives a trip through
// JSON: give it strings, numbers and booleans, with times already formatted.
type Notice struct {
	To       string
	Lang     string
	Template string
	Data     map[string]any
	// RequestID is the id of the request that caused the notice, for logs;
	// Enqueue fills it from the context when it is empty.
	RequestID string
}

// Outbox keeps notices until they are sent. A use case enqueues its notices
// through the outbox of its unit of work, so that a notice is kept exactly
// when the change that caused it is committed.
type Outbox interface {
	// Enqueue keeps the notices, all or none (one statement for many).
	Enqueue(ctx context.Context, ns ...Notice) error
}

// Delivery is one notice claimed from the outbox for sending, with the number
// of earlier attempts and when it was enqueued.
type Delivery struct {
	ID       int64
	Notice   Notice
	Attempts int
	Created  time.Time
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request it serves.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id of the request that ctx serves, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
