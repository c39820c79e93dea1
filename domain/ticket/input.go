package ticket

import (
	"strings"
	"unicode/utf8"

	"supportal/domain"
)

// Field bounds of §4.1.
const (
	MaxTitle       = 120
	MaxDescription = 20000
	maxPhone       = 32
)

// Input is the 提交工单 form.
type Input struct {
	Category    Category
	Priority    Priority
	Title       string
	Description string
	// DeviceID or DeviceSN picks one of the company's devices (optional).
	DeviceID int64
	DeviceSN string
	Phone    string
	Files    []Upload
	// Token is the form's idempotency token: a resent form returns the
	// ticket the first one created.
	Token string
	// FollowUpOf is the closed ticket this one follows up (0: none).
	FollowUpOf int64
}

// Validate trims the fields and returns them with the field errors of
// every field that is wrong, keyed by the form's field names.
func (in Input) Validate() (Input, error) {
	var errs domain.Errors
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	in.Phone = strings.TrimSpace(in.Phone)
	in.DeviceSN = strings.ToUpper(strings.TrimSpace(in.DeviceSN))
	if !in.Category.Valid() {
		errs = append(errs, domain.FieldError("category", "error.ticket.category"))
	}
	if !in.Priority.Valid() {
		errs = append(errs, domain.FieldError("priority", "error.ticket.priority"))
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		errs = append(errs, domain.FieldError("title", "error.ticket.title_required"))
	case n > MaxTitle:
		errs = append(errs, domain.FieldError("title", "error.ticket.title_long").With("Max", MaxTitle))
	case !utf8.ValidString(in.Title) || strings.ContainsAny(in.Title, "\n\r\t\x00"):
		errs = append(errs, domain.FieldError("title", "error.ticket.title_invalid"))
	}
	switch n := utf8.RuneCountInString(in.Description); {
	case n == 0:
		errs = append(errs, domain.FieldError("description", "error.ticket.description_required"))
	case n > MaxDescription:
		errs = append(errs, domain.FieldError("description", "error.ticket.description_long").With("Max", MaxDescription))
	case !utf8.ValidString(in.Description) || strings.ContainsRune(in.Description, 0):
		errs = append(errs, domain.FieldError("description", "error.ticket.description_invalid"))
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		errs = append(errs, domain.FieldError("phone", "error.ticket.phone_invalid"))
	}
	return in, errs.Err()
}

// validPhone accepts digits with +, spaces, dashes, parentheses and an
// extension's "#" or "x", 5 to 32 characters.
func validPhone(p string) bool {
	if len(p) < 5 || len(p) > maxPhone {
		return false
	}
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() #x", r):
		default:
			return false
		}
	}
	return digits >= 5
}
