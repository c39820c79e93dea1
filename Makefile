# Supportal's two everyday commands: `make dev` runs the app with everything it
# needs started locally; `make test` runs every test with nothing started by hand.
GO ?= go

.PHONY: dev test assets build fmt vet

# htmx is kept in views/static/vendor; `make assets` copies it anew from the
# npm package pinned in package.json (after changing the pin).
assets:
	$(GO) generate ./views

dev:
	$(GO) run ./cmd/supportal dev

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...

build:
	$(GO) build -o bin/supportal ./cmd/supportal

fmt:
	gofmt -w $$(git ls-files '*.go')
