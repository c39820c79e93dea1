package identity

import "time"

// DraftTTL is how long an unfinished registration is kept.
const DraftTTL = 2 * time.Hour

// Draft is a registration wizard in progress, kept server-side so the user can
// go back and forth between the steps without losing input.
type Draft struct {
	TokenHash    []byte
	Info         AccountInfo
	CodeSentTo   string // the address the last code went to
	Verified     bool   // step 2 done for Info.Email
	PasswordHash string
	Company      Company
	ExpiresAt    time.Time
}

// Step returns the furthest wizard step the draft may show (1–3).
func (d Draft) Step() int {
	switch {
	case d.Verified && d.Info.Email == d.CodeSentTo:
		return 3
	case d.CodeSentTo != "" && d.Info.Email == d.CodeSentTo:
		return 2
	default:
		return 1
	}
}
