package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain/attachment"
)

// AttachmentStore keeps the attachments table: one row for every stored
// object that a committed row refers to.
type AttachmentStore struct {
	db sqlx.ExtContext
}

var _ attachment.Index = (*AttachmentStore)(nil)

// NewAttachmentStore returns the attachment store over a database or a
// transaction.
func NewAttachmentStore(db sqlx.ExtContext) *AttachmentStore { return &AttachmentStore{db: db} }

// Add records the attachment of the owner (ownerKind "licence" and the
// submission id, for example). Recording a key twice keeps the first row.
// Run it in the transaction of the row that refers to the attachment.
func (s *AttachmentStore) Add(ctx context.Context, a attachment.Attachment, ownerKind string, ownerID int64) error {
	if err := insertAttachment(ctx, s.db, a, ownerKind, ownerID); err != nil {
		return fmt.Errorf("attachment store: add: %w", err)
	}
	return nil
}

// insertAttachment writes the attachment row inside db (a transaction, when
// called by a store that writes the row referring to it).
func insertAttachment(ctx context.Context, db sqlx.ExtContext, a attachment.Attachment, ownerKind string, ownerID int64) error {
	const q = `
INSERT INTO attachments (key, name, content_type, size, owner_kind, owner_id)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (key) DO NOTHING`
	_, err := db.ExecContext(ctx, q, a.Key, a.Name, a.ContentType, a.Size, ownerKind, ownerID)
	return err
}

// UnnamedKeys returns those of keys that no attachment row names, or whose
// row is marked deleted, in one query.
func (s *AttachmentStore) UnnamedKeys(ctx context.Context, keys []string) ([]string, error) {
	const q = `
SELECT k FROM unnest($1::text[]) AS k
WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.key = k AND a.deleted_at IS NULL)`
	var out []string
	if err := sqlx.SelectContext(ctx, s.db, &out, q, pq.Array(keys)); err != nil {
		return nil, fmt.Errorf("attachment store: unnamed keys: %w", err)
	}
	return out, nil
}

// ForgetDeleted removes the rows marked deleted among keys.
func (s *AttachmentStore) ForgetDeleted(ctx context.Context, keys []string) error {
	const q = `DELETE FROM attachments WHERE key = ANY($1) AND deleted_at IS NOT NULL`
	if _, err := s.db.ExecContext(ctx, q, pq.Array(keys)); err != nil {
		return fmt.Errorf("attachment store: forget deleted: %w", err)
	}
	return nil
}

// MarkDeleted marks the attachment with key deleted: Sweep then removes its
// object and the row. Run it in the transaction that stops referring to it.
func (s *AttachmentStore) MarkDeleted(ctx context.Context, key string) error {
	const q = `UPDATE attachments SET deleted_at = now() WHERE key = $1 AND deleted_at IS NULL`
	if _, err := s.db.ExecContext(ctx, q, key); err != nil {
		return fmt.Errorf("attachment store: mark deleted: %w", err)
	}
	return nil
}
