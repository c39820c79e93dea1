package attachment

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameRunes bounds a cleaned file name.
const MaxNameRunes = 200

// maxExtRunes is the longest extension CleanName keeps when it shortens a name.
const maxExtRunes = 16

// NewKey returns prefix followed by 128 random bits in hex. Keys never
// derive from what the user sent.
func NewKey(prefix string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("attachment: key: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// CleanName returns the name of an uploaded file fit to show and to offer as
// a download name: the last element of any path (either slash), without
// control or formatting characters (bidirectional overrides among them),
// invalid UTF-8 replaced, surrounding spaces and dots trimmed, at most
// MaxNameRunes characters with its extension kept when it is shortened.
// Nothing left gives "file".
func CleanName(n string) string {
	n = strings.ToValidUTF8(n, "\uFFFD")
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, n)
	n = strings.Trim(n, " .")
	if n == "" {
		return "file"
	}
	if utf8.RuneCountInString(n) <= MaxNameRunes {
		return n
	}
	ext := path.Ext(n)
	if utf8.RuneCountInString(ext) > maxExtRunes {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(n, ext))
	return strings.TrimRight(string(stem[:MaxNameRunes-utf8.RuneCountInString(ext)]), " .") + ext
}
