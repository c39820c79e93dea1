package postgres

import (
	"context"
	"encoding/json"

	"supportal/domain/identity"
)

// draftData is what the data column of registration_drafts holds.
type draftData struct {
	Info    identity.AccountInfo `json:"info"`
	Company identity.Company     `json:"company"`
}

// SaveDraft inserts the draft or replaces the one with the same token hash.
func (s *IdentityStore) SaveDraft(ctx context.Context, d identity.Draft) error {
	const q = `
INSERT INTO registration_drafts (token_hash, data, code_sent_to, verified, password_hash, expires_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (token_hash) DO UPDATE SET
	data = EXCLUDED.data,
	code_sent_to = EXCLUDED.code_sent_to,
	verified = EXCLUDED.verified,
	password_hash = EXCLUDED.password_hash,
	expires_at = EXCLUDED.expires_at
RETURNING token_hash`
	data, err := json.Marshal(draftData{Info: d.Info, Company: d.Company})
	if err != nil {
		return identityErr("save draft", err)
	}
	var hash []byte
	err = s.db.QueryRowxContext(ctx, q,
		d.TokenHash, string(data), d.CodeSentTo, d.Verified, d.PasswordHash, d.ExpiresAt,
	).Scan(&hash)
	if err != nil {
		return identityErr("save draft", err)
	}
	return nil
}

// DraftByHash returns the draft with the given token hash, whether or not it
// has expired. It returns NotFound (error.register.expired).
func (s *IdentityStore) DraftByHash(ctx context.Context, hash []byte) (identity.Draft, error) {
	const q = `
SELECT token_hash, data, code_sent_to, verified, password_hash, expires_at
FROM registration_drafts
WHERE token_hash = $1`
	var (
		d    identity.Draft
		data []byte
	)
	err := s.db.QueryRowxContext(ctx, q, hash).
		Scan(&d.TokenHash, &data, &d.CodeSentTo, &d.Verified, &d.PasswordHash, &d.ExpiresAt)
	if err != nil {
		return identity.Draft{}, identityErr("draft by hash", notFound(err, keyDraftExpired))
	}
	var dd draftData
	if err := json.Unmarshal(data, &dd); err != nil {
		return identity.Draft{}, identityErr("draft by hash: data", err)
	}
	d.Info, d.Company, d.ExpiresAt = dd.Info, dd.Company, d.ExpiresAt.UTC()
	return d, nil
}

// DeleteDraft removes the draft. An unknown hash is not an error.
func (s *IdentityStore) DeleteDraft(ctx context.Context, hash []byte) error {
	const q = `DELETE FROM registration_drafts WHERE token_hash = $1`
	if _, err := s.db.ExecContext(ctx, q, hash); err != nil {
		return identityErr("delete draft", err)
	}
	return nil
}
