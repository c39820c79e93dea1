package mailbox

import (
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// maxMessageBytes is the largest message the server accepts.
const maxMessageBytes = 10 << 20

// backend starts a session per SMTP connection.
type backend struct{ box *Box }

func (be backend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &session{box: be.box}, nil
}

// session collects one transaction's envelope and stores its message. It
// implements smtp.AuthSession so clients that authenticate are served too.
type session struct {
	box  *Box
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, _ string) error {
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("mailbox: read message: %w", err)
	}
	m := parse(raw)
	if m.From == "" {
		m.From = s.from
	}
	m.To = append([]string(nil), s.to...)
	m.User = s.user
	m.Received = time.Now()
	s.box.add(m)
	return nil
}

func (s *session) Reset() {
	s.from = ""
	s.to = nil
}

func (s *session) Logout() error { return nil }
