package domain_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsNoAdapters enforces the hexagonal rule: the domain depends
// only on the standard library, itself and ports.
func TestDomainImportsNoAdapters(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "supportal/domain/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("suspiciously few dependencies: %v", deps)
	}
	for _, d := range deps {
		first := strings.Split(d, "/")[0]
		switch {
		case !strings.Contains(first, "."): // standard library or this module
			if first == "supportal" && !strings.HasPrefix(d, "supportal/domain") && !strings.HasPrefix(d, "supportal/ports") {
				t.Errorf("domain depends on %s", d)
			}
		case strings.HasPrefix(d, "github.com/google/uuid"):
		default:
			t.Errorf("domain depends on third-party package %s", d)
		}
	}
}
