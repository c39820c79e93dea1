// Package creditcode normalises and checks the unified social credit code of
// GB 32100-2015, shared by verification (what customers submit) and warranty
// (what the import files name as device owners).
package creditcode

import (
	"strings"
	"unicode"

	"supportal/domain"
)

// alphabet is the GB 32100-2015 character set: digits and upper-case
// letters without I, O, S, V and Z. A character's value is its index.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// value maps a byte to its value in alphabet plus one (0: not in it).
var value = func() (v [256]int8) {
	for i := range len(alphabet) {
		v[alphabet[i]] = int8(i + 1)
	}
	return v
}()

// weights are 3^i mod 31 for positions 1–17.
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Normalize trims the input, drops spaces and hyphens, turns
// full-width characters into half-width ones and upper-cases the result.
func Normalize(s string) string {
	if plain(s) {
		return s // the usual case, without an allocation
	}
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == 0x3000: // ideographic space
			r = ' '
		}
		if r == ' ' || r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// plain reports whether s holds only digits and upper-case ASCII letters,
// which Normalize leaves as they are.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// CheckChar returns the check character for the first 17 characters of
// a code (which must be in the alphabet).
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += (int(value[first17[i]]) - 1) * weights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return alphabet[c]
}

// Validate checks a normalised code and says which rule failed:
// required, length, a character outside the alphabet, the digits of positions
// 3–8 (the administrative region), or the check character.
func Validate(code string) *domain.Error {
	n := len([]rune(code))
	switch {
	case n == 0:
		return domain.FieldError("credit_code", "error.credit_code.required")
	case n != 18:
		return domain.FieldError("credit_code", "error.credit_code.length").With("Count", n)
	}
	for i, r := range code {
		if r > unicode.MaxASCII || value[r] == 0 {
			return domain.FieldError("credit_code", "error.credit_code.charset").With("Pos", i+1).With("Char", string(r))
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return domain.FieldError("credit_code", "error.credit_code.region").With("Pos", i+1)
		}
	}
	if CheckChar(code[:17]) != code[17] {
		return domain.FieldError("credit_code", "error.credit_code.check")
	}
	return nil
}

// CheckRegistrationNumber validates the free-form number of a region other
// than Mainland China: 3–50 characters after trimming.
func CheckRegistrationNumber(s string) (string, *domain.Error) {
	s = strings.TrimSpace(s)
	switch n := len([]rune(s)); {
	case n == 0:
		return "", domain.FieldError("credit_code", "error.credit_code.required")
	case n < 3 || n > 50:
		return "", domain.FieldError("credit_code", "error.registration_number.length")
	}
	return s, nil
}
