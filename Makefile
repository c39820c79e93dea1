# Supportal's two everyday commands: `make dev` runs the app with everything it
# needs started locally; `make test` runs every test with nothing started by hand.
GO ?= go

.PHONY: dev test assets build fmt vet

assets: views/static/vendor/htmx.min.js

views/static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p views/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js views/static/vendor/htmx.min.js

dev: assets
	$(GO) run ./cmd/supportal dev

test: assets
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...

build: assets
	$(GO) build -o bin/supportal ./cmd/supportal

fmt:
	gofmt -w $$(git ls-files '*.go')
