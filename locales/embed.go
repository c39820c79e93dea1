// Package locales embeds the translation files: active.zh-CN.toml and
// active.en.toml hold every user-visible string under the same message ids.
package locales

import "embed"

// FS holds the translation files.
//
//go:embed *.toml
var FS embed.FS

// Files maps each supported language tag to its translation file.
var Files = map[string]string{
	"zh-CN": "active.zh-CN.toml",
	"en":    "active.en.toml",
}
