package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain/attachment"
	"supportal/domain/ticket"
)

// TicketThreads keeps the messages, attachments, history events and
// followers of tickets.
type TicketThreads struct {
	db sqlx.ExtContext
}

var _ ticket.Threads = (*TicketThreads)(nil)

// NewTicketThreads returns the thread store over db: a *sqlx.DB, or the
// *sqlx.Tx of a unit of work (see NewTicketTx).
func NewTicketThreads(db sqlx.ExtContext) *TicketThreads { return &TicketThreads{db: db} }

// ticketMessageOwner is the owner kind of a ticket attachment's row in
// attachments; its owner id is the message's.
const ticketMessageOwner = "ticket_message"

// messageRow is a row of ticket_messages.
type messageRow struct {
	ID         int64         `db:"id"`
	TicketID   int64         `db:"ticket_id"`
	AuthorID   sql.NullInt64 `db:"author_id"`
	AuthorName string        `db:"author_name"`
	AuthorRole string        `db:"author_role"`
	Internal   bool          `db:"internal"`
	Body       string        `db:"body"`
	CreatedAt  time.Time     `db:"created_at"`
}

// attachmentRow is a row of ticket_attachments, with the internal flag of
// its message where a query joins it.
type attachmentRow struct {
	ID          int64     `db:"id"`
	TicketID    int64     `db:"ticket_id"`
	MessageID   int64     `db:"message_id"`
	Key         string    `db:"key"`
	Name        string    `db:"name"`
	ContentType string    `db:"content_type"`
	Size        int64     `db:"size"`
	CreatedAt   time.Time `db:"created_at"`
	Internal    bool      `db:"internal"`
}

func (r attachmentRow) attachment() ticket.Attachment {
	return ticket.Attachment{ID: r.ID, MessageID: r.MessageID, TicketID: r.TicketID, Key: r.Key,
		Name: r.Name, ContentType: r.ContentType, Size: r.Size, CreatedAt: r.CreatedAt.UTC()}
}

// eventRow is a row of ticket_events.
type eventRow struct {
	ID        int64         `db:"id"`
	TicketID  int64         `db:"ticket_id"`
	At        time.Time     `db:"at"`
	ActorID   sql.NullInt64 `db:"actor_id"`
	ActorName string        `db:"actor_name"`
	ActorRole string        `db:"actor_role"`
	Kind      string        `db:"kind"`
	From      string        `db:"from_value"`
	To        string        `db:"to_value"`
}

// AddMessage stores m and fills m.ID (an author id of 0 is stored as none,
// for the system's messages).
func (s *TicketThreads) AddMessage(ctx context.Context, m *ticket.Message) error {
	const q = `
INSERT INTO ticket_messages (ticket_id, author_id, author_name, author_role, internal, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id`
	err := s.db.QueryRowxContext(ctx, q, m.TicketID, nullID(m.AuthorID), m.AuthorName, string(m.AuthorRole),
		m.Internal, m.Body, m.CreatedAt).Scan(&m.ID)
	return ticketErr("add message", err)
}

// AddAttachment stores a under its message, whose ticket it takes, and the
// attachments row (owner ticket_message, the message's id) that keeps its
// object from the sweeper, in one transaction; it fills a.ID and a.TicketID.
// An unknown message is NotFound (error.ticket.not_found).
func (s *TicketThreads) AddAttachment(ctx context.Context, a *ticket.Attachment) error {
	const q = `
INSERT INTO ticket_attachments (ticket_id, message_id, key, name, content_type, size, created_at)
SELECT m.ticket_id, m.id, $2, $3, $4, $5, $6 FROM ticket_messages m WHERE m.id = $1
RETURNING id, ticket_id`
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		err := tx.QueryRowxContext(ctx, q, a.MessageID, a.Key, a.Name, a.ContentType, a.Size, a.CreatedAt).
			Scan(&a.ID, &a.TicketID)
		if err != nil {
			return notFound(err, keyTicketNotFound)
		}
		return insertAttachment(ctx, tx, attachment.Attachment{Key: a.Key, Name: a.Name,
			ContentType: a.ContentType, Size: a.Size}, ticketMessageOwner, a.MessageID)
	})
	return ticketErr("add attachment", err)
}

// Messages returns the ticket's thread, oldest first, each message with its
// attachments (in the order they were added), without the internal notes
// unless withNotes: two queries, whatever the length of the thread.
func (s *TicketThreads) Messages(ctx context.Context, ticketID int64, withNotes bool) ([]ticket.Message, error) {
	const all = `
SELECT id, ticket_id, author_id, author_name, author_role, internal, body, created_at
FROM ticket_messages WHERE ticket_id = $1 ORDER BY id`
	const public = `
SELECT id, ticket_id, author_id, author_name, author_role, internal, body, created_at
FROM ticket_messages WHERE ticket_id = $1 AND NOT internal ORDER BY id`
	const files = `
SELECT id, ticket_id, message_id, key, name, content_type, size, created_at
FROM ticket_attachments WHERE message_id = ANY($1) ORDER BY message_id, id`
	q := public
	if withNotes {
		q = all
	}
	var rows []messageRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, q, ticketID); err != nil {
		return nil, ticketErr("messages", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]ticket.Message, len(rows))
	ids := make([]int64, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		out[i] = ticket.Message{ID: r.ID, TicketID: r.TicketID, AuthorID: r.AuthorID.Int64,
			AuthorName: r.AuthorName, AuthorRole: ticket.Role(r.AuthorRole), Internal: r.Internal,
			Body: r.Body, CreatedAt: r.CreatedAt.UTC()}
		ids[i], at[r.ID] = r.ID, i
	}
	var atts []attachmentRow
	if err := sqlx.SelectContext(ctx, s.db, &atts, files, pq.Array(ids)); err != nil {
		return nil, ticketErr("messages", err)
	}
	for _, a := range atts {
		m := &out[at[a.MessageID]]
		m.Attachments = append(m.Attachments, a.attachment())
	}
	return out, nil
}

// Attachment returns the attachment with id and whether its message is an
// internal note.
func (s *TicketThreads) Attachment(ctx context.Context, id int64) (ticket.Attachment, bool, error) {
	const q = `
SELECT a.id, a.ticket_id, a.message_id, a.key, a.name, a.content_type, a.size, a.created_at, m.internal
FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id
WHERE a.id = $1`
	var r attachmentRow
	if err := sqlx.GetContext(ctx, s.db, &r, q, id); err != nil {
		return ticket.Attachment{}, false, ticketErr("attachment", notFound(err, keyTicketNotFound))
	}
	return r.attachment(), r.Internal, nil
}

// AddEvent appends e to its ticket's history (an actor id of 0 is stored
// as none, for the system's events).
func (s *TicketThreads) AddEvent(ctx context.Context, e ticket.Event) error {
	const q = `
INSERT INTO ticket_events (ticket_id, at, actor_id, actor_name, actor_role, kind, from_value, to_value)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	_, err := s.db.ExecContext(ctx, q, e.TicketID, e.At, nullID(e.ActorID), e.ActorName, string(e.ActorRole),
		string(e.Kind), e.From, e.To)
	return ticketErr("add event", err)
}

// Events returns the ticket's history in the order it was written.
func (s *TicketThreads) Events(ctx context.Context, ticketID int64) ([]ticket.Event, error) {
	const q = `
SELECT id, ticket_id, at, actor_id, actor_name, actor_role, kind, from_value, to_value
FROM ticket_events WHERE ticket_id = $1 ORDER BY id`
	var rows []eventRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, q, ticketID); err != nil {
		return nil, ticketErr("events", err)
	}
	out := make([]ticket.Event, len(rows))
	for i, r := range rows {
		out[i] = ticket.Event{ID: r.ID, TicketID: r.TicketID, At: r.At.UTC(), ActorID: r.ActorID.Int64,
			ActorName: r.ActorName, ActorRole: ticket.Role(r.ActorRole), Kind: ticket.EventKind(r.Kind),
			From: r.From, To: r.To}
	}
	return out, nil
}

// Follow adds the account to the ticket's followers; following twice is
// following once.
func (s *TicketThreads) Follow(ctx context.Context, ticketID, accountID int64) error {
	const q = `INSERT INTO ticket_followers (ticket_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	_, err := s.db.ExecContext(ctx, q, ticketID, accountID)
	return ticketErr("follow", err)
}

// Followers returns the ids of the ticket's followers, lowest first.
func (s *TicketThreads) Followers(ctx context.Context, ticketID int64) ([]int64, error) {
	const q = `SELECT account_id FROM ticket_followers WHERE ticket_id = $1 ORDER BY account_id`
	var ids []int64
	if err := sqlx.SelectContext(ctx, s.db, &ids, q, ticketID); err != nil {
		return nil, ticketErr("followers", err)
	}
	return ids, nil
}
