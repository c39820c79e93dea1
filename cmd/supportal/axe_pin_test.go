package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestAxeMatchesPin checks that the axe-core the browser tests inject is the
// version package.json pins and, where npm has installed the package, that
// it is byte for byte the package's file (go generate ./views copies it).
func TestAxeMatchesPin(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile("../../package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	pin := pkg.Dependencies["axe-core"]
	if !regexp.MustCompile(`^4\.\d+\.\d+$`).MatchString(pin) {
		t.Fatalf("package.json pins axe-core %q, want an exact 4.x version", pin)
	}
	if !strings.HasPrefix(axeSource, "/*! axe v"+pin+"\n") {
		t.Errorf("testdata/axe.min.js is not axe-core %s: run go generate ./views", pin)
	}
	if npm, err := os.ReadFile("../../node_modules/axe-core/axe.min.js"); err == nil && string(npm) != axeSource {
		t.Errorf("testdata/axe.min.js differs from node_modules/axe-core/axe.min.js: run go generate ./views")
	}
}
