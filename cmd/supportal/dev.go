package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"supportal/adapters/minio/localminio"
	"supportal/adapters/postgres/localpg"
	"supportal/adapters/smtp/mailbox"
)

// dev runs the whole product on this machine: a project-local PostgreSQL from
// the system's binaries, a pinned MinIO server, an in-process mailbox, the
// migrations and the demo seed. Settings given in the environment win over
// the local parts. Ctrl-C stops everything.
func dev(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	noSeed := fs.Bool("no-seed", false, "do not create the demo accounts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("dev: data folder: %w", err)
	}
	log := newLogger(cfg, stdout)
	var stops []func() error
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			if err := stops[i](); err != nil {
				fmt.Fprintln(stdout, "dev: stop:", err)
			}
		}
	}()

	if cfg.DatabaseURL == "" {
		pgDir := filepath.Join(dataDir, "postgres")
		fmt.Fprintln(stdout, "Starting PostgreSQL in", pgDir, "...")
		pg, err := localpg.Start(ctx, localpg.Options{Dir: pgDir, Log: io.Discard})
		if err != nil {
			return err
		}
		stops = append(stops, pg.Stop)
		if real, _ := filepath.EvalSymlinks(pgDir); real != pgDir {
			fmt.Fprintf(stdout, "PostgreSQL keeps its data in %s: the postgres user cannot reach this folder, so %s links there.\n", pg.Dir(), pgDir)
		}
		cfg.DatabaseURL = pg.URL()
	}
	if cfg.S3Endpoint == "" {
		fmt.Fprintln(stdout, "Starting MinIO in", filepath.Join(dataDir, "minio"), "...")
		if _, err := localminio.Binary(ctx, stdout); err != nil {
			return err
		}
		mo, err := localminio.Start(ctx, localminio.Options{Dir: filepath.Join(dataDir, "minio"), AccessKey: "supportal-dev", SecretKey: "supportal-dev-secret", Log: io.Discard})
		if err != nil {
			return err
		}
		stops = append(stops, mo.Stop)
		cfg.S3Endpoint, cfg.S3AccessKey, cfg.S3SecretKey = mo.Endpoint(), mo.AccessKey(), mo.SecretKey()
	}
	var box *mailbox.Box
	if cfg.SMTPHost == "" {
		box, err = mailbox.Start("")
		if err != nil {
			return err
		}
		stops = append(stops, box.Close)
		box.OnMessage(func(m mailbox.Message) {
			replyTo := ""
			if m.ReplyTo != "" {
				replyTo = "\nReply-To: " + m.ReplyTo
			}
			fmt.Fprintf(stdout, "\n──── mail to %s: %s%s\n%s\n────\n", strings.Join(m.To, ", "), m.Subject, replyTo, strings.TrimSpace(m.Text))
		})
		cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS, cfg.SMTPUser, cfg.SMTPPassword = box.Host(), box.Port(), "none", "", ""
	}
	// Replies by email reach the local listener (see the README).
	if cfg.MailListen == "" {
		cfg.MailListen = devMailListen
	}
	if cfg.Secret == "" {
		if cfg.Secret, err = devSecret(filepath.Join(dataDir, "secret")); err != nil {
			return err
		}
	}
	if err := migrateCmd(ctx, cfg, stdout); err != nil {
		return err
	}
	ln, err := listen(cfg.Listen)
	if err != nil {
		return err
	}
	a, err := build(ctx, cfg, log, box)
	if err != nil {
		ln.Close()
		return err
	}
	if !*noSeed {
		if err := seed(ctx, a, stdout); err != nil {
			return fmt.Errorf("dev: seed: %w", err)
		}
	}
	fmt.Fprintf(stdout, "\nSupportal is running at %s (staff: %s/staff/login, mails: %s/dev/mail; replies by email: SMTP on %s). Press Ctrl-C to stop.\n\n",
		cfg.BaseURL, cfg.BaseURL, cfg.BaseURL, cfg.MailListen)
	err = a.serveHTTP(ctx, ln)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// devMailListen is where dev accepts replies by email unless
// SUPPORTAL_MAIL_LISTEN says otherwise.
const devMailListen = "127.0.0.1:2525"

// devSecret returns the development server secret kept in path, creating it
// on the first run so that codes stay valid across restarts.
func devSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("dev: write secret: %w", err)
	}
	return s, nil
}
