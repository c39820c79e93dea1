package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-smtp"
)

// Config says where the listener listens and what it accepts.
type Config struct {
	// Addr is the listen address ("127.0.0.1:2525").
	Addr string
	// Domain is the name the server greets with.
	Domain string
	// MaxBytes is the largest message accepted (advertised with the SIZE
	// extension); DefaultMaxBytes when zero.
	MaxBytes int64
	// Timeout bounds handing one message to the service (one minute when
	// zero).
	Timeout time.Duration
	Log     *slog.Logger
}

// Server is the inbound SMTP listener: it accepts mail for the reply
// addresses the Receiver takes and hands each message to it.
type Server struct {
	srv *smtp.Server
	ln  net.Listener
	log *slog.Logger
}

// Listen opens the listener; Serve then accepts connections until Close.
func Listen(cfg Config, r Receiver) (*Server, error) {
	if r == nil {
		panic("inbound: Listen needs a receiver")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Domain == "" {
		cfg.Domain = "localhost"
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("inbound: listen %s: %w", cfg.Addr, err)
	}
	s := &Server{ln: ln, log: cfg.Log}
	srv := smtp.NewServer(backend{r: r, cfg: cfg})
	srv.Domain = cfg.Domain
	srv.MaxMessageBytes = cfg.MaxBytes
	srv.MaxRecipients = 20
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Minute, time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	return s, nil
}

// Addr returns the address the listener listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve accepts connections until Close; it returns nil after Close.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return fmt.Errorf("inbound: serve: %w", err)
	}
	return nil
}

// Close stops accepting and waits up to ctx's end for the messages being
// handed on; it then drops the connections left.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	if err != nil {
		_ = s.srv.Close()
	}
	return err
}

// backend starts a session per connection.
type backend struct {
	r   Receiver
	cfg Config
}

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{b: b, remote: c.Conn().RemoteAddr().String()}, nil
}

// session is one SMTP transaction at a time: the envelope, then the
// message.
type session struct {
	b      backend
	remote string
	from   string
	null   bool
	to     []string
}

var errNoRecipient = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such recipient here"}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from, s.null = from, from == ""
	return nil
}

// Rcpt refuses, with 550, every address that is not a reply address whose
// token verifies.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if reason := s.b.r.CheckRecipient(to); reason != "" {
		s.b.cfg.Log.Info("ticket mail refused", "to", to, "reason", reason, "sender", s.from, "remote", s.remote)
		return errNoRecipient
	}
	s.to = append(s.to, to)
	return nil
}

// Data hands the message to the service: 250 when it was posted or
// dropped (and logged), 451 on a temporary failure, 552 over the size
// limit, 554 for what is not an email or has a line longer than SMTP
// allows.
func (s *session) Data(r io.Reader) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.b.cfg.Timeout)
	defer cancel()
	env := Envelope{Recipients: s.to, NullSender: s.null}
	_, err := Deliver(ctx, s.b.r, env, r, s.b.cfg.MaxBytes)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, smtp.ErrDataTooLarge):
		if _, err := TooLarge(ctx, s.b.r, env); err != nil {
			s.b.cfg.Log.Warn("ticket mail: dropping an oversized message", "err", err)
		}
		return smtp.ErrDataTooLarge
	case errors.Is(err, smtp.ErrTooLongLine):
		s.b.cfg.Log.Info("ticket mail dropped", "reason", "line_too_long", "to", s.to)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "A line of the message is too long"}
	case errors.Is(err, ErrUnreadable):
		s.b.cfg.Log.Info("ticket mail dropped", "reason", "unreadable", "to", s.to, "err", err)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "The message cannot be read"}
	}
	s.b.cfg.Log.Warn("ticket mail: temporary failure", "to", s.to, "err", err)
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
}

func (s *session) Reset() { s.from, s.null, s.to = "", false, nil }

func (s *session) Logout() error { return nil }
