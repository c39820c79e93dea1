package memory

import (
	"context"
	"crypto/subtle"
	"errors"
	"maps"
	"strings"
	"sync"

	"supportal/domain/identity"
)

// Hasher is a fast, insecure password hasher for service tests: a hash is
// "plain:" followed by the password.
type Hasher struct{}

var _ identity.Hasher = Hasher{}

const plainPrefix = "plain:"

// Hash returns "plain:" + password.
func (Hasher) Hash(_ context.Context, password string) (string, error) {
	return plainPrefix + password, nil
}

// Verify reports whether hash is the hash of password. A hash that Hash did
// not make is an error, as a malformed argon2id hash is.
func (Hasher) Verify(_ context.Context, hash, password string) (bool, error) {
	stored, ok := strings.CutPrefix(hash, plainPrefix)
	if !ok {
		return false, errors.New("memory hasher: not a plain hash")
	}
	return subtle.ConstantTimeCompare([]byte(stored), []byte(password)) == 1, nil
}

// Notice is one email a Notifier was asked to send.
type Notice struct {
	To       string
	Lang     string
	Template string
	Data     map[string]any
}

// Notifier records the emails it is asked to send instead of sending them. It
// is safe for concurrent use. The zero value is ready to use.
type Notifier struct {
	mu   sync.Mutex
	sent []Notice
}

// Notify records the email.
func (n *Notifier) Notify(_ context.Context, to, lang, template string, data map[string]any) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, Notice{To: to, Lang: lang, Template: template, Data: maps.Clone(data)})
	return nil
}

// Last returns the latest email sent to the address to.
func (n *Notifier) Last(to string) (Notice, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := len(n.sent) - 1; i >= 0; i-- {
		if n.sent[i].To == to {
			return n.sent[i].clone(), true
		}
	}
	return Notice{}, false
}

// All returns every recorded email, oldest first.
func (n *Notifier) All() []Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	all := make([]Notice, len(n.sent))
	for i, m := range n.sent {
		all[i] = m.clone()
	}
	return all
}

func (m Notice) clone() Notice {
	m.Data = maps.Clone(m.Data)
	return m
}
