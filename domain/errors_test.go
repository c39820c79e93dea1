package domain

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		err  error
		want Kind
	}{
		{E(NotFound, "x"), NotFound},
		{fmt.Errorf("wrapped: %w", E(Conflict, "x")), Conflict},
		{Errors{FieldError("a", "k"), FieldError("b", "k2")}, Invalid},
		{errors.New("plain"), Internal},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if As(errors.New("plain")).Key != "error.internal" {
		t.Error("plain errors must map to the generic message")
	}
	if Errors(nil).Err() != nil {
		t.Error("empty Errors must be a nil error")
	}
	e := E(TooMany, "k").With("Minutes", 3)
	if e.Data["Minutes"] != 3 || E(TooMany, "k").Data != nil {
		t.Error("With must copy")
	}
}
