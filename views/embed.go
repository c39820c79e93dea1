// Package views embeds the html/template files and static assets. Each page is
// one template under its module's folder that defines "title" and "content";
// layouts/ and partials/ are shared by every page.
package views

import "embed"

// FS holds the templates and the static assets. static/vendor holds htmx as
// the npm package pinned in package.json ships it; it is kept in the
// repository, so that building and testing need no npm, and `go generate
// ./views` (or `make assets`) copies it anew after the pin changes, together
// with axe-core, which only the browser tests use (cmd/supportal/testdata).
// Tests check that the copies match the pins.
//
//go:generate sh -c "cd .. && npm ci --no-audit --no-fund && mkdir -p views/static/vendor && cp node_modules/htmx.org/dist/htmx.min.js views/static/vendor/htmx.min.js && cp node_modules/axe-core/axe.min.js cmd/supportal/testdata/axe.min.js"
//go:embed layouts partials identity home staff dev verification warranty sla ticket report static
var FS embed.FS
