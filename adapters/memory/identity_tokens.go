package memory

import (
	"bytes"
	"context"
	"strings"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

var _ identity.Tokens = (*IdentityStore)(nil)

var (
	errTokenNotFound  = domain.E(domain.NotFound, "error.token.not_found")
	errTokenNameTaken = domain.E(domain.Conflict, "error.token.name_taken")
)

// copyToken returns t with its hash and times copied, so that callers never
// share the store's state.
func copyToken(t identity.ServiceToken) identity.ServiceToken {
	t.Hash = bytes.Clone(t.Hash)
	t.LastUsedAt, t.RevokedAt = copyTime(t.LastUsedAt), copyTime(t.RevokedAt)
	return t
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := dbTime(*t)
	return &c
}

// CreateToken stores t and fills t.ID. A name already used by an active
// token, compared without regard to case, returns Conflict
// (error.token.name_taken), as does a duplicate hash.
func (s *IdentityStore) CreateToken(_ context.Context, t *identity.ServiceToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.tokens {
		if bytes.Equal(o.Hash, t.Hash) || (o.RevokedAt == nil && strings.EqualFold(o.Name, t.Name)) {
			return errTokenNameTaken
		}
	}
	t.ID = s.nextID()
	st := copyToken(*t)
	st.CreatedAt = dbTime(st.CreatedAt)
	s.tokens = append(s.tokens, st)
	return nil
}

// ListTokens returns every token, revoked ones included, oldest first.
func (s *IdentityStore) ListTokens(_ context.Context) ([]identity.ServiceToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]identity.ServiceToken, 0, len(s.tokens))
	for _, t := range s.tokens {
		out = append(out, copyToken(t))
	}
	return out, nil
}

// RevokeToken marks the active token with the given id revoked at at. It
// returns NotFound (error.token.not_found) when the token is absent or
// already revoked.
func (s *IdentityStore) RevokeToken(_ context.Context, id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, t := range s.tokens {
		if t.ID == id && t.RevokedAt == nil {
			s.tokens[i].RevokedAt = copyTime(&at)
			return nil
		}
	}
	return errTokenNotFound
}

// TokenByHash returns the token with the given hash, revoked or not. It
// returns NotFound (error.token.not_found).
func (s *IdentityStore) TokenByHash(_ context.Context, hash []byte) (identity.ServiceToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if bytes.Equal(t.Hash, hash) {
			return copyToken(t), nil
		}
	}
	return identity.ServiceToken{}, errTokenNotFound
}

// TouchToken records that the token was used at at. An unknown id is not an
// error.
func (s *IdentityStore) TouchToken(_ context.Context, id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, t := range s.tokens {
		if t.ID == id {
			s.tokens[i].LastUsedAt = copyTime(&at)
		}
	}
	return nil
}
