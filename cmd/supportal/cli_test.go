package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"

	"supportal/adapters/postgres/pgtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigDefaultsAndErrors(t *testing.T) {
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:8080" || cfg.BaseURL != "http://127.0.0.1:8080" || cfg.S3Bucket != "supportal" || cfg.SMTPPort != 587 || cfg.SecureCookies || cfg.DataDir != ".data" {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if err := cfg.requireServe(); err == nil || !strings.Contains(err.Error(), "SUPPORTAL_DATABASE_URL") || !strings.Contains(err.Error(), "SUPPORTAL_SECRET") {
		t.Fatalf("serve without settings: %v", err)
	}
	if _, err := loadConfig(env(map[string]string{"SUPPORTAL_SMTP_PORT": "abc"})); err == nil || !strings.Contains(err.Error(), "SUPPORTAL_SMTP_PORT") {
		t.Fatalf("bad port accepted: %v", err)
	}
	cfg, _ = loadConfig(env(map[string]string{"SUPPORTAL_SECURE_COOKIES": "true", "SUPPORTAL_LISTEN": " :9000 "}))
	if !cfg.SecureCookies || cfg.Listen != ":9000" || cfg.BaseURL != "http://127.0.0.1:9000" {
		t.Fatalf("settings not read: %+v", cfg)
	}
	cfg, _ = loadConfig(env(map[string]string{"SUPPORTAL_LISTEN": "127.0.0.1:8090", "SUPPORTAL_BASE_URL": "https://support.example.com"}))
	if cfg.BaseURL != "https://support.example.com" {
		t.Fatalf("base URL not read: %+v", cfg)
	}
}

func TestRunUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, env(nil), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "Usage") {
		t.Fatalf("unknown command: %v, %q", err, errOut.String())
	}
	if err := run(context.Background(), nil, env(nil), &out, &errOut); err == nil {
		t.Fatal("no command accepted")
	}
}

func TestMigrateAndUserCreate(t *testing.T) {
	url := pgtest.NewDB(t)
	e := env(map[string]string{"SUPPORTAL_DATABASE_URL": url, "SUPPORTAL_SECRET": strings.Repeat("s", 32)})
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"migrate"}, e, &out, &errOut); err != nil || !strings.Contains(out.String(), "migrations applied") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
	out.Reset()
	err := run(ctx, []string{"user", "create", "--email", "Rev@Example.com", "--role", "reviewer"}, e, &out, &errOut)
	if err != nil || !strings.Contains(out.String(), "created reviewer account rev@example.com") || !strings.Contains(out.String(), "password: ") {
		t.Fatalf("user create: %v %q", err, out.String())
	}
	err = run(ctx, []string{"user", "create", "--email", "rev@example.com", "--role", "agent", "--password", "Autumn-River-2027"}, e, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("duplicate staff email: %v", err)
	}
	err = run(ctx, []string{"user", "create", "--email", "x@example.com", "--role", "janitor"}, e, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "reviewer, agent or admin") {
		t.Fatalf("bad role: %v", err)
	}
	err = run(ctx, []string{"user", "create", "--email", "y@example.com", "--role", "agent", "--password", "short"}, e, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Fatalf("short password: %v", err)
	}
}

func TestMemoryLimitDefault(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	setMemoryLimit(env(map[string]string{"GOMEMLIMIT": "1GiB"}))
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("an explicit GOMEMLIMIT was overridden: %d", got)
	}
	setMemoryLimit(env(nil))
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Fatalf("default limit = %d, want %d", got, defaultMemoryLimit)
	}
}
