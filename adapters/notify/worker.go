package notify

import (
	"context"
	"log/slog"
	"time"

	"supportal/ports"
)

// Queue is the outbox the worker drains; the postgres and memory outboxes
// satisfy it. Deliver claims one due notice that no other worker holds,
// calls send with it and records the outcome; it reports whether there was
// one, send's error, and its own.
type Queue interface {
	Deliver(ctx context.Context, now time.Time, retry func(attempts int) (time.Duration, bool), send func(context.Context, ports.Delivery) error) (found bool, sendErr, err error)
}

// Worker sends the outbox's notices through a Notifier, each in its
// recipient's language, retrying failed sends with backoff. Several workers,
// in one process or several, may drain one outbox: each notice is sent once.
type Worker struct {
	queue    Queue
	notifier *Notifier
	log      *slog.Logger
	// Poll is how long an idle worker waits before it looks again.
	Poll time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Retry says when a failed notice is tried again; Backoff when nil.
	Retry func(attempts int) (time.Duration, bool)
}

// NewWorker returns a worker that drains queue through n, logging to log.
func NewWorker(queue Queue, n *Notifier, log *slog.Logger) *Worker {
	if queue == nil || n == nil || log == nil {
		panic("notify: NewWorker needs a queue, a notifier and a logger")
	}
	return &Worker{queue: queue, notifier: n, log: log, Poll: time.Second}
}

// Backoff retries a notice after 30 s, then twice as long each time up to an
// hour, and gives up after the tenth attempt (about nine hours in all).
func Backoff(attempts int) (time.Duration, bool) {
	if attempts >= 10 {
		return 0, false
	}
	d := 30 * time.Second << (attempts - 1)
	return min(d, time.Hour), true
}

// Run sends due notices until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	for {
		sent, err := w.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Warn("outbox: worker", "err", err)
		}
		if sent > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Poll):
		}
	}
}

// Drain sends every notice due now and returns how many it handled
// (sent, retried or given up).
func (w *Worker) Drain(ctx context.Context) (int, error) {
	now, retry := time.Now, w.Retry
	if w.Now != nil {
		now = w.Now
	}
	if retry == nil {
		retry = Backoff
	}
	n := 0
	for ctx.Err() == nil {
		found, sendErr, err := w.queue.Deliver(ctx, now().UTC(), retry, w.send)
		if err != nil {
			return n, err
		}
		if !found {
			return n, nil
		}
		n++
		if sendErr != nil {
			w.log.Warn("email not sent", "err", sendErr)
		}
	}
	return n, ctx.Err()
}

// send renders one notice in its language and hands it to the mailer, with
// the id of the request that caused it in the logs.
func (w *Worker) send(ctx context.Context, d ports.Delivery) error {
	ctx, cancel := context.WithTimeout(ports.WithRequestID(ctx, d.Notice.RequestID), 30*time.Second)
	defer cancel()
	if err := w.notifier.Notify(ctx, d.Notice.To, d.Notice.Lang, d.Notice.Template, d.Notice.Data); err != nil {
		w.log.WarnContext(ctx, "email not sent", "request_id", d.Notice.RequestID, "notice", d.ID, "template", d.Notice.Template, "attempt", d.Attempts+1, "err", err)
		return err
	}
	w.log.InfoContext(ctx, "email sent", "request_id", d.Notice.RequestID, "notice", d.ID, "template", d.Notice.Template)
	return nil
}
