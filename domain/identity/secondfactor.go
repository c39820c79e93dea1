package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"supportal/domain"
)

// Staff accounts sign in with a second factor: a time-based one-time password
// (RFC 6238) from an authenticator app, or one of ten single-use recovery
// codes. The codes themselves are computed by the OTP port (a maintained
// library behind an adapter), so that the domain only decides what a code
// proves: the time step it belongs to, which must be newer than the last one
// used, so that a code cannot be replayed within its window.

// Second factor rules.
const (
	// RecoveryCodeCount is how many recovery codes an enrolment hands out.
	RecoveryCodeCount = 10
	// recoveryCodeLen is the number of characters of a recovery code.
	recoveryCodeLen = 10
	// totpSecretBytes is the size of a TOTP secret (RFC 4226 recommends 160 bits).
	totpSecretBytes = 20
	// TOTPIssuer names the service in authenticator apps.
	TOTPIssuer = "Supportal"
)

// recoveryAlphabet holds letters and digits that cannot be mistaken for one
// another when read from paper (no 0/o, 1/l/i).
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// SecondFactor is a staff account's enrolment in the second factor. The
// secret is stored sealed (AES-256-GCM under a key derived from the server
// secret), so a copy of the database alone yields no usable secret; recovery
// codes are stored only as keyed hashes.
type SecondFactor struct {
	AccountID int64
	// Sealed is the TOTP secret as SealSecret returns it.
	Sealed      []byte
	CreatedAt   time.Time
	ConfirmedAt *time.Time // nil until the first correct code
	// LastStep is the newest TOTP time step accepted; codes of that step
	// or older are refused.
	LastStep int64
	Recovery []RecoveryCode
}

// Confirmed reports whether the enrolment was completed with a correct code.
func (f SecondFactor) Confirmed() bool { return f.ConfirmedAt != nil }

// RecoveryLeft returns how many recovery codes are still unused.
func (f SecondFactor) RecoveryLeft() int {
	n := 0
	for _, r := range f.Recovery {
		if r.UsedAt == nil {
			n++
		}
	}
	return n
}

// RecoveryCode is one single-use recovery code, stored as a keyed hash.
type RecoveryCode struct {
	Hash   []byte
	UsedAt *time.Time
}

// The errors of the second factor.
var (
	errSecondFactorInvalid  = domain.FieldError("code", "error.second_factor.invalid")
	errSecondFactorEnrolled = domain.E(domain.Conflict, "error.second_factor.enrolled")
	errSecondFactorNone     = domain.E(domain.NotFound, "error.second_factor.not_enrolled")
)

// NeedsSecondFactor reports whether the session of account a still lacks the
// second factor: staff sessions need one, customer and partner sessions never.
func NeedsSecondFactor(a Account, s Session) bool { return a.IsStaff() && s.SecondFactorAt == nil }

// newTOTPSecret returns a fresh random TOTP secret in unpadded base32, the
// form authenticator apps read.
func newTOTPSecret() (string, error) {
	b := make([]byte, totpSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("identity: totp secret: %w", err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// secretKey derives the AES-256 key that seals TOTP secrets from the server
// secret, so that the key is never the same bytes as the code-hashing key.
func secretKey(serverSecret []byte) []byte {
	m := hmac.New(sha256.New, serverSecret)
	m.Write([]byte("supportal totp secret key v1"))
	return m.Sum(nil)
}

func secretAEAD(serverSecret []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(secretKey(serverSecret))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// SealSecret encrypts a TOTP secret for account accountID under the server
// secret: a random nonce followed by the AES-GCM ciphertext, bound to the
// account so that a sealed secret copied to another account does not open.
func SealSecret(serverSecret []byte, accountID int64, secret string) ([]byte, error) {
	aead, err := secretAEAD(serverSecret)
	if err != nil {
		return nil, fmt.Errorf("identity: seal secret: %w", err)
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(secret)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("identity: seal secret: %w", err)
	}
	return aead.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(accountID, 10))), nil
}

// OpenSecret decrypts what SealSecret returned. It fails when the server
// secret changed since the enrolment; an admin then resets the second factor.
func OpenSecret(serverSecret []byte, accountID int64, sealed []byte) (string, error) {
	aead, err := secretAEAD(serverSecret)
	if err != nil {
		return "", fmt.Errorf("identity: open secret: %w", err)
	}
	if len(sealed) < aead.NonceSize() {
		return "", errors.New("identity: open secret: too short")
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(strconv.FormatInt(accountID, 10)))
	if err != nil {
		return "", fmt.Errorf("identity: open secret: %w", err)
	}
	return string(plain), nil
}

// newRecoveryCodes returns RecoveryCodeCount fresh codes written as two
// groups of five characters ("k7m2q-x9vfa"), about 49 random bits each.
func newRecoveryCodes() ([]string, error) {
	out := make([]string, RecoveryCodeCount)
	b := make([]byte, recoveryCodeLen)
	for i := range out {
		var sb strings.Builder
		for j := 0; j < recoveryCodeLen; j++ {
			// Draw until unbiased: 248 is the largest multiple of 31 below 256.
			for {
				if _, err := rand.Read(b[j : j+1]); err != nil {
					return nil, fmt.Errorf("identity: recovery code: %w", err)
				}
				if b[j] < 248 {
					break
				}
			}
			if j == recoveryCodeLen/2 {
				sb.WriteByte('-')
			}
			sb.WriteByte(recoveryAlphabet[int(b[j])%len(recoveryAlphabet)])
		}
		out[i] = sb.String()
	}
	return out, nil
}

// normalizeRecoveryCode lower-cases a typed recovery code and drops spaces
// and hyphens; it returns "" when the rest is not a recovery code at all.
func normalizeRecoveryCode(s string) string {
	s = strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(strings.TrimSpace(s)))
	if len(s) != recoveryCodeLen {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(recoveryAlphabet, rune(s[i])) {
			return ""
		}
	}
	return s
}

// HashRecoveryCode keys a normalised recovery code with the server secret and
// binds it to its account. The codes carry enough entropy that a keyed
// SHA-256 is as safe as a slow password hash.
func HashRecoveryCode(secret []byte, accountID int64, code string) []byte {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "recovery\x00%d\x00%s", accountID, code)
	return m.Sum(nil)
}

// useRecovery marks the unused recovery code with the given hash as used at
// now; it returns errSecondFactorInvalid when none matches.
func (f *SecondFactor) useRecovery(hash []byte, now time.Time) error {
	for i := range f.Recovery {
		r := &f.Recovery[i]
		if r.UsedAt == nil && hmac.Equal(r.Hash, hash) {
			r.UsedAt = &now
			return nil
		}
	}
	return errSecondFactorInvalid
}

// acceptStep records step as used; it refuses a step that is not newer than
// the last one used (a replayed or older code).
func (f *SecondFactor) acceptStep(step int64) error {
	if step <= f.LastStep {
		return errSecondFactorInvalid
	}
	f.LastStep = step
	return nil
}

// GroupSecret writes a base32 secret in groups of four characters for typing
// it into an authenticator app by hand.
func GroupSecret(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s[i:min(i+4, len(s))])
	}
	return sb.String()
}
