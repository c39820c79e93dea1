package identity

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
	"time"

	"supportal/domain"
)

// Purpose says what an emailed code proves.
type Purpose string

// The purposes of emailed codes.
const (
	PurposeRegister Purpose = "register"
	PurposeLogin    Purpose = "login"
	PurposeReset    Purpose = "reset"
)

// Code rules.
const (
	CodeTTL      = 10 * time.Minute
	CodeMaxTries = 5
	// CodeCooldown is the time between two codes for the same address and purpose.
	CodeCooldown = 60 * time.Second
)

// Code is an emailed one-time code, stored only as a keyed hash.
type Code struct {
	ID        int64
	Email     string
	Purpose   Purpose
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	Tries     int
	UsedAt    *time.Time
}

// NewCodeValue returns six random digits from crypto/rand.
func NewCodeValue() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("identity: code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// HashCode keys the code with the server secret and binds it to its address and
// purpose, so a stored hash is useless without the secret.
func HashCode(secret []byte, email string, p Purpose, value string) []byte {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%s\x00%s\x00%s", p, email, value)
	return m.Sum(nil)
}

// errCodeInvalid is the one message for a wrong, expired, used or exhausted code.
var errCodeInvalid = domain.FieldError("code", "error.code.invalid")

// Check verifies a typed value against the code at time now and records the
// outcome on c: a match marks it used; a miss counts a try. It returns
// errCodeInvalid when the code cannot be used or the value is wrong.
func (c *Code) Check(hash []byte, now time.Time) error {
	if c.UsedAt != nil || !now.Before(c.ExpiresAt) || c.Tries >= CodeMaxTries {
		return errCodeInvalid
	}
	if !hmac.Equal(c.Hash, hash) {
		c.Tries++
		return errCodeInvalid
	}
	c.UsedAt = &now
	return nil
}

// validCodeFormat reports whether s looks like a code at all.
func validCodeFormat(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
