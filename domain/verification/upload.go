package verification

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // register the decoders for DecodeConfig
	_ "image/png"
	"io"
	"strings"
	"time"

	"supportal/domain"
)

// Licence file rules.
const (
	MaxLicenceBytes = 10 << 20
	minImageSide    = 200
	maxImageSide    = 12000
	sniffBytes      = 64 << 10
	licencePrefix   = "licences/"
)

// allowedTypes are the licence formats, recognised by content.
var allowedTypes = map[string]bool{"image/jpeg": true, "image/png": true, "application/pdf": true}

// Upload is a licence file as the customer sent it. Size may be -1.
type Upload struct {
	Name string
	Size int64
	R    io.Reader
}

var (
	errEmpty    = domain.FieldError("licence", "error.licence.empty")
	errType     = domain.FieldError("licence", "error.licence.type")
	errTooLarge = domain.FieldError("licence", "error.licence.too_large").With("MB", MaxLicenceBytes>>20)
	errCorrupt  = domain.FieldError("licence", "error.licence.corrupt")
	errDims     = domain.FieldError("licence", "error.licence.dimensions").With("Min", minImageSide).With("Max", maxImageSide)
	errStorage  = domain.E(domain.Internal, "error.licence.storage")
)

// limitReader counts what passes and fails once more than max bytes came.
type limitReader struct {
	r    io.Reader
	n    int64
	max  int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.over = true
		return n, errTooLarge
	}
	return n, err
}

// storeLicence checks the upload by its content (type, image dimensions, size
// while streaming) and writes it under a fresh random key. Nothing refers to
// the object yet; the caller commits the row afterwards and the sweeper
// removes objects whose row never came.
func (s *Service) storeLicence(ctx context.Context, u Upload) (Licence, error) {
	if u.R == nil || u.Size == 0 {
		return Licence{}, errEmpty
	}
	if u.Size > MaxLicenceBytes {
		return Licence{}, errTooLarge
	}
	br := bufio.NewReaderSize(u.R, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Licence{}, fmt.Errorf("verification: read upload: %w", err)
	}
	if len(head) == 0 {
		return Licence{}, errEmpty
	}
	ct := s.d.Sniffer.Sniff(head)
	if !allowedTypes[ct] {
		return Licence{}, errType
	}
	if strings.HasPrefix(ct, "image/") {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(head))
		if err != nil {
			return Licence{}, errCorrupt
		}
		if cfg.Width < minImageSide || cfg.Height < minImageSide || cfg.Width > maxImageSide || cfg.Height > maxImageSide {
			return Licence{}, errDims
		}
	}
	key, err := randomKey()
	if err != nil {
		return Licence{}, err
	}
	lr := &limitReader{r: br, max: MaxLicenceBytes}
	name := cleanName(u.Name)
	if err := s.d.Files.Put(ctx, key, lr, -1, ct, map[string]string{"name": name}); err != nil {
		if lr.over {
			s.deleteQuietly(key)
			return Licence{}, errTooLarge
		}
		return Licence{}, &domain.Error{Kind: domain.Internal, Key: errStorage.Key, Err: err}
	}
	if lr.n == 0 {
		s.deleteQuietly(key)
		return Licence{}, errEmpty
	}
	return Licence{Key: key, Name: name, ContentType: ct, Size: lr.n}, nil
}

// deleteQuietly removes an object no row will point to; when that fails too,
// the sweeper removes it later and the failure is reported for the logs.
func (s *Service) deleteQuietly(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.d.Files.Delete(ctx, key); err != nil {
		s.d.OnAsyncError(fmt.Errorf("verification: licence %s left for the sweeper: %w", key, err))
	}
}

func randomKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("verification: key: %w", err)
	}
	return licencePrefix + hex.EncodeToString(b), nil
}

// cleanName keeps the base name of an uploaded file, at most 200 characters.
func cleanName(n string) string {
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(n))
	if r := []rune(n); len(r) > 200 {
		n = string(r[:200])
	}
	return n
}
