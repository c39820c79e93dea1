package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
)

// Session lifetimes.
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
	// sessionTouchEvery limits how often a request writes last-seen.
	sessionTouchEvery = time.Minute
)

// Session is a signed-in browser. Only the hash of its token is stored.
type Session struct {
	TokenHash  []byte
	AccountID  int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
	// SecondFactorAt is when a staff member completed the second factor in
	// this session; nil while only the password was given.
	SecondFactorAt *time.Time
}

// Valid reports whether the session is within its idle and absolute limits at now.
func (s Session) Valid(now time.Time) bool {
	return now.Before(s.LastSeenAt.Add(SessionIdle)) && now.Before(s.CreatedAt.Add(SessionAbsolute))
}

// NeedsTouch reports whether last-seen is old enough to be written again.
func (s Session) NeedsTouch(now time.Time) bool { return now.Sub(s.LastSeenAt) >= sessionTouchEvery }

// NewToken returns 256 random bits, base64url-encoded, and its hash.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("identity: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a session or draft token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
