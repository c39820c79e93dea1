package main

import (
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"supportal/domain/ticket"
)

// config is every setting, read from SUPPORTAL_* environment variables. The
// README's configuration table lists the same names and defaults.
type config struct {
	DatabaseURL   string
	S3Endpoint    string
	S3AccessKey   string
	S3SecretKey   string
	S3Bucket      string
	S3UseSSL      bool
	SMTPHost      string
	SMTPPort      int
	SMTPUser      string
	SMTPPassword  string
	SMTPFrom      string
	SMTPTLS       string
	BaseURL       string
	Listen        string
	SecureCookies bool
	Secret        string
	DataDir       string
	LogFormat     string
	// Timing are the intervals of the tickets' timed rules; TimerEvery is
	// how often the scheduler applies them.
	Timing     ticket.Timing
	TimerEvery time.Duration
	// MailListen is the inbound SMTP listener's address ("": off);
	// MailMaxBytes its message size limit; MailReplyDomain the domain of
	// the reply addresses ("": SMTPFrom's).
	MailListen      string
	MailMaxBytes    int64
	MailReplyDomain string
}

type envVar struct {
	name, def string
	set       func(c *config, v string) error
}

func str(p func(c *config) *string) func(*config, string) error {
	return func(c *config, v string) error { *p(c) = v; return nil }
}

func boolean(p func(c *config) *bool) func(*config, string) error {
	return func(c *config, v string) error {
		b, err := strconv.ParseBool(v)
		*p(c) = b
		return err
	}
}

// duration parses a positive duration: Go's form ("90m", "72h") or a whole
// number of days ("7d").
func duration(p func(c *config) *time.Duration) func(*config, string) error {
	return func(c *config, v string) error {
		var d time.Duration
		if n, ok := strings.CutSuffix(v, "d"); ok {
			days, err := strconv.Atoi(n)
			if err != nil {
				return fmt.Errorf("not a number of days")
			}
			d = time.Duration(days) * 24 * time.Hour
		} else {
			var err error
			if d, err = time.ParseDuration(v); err != nil {
				return err
			}
		}
		if d <= 0 {
			return fmt.Errorf("not a positive duration")
		}
		*p(c) = d
		return nil
	}
}

// envVars lists the configuration in README order.
var envVars = []envVar{
	{"SUPPORTAL_DATABASE_URL", "", str(func(c *config) *string { return &c.DatabaseURL })},
	{"SUPPORTAL_S3_ENDPOINT", "", str(func(c *config) *string { return &c.S3Endpoint })},
	{"SUPPORTAL_S3_ACCESS_KEY", "", str(func(c *config) *string { return &c.S3AccessKey })},
	{"SUPPORTAL_S3_SECRET_KEY", "", str(func(c *config) *string { return &c.S3SecretKey })},
	{"SUPPORTAL_S3_BUCKET", "supportal", str(func(c *config) *string { return &c.S3Bucket })},
	{"SUPPORTAL_S3_USE_SSL", "false", boolean(func(c *config) *bool { return &c.S3UseSSL })},
	{"SUPPORTAL_SMTP_HOST", "", str(func(c *config) *string { return &c.SMTPHost })},
	{"SUPPORTAL_SMTP_PORT", "587", func(c *config, v string) error {
		n, err := strconv.Atoi(v)
		c.SMTPPort = n
		return err
	}},
	{"SUPPORTAL_SMTP_USER", "", str(func(c *config) *string { return &c.SMTPUser })},
	{"SUPPORTAL_SMTP_PASSWORD", "", str(func(c *config) *string { return &c.SMTPPassword })},
	{"SUPPORTAL_SMTP_FROM", "Supportal <no-reply@supportal.local>", str(func(c *config) *string { return &c.SMTPFrom })},
	{"SUPPORTAL_SMTP_TLS", "opportunistic", str(func(c *config) *string { return &c.SMTPTLS })},
	{"SUPPORTAL_BASE_URL", "", str(func(c *config) *string { return &c.BaseURL })},
	{"SUPPORTAL_LISTEN", "127.0.0.1:8080", str(func(c *config) *string { return &c.Listen })},
	{"SUPPORTAL_SECURE_COOKIES", "false", boolean(func(c *config) *bool { return &c.SecureCookies })},
	{"SUPPORTAL_SECRET", "", str(func(c *config) *string { return &c.Secret })},
	{"SUPPORTAL_DATA_DIR", ".data", str(func(c *config) *string { return &c.DataDir })},
	{"SUPPORTAL_LOG_FORMAT", "text", str(func(c *config) *string { return &c.LogFormat })},
	{"SUPPORTAL_TICKET_CLOSE_AFTER", "7d", duration(func(c *config) *time.Duration { return &c.Timing.CloseAfter })},
	{"SUPPORTAL_TICKET_REMIND_AFTER", "3d", duration(func(c *config) *time.Duration { return &c.Timing.RemindAfter })},
	{"SUPPORTAL_TICKET_RESOLVE_AFTER", "10d", duration(func(c *config) *time.Duration { return &c.Timing.ResolveAfter })},
	{"SUPPORTAL_TICKET_WARN_BEFORE", "30m", duration(func(c *config) *time.Duration { return &c.Timing.WarnBefore })},
	{"SUPPORTAL_TICKET_TIMER_EVERY", "1m", duration(func(c *config) *time.Duration { return &c.TimerEvery })},
	{"SUPPORTAL_MAIL_LISTEN", "", str(func(c *config) *string { return &c.MailListen })},
	{"SUPPORTAL_MAIL_MAX_BYTES", "30MB", func(c *config, v string) error {
		n, err := byteSize(v)
		c.MailMaxBytes = n
		return err
	}},
	{"SUPPORTAL_MAIL_REPLY_DOMAIN", "", str(func(c *config) *string { return &c.MailReplyDomain })},
}

// byteSize parses a positive size: a number of bytes, or of MB (2^20
// bytes) with the suffix "MB".
func byteSize(v string) (int64, error) {
	unit := int64(1)
	if n, ok := strings.CutSuffix(strings.ToUpper(v), "MB"); ok {
		v, unit = strings.TrimSpace(n), 1<<20
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/unit {
		return 0, fmt.Errorf("not a positive size in bytes or MB")
	}
	return n * unit, nil
}

func loadConfig(getenv func(string) string) (config, error) {
	var c config
	for _, e := range envVars {
		v := strings.TrimSpace(getenv(e.name))
		if v == "" {
			v = e.def
		}
		if err := e.set(&c, v); err != nil {
			return c, fmt.Errorf("config: %s=%q: %w", e.name, v, err)
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = listenURL(c.Listen)
	}
	if c.MailReplyDomain == "" {
		if a, err := mail.ParseAddress(c.SMTPFrom); err == nil {
			c.MailReplyDomain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
		}
	}
	return c, nil
}

// listenURL is the default public address: http:// and the listen address,
// with 127.0.0.1 for a listen address that names no host or every host.
func listenURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// requireServe checks the settings that serve cannot default.
func (c config) requireServe() error {
	if missing := c.missing(true); len(missing) > 0 {
		return fmt.Errorf("config: set %s (see the README), or use `supportal dev`", strings.Join(missing, ", "))
	}
	return nil
}

// missing names the settings without a default that are not set: the
// database, the object storage, the secret and, with smtp, the mail server.
func (c config) missing(smtp bool) []string {
	var missing []string
	if c.DatabaseURL == "" {
		missing = append(missing, "SUPPORTAL_DATABASE_URL")
	}
	if c.S3Endpoint == "" {
		missing = append(missing, "SUPPORTAL_S3_ENDPOINT")
	}
	if smtp && c.SMTPHost == "" {
		missing = append(missing, "SUPPORTAL_SMTP_HOST")
	}
	if len(c.Secret) < 32 {
		missing = append(missing, "SUPPORTAL_SECRET (at least 32 characters)")
	}
	return missing
}
