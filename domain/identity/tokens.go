package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"supportal/domain"
)

// Service tokens let internal systems call the API (SPEC §3.3): a bearer
// secret shown once when created and stored only as its SHA-256 hash.
const (
	// TokenPrefix starts every service token, so that a leaked one is easy to
	// recognise in logs and by secret scanners.
	TokenPrefix = "spt_"
	// tokenLen is the length of a token: the prefix and 32 random bytes in
	// unpadded base64url.
	tokenLen = len(TokenPrefix) + 43
	// maxTokenName bounds a token's name, in characters.
	maxTokenName = 50
	// tokenTouchEvery limits how often a call writes last-used.
	tokenTouchEvery = time.Minute
)

// ServiceToken is a credential of an internal system. Only the hash of its
// secret is stored; LastUsedAt and RevokedAt are nil until they happen.
type ServiceToken struct {
	ID         int64
	Name       string
	Hash       []byte
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token may still be used.
func (t ServiceToken) Active() bool { return t.RevokedAt == nil }

var errTokenInvalid = domain.E(domain.Unauthenticated, "error.token.invalid")

// normalizeTokenName trims a token name and checks that it has 1 to 50
// characters and no control characters.
func normalizeTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", domain.FieldError("name", "error.token.name_required")
	case n > maxTokenName:
		return "", domain.FieldError("name", "error.token.name_too_long").With("Count", maxTokenName)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", domain.FieldError("name", "error.token.name_invalid")
	}
	return name, nil
}

// newServiceToken returns a fresh token secret: the prefix and 256 random bits.
func newServiceToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("identity: service token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateToken creates a service token called name and returns its secret,
// which is not stored and cannot be shown again. The name must have 1 to 50
// characters and differ from every active token's (Conflict
// error.token.name_taken otherwise). The token and its audit event are
// stored in one unit of work.
func (s *Service) CreateToken(ctx context.Context, name string) (string, ServiceToken, error) {
	name, err := normalizeTokenName(name)
	if err != nil {
		return "", ServiceToken{}, err
	}
	secret, err := newServiceToken()
	if err != nil {
		return "", ServiceToken{}, err
	}
	t := ServiceToken{Name: name, Hash: HashToken(secret), CreatedAt: s.now()}
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Tokens.CreateToken(ctx, &t); err != nil {
			return err
		}
		return s.audit(ctx, st, "token_created", 0, "", Client{}, fmt.Sprintf("token=%d name=%q", t.ID, t.Name))
	})
	if err != nil {
		return "", ServiceToken{}, err
	}
	return secret, t, nil
}

// ListTokens returns every service token, revoked ones included, oldest first.
func (s *Service) ListTokens(ctx context.Context) ([]ServiceToken, error) {
	return s.d.Tokens.ListTokens(ctx)
}

// RevokeToken ends the service token with the given id at once. It returns
// NotFound (error.token.not_found) when there is no such active token.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	return s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Tokens.RevokeToken(ctx, id, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, st, "token_revoked", 0, "", Client{}, fmt.Sprintf("token=%d", id))
	})
}

// AuthenticateToken returns the active service token whose secret is
// plaintext and records its use. A malformed, unknown or revoked secret
// returns Unauthenticated (error.token.invalid).
func (s *Service) AuthenticateToken(ctx context.Context, plaintext string) (ServiceToken, error) {
	if len(plaintext) != tokenLen || !strings.HasPrefix(plaintext, TokenPrefix) {
		return ServiceToken{}, errTokenInvalid
	}
	t, err := s.d.Tokens.TokenByHash(ctx, HashToken(plaintext))
	if isNotFound(err) {
		return ServiceToken{}, errTokenInvalid
	}
	if err != nil {
		return ServiceToken{}, err
	}
	if !t.Active() {
		return ServiceToken{}, errTokenInvalid
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchEvery {
		if err := s.d.Tokens.TouchToken(ctx, t.ID, now); err != nil {
			return ServiceToken{}, err
		}
		t.LastUsedAt = &now
	}
	return t, nil
}
