// Package i18n loads the zh-CN and en translation files and translates message
// ids, picking the user's language from a cookie or Accept-Language.
package i18n

import (
	"fmt"
	"math"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"supportal/locales"
)

// The supported languages; Chinese is the default for zh* browsers.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Langs lists the supported languages in switcher order.
var Langs = []string{ZH, EN}

// Bundle translates message ids into the supported languages.
type Bundle struct {
	locs map[string]*goi18n.Localizer
	ids  map[string]bool
	// plain holds every message as T renders it without data, per language:
	// most strings of a page, looked up without go-i18n's language matching.
	plain map[string]map[string]string
}

// Load reads the embedded translation files.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	out := &Bundle{locs: map[string]*goi18n.Localizer{}, ids: map[string]bool{}}
	for _, lang := range Langs {
		name := locales.Files[lang]
		data, err := locales.FS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", name, err)
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			out.ids[m.ID] = true
		}
		out.locs[lang] = goi18n.NewLocalizer(b, lang)
	}
	out.plain = map[string]map[string]string{}
	for _, lang := range Langs {
		out.plain[lang] = map[string]string{}
		for id := range out.ids {
			out.plain[lang][id] = out.localize(lang, id, nil)
		}
	}
	return out, nil
}

// Has reports whether id is a known message id.
func (b *Bundle) Has(id string) bool { return b.ids[id] }

// T translates id into lang with the template data. When the data holds a
// numeric Count, it picks the message's plural form for that number (CLDR
// rules: one and other in English, other alone in Chinese). An unknown id
// comes back as itself, so a missing translation is visible rather than
// blank.
func (b *Bundle) T(lang, id string, data map[string]any) string {
	if _, ok := b.locs[lang]; !ok {
		lang = ZH
	}
	if data == nil {
		if s, ok := b.plain[lang][id]; ok {
			return s
		}
	}
	return b.localize(lang, id, data)
}

// localize renders message id with data through go-i18n; lang must be one
// of Langs.
func (b *Bundle) localize(lang, id string, data map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n, ok := pluralCount(data["Count"]); ok {
		cfg.PluralCount = n
	}
	s, err := b.locs[lang].Localize(cfg)
	if err != nil || s == "" {
		return id
	}
	return s
}

// pluralCount returns v as a plural count when it is an integer.
func pluralCount(v any) (any, bool) {
	switch n := v.(type) {
	case int, int8, int16, int32, int64:
		return n, true
	case uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(n), true
	case float64: // a number that came back from JSON (the mail outbox)
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	}
	return nil, false
}

// Match picks the language: a supported cookie value wins; otherwise zh* in
// Accept-Language gives Chinese and anything else English. With neither,
// Chinese is the default.
func Match(cookie, acceptLanguage string) string {
	for _, l := range Langs {
		if cookie == l {
			return l
		}
	}
	if strings.TrimSpace(acceptLanguage) == "" {
		return ZH
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return EN
	}
	if base, _ := tags[0].Base(); base.String() == "zh" {
		return ZH
	}
	return EN
}

// Valid reports whether lang is supported.
func Valid(lang string) bool { return lang == ZH || lang == EN }
