package views

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestHTMXMatchesPin checks that the htmx kept in static/vendor is the
// version package.json pins, that the layout asks for that version (its
// cache-busting query), and, where npm has installed the package, that the
// kept file is byte for byte the package's.
func TestHTMXMatchesPin(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile("../package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	pin := pkg.Dependencies["htmx.org"]
	if !regexp.MustCompile(`^2\.\d+\.\d+$`).MatchString(pin) {
		t.Fatalf("package.json pins htmx.org %q, want an exact 2.x version", pin)
	}
	kept, err := FS.ReadFile("static/vendor/htmx.min.js")
	if err != nil {
		t.Fatalf("htmx is not embedded (run go generate ./views): %v", err)
	}
	if !bytes.Contains(kept, []byte(`version:"`+pin+`"`)) {
		t.Errorf("static/vendor/htmx.min.js is not htmx %s: run go generate ./views", pin)
	}
	layout, err := FS.ReadFile("layouts/base.html")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(layout, []byte("/static/vendor/htmx.min.js?v="+pin+`"`)) {
		t.Errorf("layouts/base.html does not load htmx.min.js?v=%s", pin)
	}
	if npm, err := os.ReadFile("../node_modules/htmx.org/dist/htmx.min.js"); err == nil && !bytes.Equal(npm, kept) {
		t.Errorf("static/vendor/htmx.min.js differs from node_modules/htmx.org/dist/htmx.min.js: run go generate ./views")
	}
}
