// Package argon2id hashes passwords with argon2id and limits how many hashes
// run at once, so that a burst of sign-ins cannot starve page rendering.
package argon2id

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"golang.org/x/crypto/argon2"

	"supportal/domain/identity"
)

// Params are the argon2id cost parameters.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// Default follows the OWASP recommendation: 19 MiB, two passes, one lane.
var Default = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// Hasher hashes and verifies passwords; at most Concurrency run at once.
type Hasher struct {
	p   Params
	sem chan struct{}
}

var _ identity.Hasher = (*Hasher)(nil)

// New returns a hasher with the given parameters that runs at most
// concurrency hashes at once (the number of CPUs when concurrency < 1).
func New(p Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = runtime.NumCPU()
	}
	return &Hasher{p: p, sem: make(chan struct{}, concurrency)}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("argon2id: wait: %w", ctx.Err())
	}
}

// release ends a hash. When no other hash runs it hands the hash's memory
// (MemoryKiB, 19 MiB by default) back to the operating system at once: the
// Go runtime would otherwise keep it for minutes, and a server that signs a
// few people in would hold twice the memory it needs to serve pages. The
// collection this forces costs about a millisecond, next to the 50 ms or
// more of the hash.
func (h *Hasher) release() {
	<-h.sem
	if len(h.sem) == 0 {
		debug.FreeOSMemory()
	}
}

// Hash returns the PHC-formatted argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("argon2id: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, keyLen)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.MemoryKiB, h.p.Time, h.p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches hash; the parameters stored in the
// hash are used, so older hashes keep working when Default changes.
func (h *Hasher) Verify(ctx context.Context, hash, password string) (bool, error) {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	h.release()
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

var errFormat = errors.New("argon2id: malformed hash")

func decode(hash string) (Params, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, nil, nil, errFormat
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errFormat
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > 1<<20 || p.Time == 0 || p.Time > 10 || p.Threads == 0 {
		return Params{}, nil, nil, errFormat
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, errFormat
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return Params{}, nil, nil, errFormat
	}
	return p, salt, key, nil
}
