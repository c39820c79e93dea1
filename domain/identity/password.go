package identity

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"supportal/domain"
)

// Password length bounds, in characters.
const (
	PasswordMin = 12
	PasswordMax = 128
)

//go:embed common-passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := make(map[string]bool)
	for _, l := range strings.Split(commonPasswordList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// CheckPassword applies the password policy: 12–128 characters, the two
// entries equal, not containing the local part of the email, and not on the
// list of very common passwords.
func CheckPassword(password, confirm, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < PasswordMin:
		return domain.FieldError("password", "error.password.too_short").With("Count", PasswordMin)
	case n > PasswordMax:
		return domain.FieldError("password", "error.password.too_long").With("Count", PasswordMax)
	case password != confirm:
		return domain.FieldError("password_confirm", "error.password.mismatch")
	}
	lower := strings.ToLower(password)
	if local, _, ok := strings.Cut(NormalizeEmail(email), "@"); ok && len(local) >= 3 && strings.Contains(lower, local) {
		return domain.FieldError("password", "error.password.contains_email")
	}
	if commonPasswords[lower] {
		return domain.FieldError("password", "error.password.common")
	}
	return nil
}
