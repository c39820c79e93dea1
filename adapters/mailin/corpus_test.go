package mailin

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the corpus's .want files from the parser's output")

// corpusLimit is the size limit the corpus is read with, the service's
// 5 × 20 MB plus room for the encoding.
const corpusLimit = 140 << 20

// golden renders what a corpus file's .want holds: a few header lines, a
// line of dashes, then the reply text.
func golden(m *Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "from: %s (%s)\n", m.From, m.FromName)
	fmt.Fprintf(&b, "subject: %s\n", m.Subject)
	fmt.Fprintf(&b, "in-reply-to: %s\n", m.InReplyTo)
	if m.Auto {
		fmt.Fprintf(&b, "auto: yes (%s)\n", m.AutoReason)
	} else {
		b.WriteString("auto: no\n")
	}
	var names []string
	for _, a := range m.Attachments {
		names = append(names, fmt.Sprintf("%s [%s, %d bytes]", a.Name, a.ContentType, len(a.Data)))
	}
	fmt.Fprintf(&b, "attachments: %s\n", strings.Join(names, "; "))
	b.WriteString("----\n")
	b.WriteString(m.Reply)
	b.WriteString("\n")
	return b.String()
}

// TestCorpus parses every message of testdata/corpus and compares the
// sender, subject, auto flag, attachments and reply with its .want file.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 14 {
		t.Fatalf("the corpus holds %d messages, want at least 14", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".eml"), func(t *testing.T) {
			r, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			m, err := Parse(r, corpusLimit)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := golden(m)
			want := strings.TrimSuffix(f, ".eml") + ".want"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(b) {
				t.Errorf("%s differs:\n--- got\n%s--- want\n%s", want, got, b)
			}
		})
	}
}
