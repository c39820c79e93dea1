package proc

import (
	"strings"
	"testing"
)

func TestTailKeepsTheEnd(t *testing.T) {
	var tl Tail
	tl.Write([]byte(strings.Repeat("a", tailSize)))
	tl.Write([]byte("  the reason\n"))
	if s := tl.String(); !strings.HasSuffix(s, "the reason") || len(s) > tailSize {
		t.Fatalf("tail kept %d bytes ending %q", len(s), s[len(s)-12:])
	}
}

func TestFreePort(t *testing.T) {
	p, err := FreePort()
	if err != nil || p <= 0 {
		t.Fatalf("FreePort = %d, %v", p, err)
	}
}
