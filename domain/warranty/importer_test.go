package warranty

import (
	"context"
	"testing"

	"supportal/domain"
)

// TestImportRefusesUnsafeOptions checks the options refused before anything
// is read or recorded: an unknown mode, and snapshot with skip-invalid, which
// would remove the stored lines of rejected rows.
func TestImportRefusesUnsafeOptions(t *testing.T) {
	s := &Service{} // refused before any port is called
	for _, tt := range []struct {
		o   ImportOptions
		key string
	}{
		{ImportOptions{Mode: "merge"}, "import.error.mode"},
		{ImportOptions{Mode: ModeSnapshot, SkipInvalid: true}, "import.error.snapshot_skip_invalid"},
	} {
		_, err := s.Import(context.Background(), nil, tt.o)
		if de := domain.As(err); de.Kind != domain.Invalid || de.Key != tt.key {
			t.Errorf("%+v: want %s, got %v", tt.o, tt.key, err)
		}
	}
}
