// Package domain holds the types shared by every module of Supportal: the error
// type that carries an i18n message id and a kind the HTTP edge maps to a status.
package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that the edges can react to it without knowing
// which module produced it.
type Kind int

// The kinds of error a use case can return.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Forbidden
	Unauthenticated
	TooMany
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not found"
	case Conflict:
		return "conflict"
	case Forbidden:
		return "forbidden"
	case Unauthenticated:
		return "unauthenticated"
	case TooMany:
		return "too many"
	default:
		return "internal"
	}
}

// Error is the error every use case returns. Key is a go-i18n message id that
// the edge translates into the user's language, Data fills its template, Field
// names the form field the error belongs to (empty for the whole form), and Err
// keeps the cause for logs.
type Error struct {
	Kind  Kind
	Key   string
	Field string
	Data  map[string]any
	Err   error
}

// Error returns a lower-case description for logs; users see Key translated.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Key, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Key)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E builds an Error of the given kind and message id.
func E(kind Kind, key string) *Error { return &Error{Kind: kind, Key: key} }

// FieldError builds an Invalid error that belongs to one form field.
func FieldError(field, key string) *Error {
	return &Error{Kind: Invalid, Key: key, Field: field}
}

// With returns a copy of e with template data added.
func (e *Error) With(k string, v any) *Error {
	c := *e
	c.Data = make(map[string]any, len(e.Data)+1)
	for kk, vv := range e.Data {
		c.Data[kk] = vv
	}
	c.Data[k] = v
	return &c
}

// Wrap returns an Internal error that keeps err as its cause.
func Wrap(err error) *Error {
	return &Error{Kind: Internal, Key: "error.internal", Err: err}
}

// KindOf reports the kind of err: the kind of the first *Error in its chain,
// Internal otherwise.
func KindOf(err error) Kind {
	return As(err).Kind
}

// As returns the first *Error in err's chain (the first field error of
// Errors), or an Internal one wrapping err.
func As(err error) *Error {
	var es Errors
	if errors.As(err, &es) && len(es) > 0 {
		return es[0]
	}
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	return Wrap(err)
}

// Errors collects several field errors of one form so that the user sees all
// of them at once.
type Errors []*Error

// Error joins the keys for logs.
func (es Errors) Error() string {
	s := "invalid:"
	for _, e := range es {
		s += " " + e.Field + "=" + e.Key
	}
	return s
}

// Err returns nil when es is empty and es otherwise, so callers can return it
// directly.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
