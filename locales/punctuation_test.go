package locales

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"
)

// halfWidth are the ASCII marks that Chinese text writes full width
// (，：？！（）；).
const halfWidth = ",:?!();"

// action matches a template action such as {{.Count}}: the data it is
// replaced with may be anything, so it neither is nor stops Chinese text.
var action = regexp.MustCompile(`\{\{.*?\}\}`)

// TestChinesePunctuation flags a half-width , : ? ! ( ) or ; in
// active.zh-CN.toml whose nearest neighbour (past spaces and template
// actions) on either side is a Chinese character or full-width mark: in
// Chinese text they are written ，：？！（）；. Marks between Latin text stay
// as they are ("JPEG, PNG", "--skip-invalid", "+85291234567", "12:00").
func TestChinesePunctuation(t *testing.T) {
	var msgs map[string]any
	if _, err := toml.DecodeFS(FS, Files["zh-CN"], &msgs); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(msgs))
	for id := range msgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for form, text := range texts(msgs[id]) {
			if at := halfWidthNextToChinese(text); at >= 0 {
				t.Errorf("%s%s: half-width %q next to Chinese in %q (write it full width)", id, form, text[at], text)
			}
		}
	}
}

// texts returns a message's text, or each of its plural forms by name.
func texts(v any) map[string]string {
	switch v := v.(type) {
	case string:
		return map[string]string{"": v}
	case map[string]any:
		out := map[string]string{}
		for form, s := range v {
			if s, ok := s.(string); ok {
				out["."+form] = s
			}
		}
		return out
	}
	return nil
}

// halfWidthNextToChinese returns the byte offset of the first half-width
// mark next to Chinese in s, or -1.
func halfWidthNextToChinese(s string) int {
	masked := action.ReplaceAllStringFunc(s, func(a string) string { return strings.Repeat("\x00", len(a)) })
	for i := 0; i < len(masked); i++ {
		if !strings.ContainsRune(halfWidth, rune(masked[i])) {
			continue
		}
		if chinese(neighbour(masked[:i], true)) || chinese(neighbour(masked[i+1:], false)) {
			return i
		}
	}
	return -1
}

// neighbour is the rune nearest the mark in part (the text before it, when
// before, or after it), past spaces and masked template actions.
func neighbour(part string, before bool) rune {
	if before {
		part = strings.TrimRight(part, " \x00")
		if part == "" {
			return 0
		}
		r := []rune(part)
		return r[len(r)-1]
	}
	part = strings.TrimLeft(part, " \x00")
	for _, r := range part {
		return r
	}
	return 0
}

// chinese reports whether r is a Han character or a CJK or full-width mark.
func chinese(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r == '“' || r == '”' || r == '‘' || r == '’'
}

// TestHalfWidthNextToChinese shows the rule on examples.
func TestHalfWidthNextToChinese(t *testing.T) {
	for s, flagged := range map[string]bool{
		"如需帮助,请联系": true, "{{.Name}},您好": true, "是 {{.Code}},{{.Count}} 分钟": true,
		"(注册后无法修改)": true, "原因:": true, "没收到?": true, "登录;忘记": true,
		"如需帮助，请联系": false, "JPEG、PNG 或 PDF": false, "JPEG, PNG": false, "--skip-invalid 同时": false,
		"例如 +85291234567。": false, "{{.Page}}/{{.Pages}}": false, "Hello, world": false,
	} {
		if got := halfWidthNextToChinese(s) >= 0; got != flagged {
			t.Errorf("%q flagged %v, want %v", s, got, flagged)
		}
	}
}
