package http

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"

	"github.com/BurntSushi/toml"

	"supportal/adapters/i18n"
	"supportal/domain/identity"
	"supportal/domain/verification"
	"supportal/locales"
)

func loadKeys(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := locales.FS.ReadFile(locales.Files[lang])
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]any{}
	if err := toml.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	// A message with plural forms is a table; its "other" form stands for it.
	m := map[string]string{}
	for k, v := range raw {
		if forms, ok := v.(map[string]any); ok {
			v = forms["other"]
		}
		m[k], _ = v.(string)
	}
	return m
}

// TestLocaleParity fails when a message id exists in one language only or is
// empty in either.
func TestLocaleParity(t *testing.T) {
	zh, en := loadKeys(t, i18n.ZH), loadKeys(t, i18n.EN)
	for k, v := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in zh-CN but not in en", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("%q is empty in zh-CN", k)
		}
	}
	for k, v := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in en but not in zh-CN", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("%q is empty in en", k)
		}
	}
}

func bundle(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTemplatesUseKnownKeys walks every template and checks that each literal
// passed to t or tf is a message id.
func TestTemplatesUseKnownKeys(t *testing.T) {
	b := bundle(t)
	v, err := LoadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for page, set := range v.sets[i18n.ZH] {
		for _, tmpl := range set.Templates() {
			if tmpl.Tree == nil {
				continue
			}
			walk(tmpl.Tree.Root, func(n parse.Node) {
				cmd, ok := n.(*parse.CommandNode)
				if !ok || len(cmd.Args) < 2 {
					return
				}
				id, ok := cmd.Args[0].(*parse.IdentifierNode)
				if !ok || (id.Ident != "t" && id.Ident != "tf") {
					return
				}
				if s, ok := cmd.Args[1].(*parse.StringNode); ok {
					seen++
					if !b.Has(s.Text) {
						t.Errorf("%s/%s uses unknown message id %q", page, tmpl.Name(), s.Text)
					}
				}
			})
		}
	}
	if seen < 50 {
		t.Fatalf("only %d translated literals found: the walker is broken", seen)
	}
}

var (
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	visibleAttr = regexp.MustCompile(`(?i)\b(placeholder|title|aria-label|alt)="([^"{]*)"`)
	entityRe    = regexp.MustCompile(`&[a-zA-Z]+;|&#[0-9]+;`)
)

// TestTemplatesHaveNoUntranslatedText fails when a template holds visible text
// (outside tags, or in placeholder/title/aria-label/alt) that contains letters.
// Actions are replaced by a marker first, so text split around them is seen whole.
func TestTemplatesHaveNoUntranslatedText(t *testing.T) {
	b := bundle(t)
	v, err := LoadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for page, set := range v.sets[i18n.EN] {
		for _, tmpl := range set.Templates() {
			if tmpl.Tree == nil || tmpl.Tree.Root == nil {
				continue
			}
			checked++
			for _, problem := range untranslated(tmpl.Tree.Root.String()) {
				t.Errorf("%s/%s: untranslated %s", page, tmpl.Name(), problem)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no templates checked")
	}
}

var actionRe = regexp.MustCompile(`(?s){{.*?}}`)

// untranslated returns the visible literals with letters in a template source.
func untranslated(src string) []string {
	var out []string
	src = actionRe.ReplaceAllString(src, "\x00")
	for _, m := range visibleAttr.FindAllStringSubmatch(src, -1) {
		if hasLetter(m[2]) {
			out = append(out, fmt.Sprintf("%s=%q", m[1], m[2]))
		}
	}
	visible := entityRe.ReplaceAllString(tagRe.ReplaceAllString(src, " "), " ")
	for _, chunk := range strings.Split(visible, "\x00") {
		if hasLetter(chunk) {
			out = append(out, fmt.Sprintf("text %q", strings.TrimSpace(chunk)))
		}
	}
	return out
}

// TestLiteralCatchesText makes sure the scanner would see a literal.
func TestLiteralCatchesText(t *testing.T) {
	if len(untranslated(`<p class="{{.X}}">Hello {{t "a"}}</p>`)) != 1 {
		t.Fatal("scanner misses visible text")
	}
	if len(untranslated(`<input placeholder="Name">`)) != 1 {
		t.Fatal("scanner misses a placeholder")
	}
	if got := untranslated(`<p class="x {{if .A}}y{{end}}" id="{{.ID}}">{{t "a"}}&nbsp;</p>`); len(got) != 0 {
		t.Fatalf("scanner sees text in markup: %v", got)
	}
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func walk(n parse.Node, fn func(parse.Node)) {
	if n == nil {
		return
	}
	fn(n)
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walk(c, fn)
		}
	case *parse.ActionNode:
		walk(x.Pipe, fn)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walk(c, fn)
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walk(a, fn)
		}
	case *parse.IfNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	case *parse.RangeNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	case *parse.WithNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	case *parse.TemplateNode:
		walk(x.Pipe, fn)
	}
}

// messageID matches string literals in Go code that are message ids.
var messageID = regexp.MustCompile(`"((?:error|flash|mail|forgot|login|register)\.[a-z0-9_.]+)"`)

// TestCodeUsesKnownKeys checks the message ids that Go code names, the option
// lists' labels and the mail templates.
func TestCodeUsesKnownKeys(t *testing.T) {
	b := bundle(t)
	var ids []string
	for _, dir := range []string{"../../domain", "../../adapters", "../../cmd"} {
		err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range messageID.FindAllStringSubmatch(string(src), -1) {
				ids = append(ids, m[1])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) < 30 {
		t.Fatalf("only %d ids found in code: the scan is broken", len(ids))
	}
	lists := map[string][]string{"country": identity.Countries, "job": identity.JobTitles, "industry": identity.Industries, "size": identity.CompanySizes,
		"doctype": verification.DocTypes, "reason": verification.RejectReasons,
		"verification.state":   {string(verification.StateNone), string(verification.StatePending), string(verification.StateRejected), string(verification.StateVerified)},
		"verification.history": {string(verification.ActionSubmitted), string(verification.ActionModified), string(verification.ActionResubmitted), string(verification.ActionApproved), string(verification.ActionRejected)}}
	for prefix, codes := range lists {
		for _, c := range codes {
			ids = append(ids, prefix+"."+c)
		}
	}
	for _, r := range identity.StaffRoles {
		ids = append(ids, "role."+string(r))
	}
	for _, m := range []string{"code_register", "code_login", "code_reset", "already_registered", "password_changed", "verification_approved", "verification_rejected"} {
		ids = append(ids, "mail."+m+".subject", "mail."+m+".body")
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !b.Has(id) && !strings.HasSuffix(id, ".") && id != "mail.footer" {
			t.Errorf("code uses unknown message id %q", id)
		}
	}
}
