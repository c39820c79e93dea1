// Package totp computes the time-based one-time passwords of RFC 6238 with
// github.com/pquerna/otp and draws the QR code that enrols a secret in an
// authenticator app.
package totp

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"image/png"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"supportal/domain/identity"
)

// The parameters every common authenticator app understands.
const (
	period = 30
	skew   = 1
	digits = otp.DigitsSix
)

// OTP implements identity.OTP.
type OTP struct{}

var _ identity.OTP = OTP{}

// URI returns the otpauth:// address that enrols the base32 secret for
// account under issuer.
func (OTP) URI(issuer, account, secret string) (string, error) {
	raw, err := decode(secret)
	if err != nil {
		return "", err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: period,
		Secret: raw, Digits: digits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("totp: uri: %w", err)
	}
	return key.URL(), nil
}

// Step returns the newest time step within one step either side of t whose
// code equals code. Every candidate is compared in constant time.
func (OTP) Step(secret, code string, t time.Time) (int64, bool) {
	now := t.Unix() / period
	var (
		found int64
		ok    bool
	)
	for step := now - skew; step <= now+skew; step++ {
		want, err := Code(secret, step)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			found, ok = step, true
		}
	}
	return found, ok
}

// Code returns the code of the given time step (tests use it to play the
// authenticator app).
func Code(secret string, step int64) (string, error) {
	if step < 0 {
		return "", fmt.Errorf("totp: negative step %d", step)
	}
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: digits, Algorithm: otp.AlgorithmSHA1})
}

// CodeAt returns the code an authenticator app shows at t.
func CodeAt(secret string, t time.Time) (string, error) { return Code(secret, t.Unix()/period) }

// QR returns a PNG of the QR code that carries uri, size pixels square.
func QR(uri string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, fmt.Errorf("totp: qr: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("totp: qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("totp: qr: %w", err)
	}
	return buf.Bytes(), nil
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// decode reads an unpadded base32 secret.
func decode(secret string) ([]byte, error) {
	raw, err := b32.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("totp: secret: %w", err)
	}
	return raw, nil
}
