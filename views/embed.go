// Package views embeds the html/template files and static assets. Each page is
// one template under its module's folder that defines "title" and "content";
// layouts/ and partials/ are shared by every page.
package views

import "embed"

// FS holds the templates and the static assets (static/vendor is filled from
// npm by `make assets`).
//
//go:embed layouts partials identity home staff dev verification warranty static
var FS embed.FS
