package verification

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
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

// storeLicence checks the upload by its content and writes it under a fresh
// random key. The file is spooled to a temporary file first (memory stays
// flat), so that its size, type and whole content (every pixel of an image,
// the structure of a PDF) are checked before anything is stored. Nothing
// refers to the object yet; the caller commits the row afterwards and the
// sweeper removes objects whose row never came.
func (s *Service) storeLicence(ctx context.Context, u Upload) (Licence, error) {
	if u.R == nil || u.Size == 0 {
		return Licence{}, errEmpty
	}
	if u.Size > MaxLicenceBytes {
		return Licence{}, errTooLarge
	}
	f, n, err := spool(u.R)
	if err != nil {
		return Licence{}, err
	}
	defer f.Close()
	head := make([]byte, min(n, sniffBytes))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Licence{}, fmt.Errorf("verification: read upload: %w", err)
	}
	ct := s.d.Sniffer.Sniff(head)
	if !allowedTypes[ct] {
		return Licence{}, errType
	}
	if err := s.checkContent(ctx, f, n, ct); err != nil {
		return Licence{}, err
	}
	key, err := randomKey()
	if err != nil {
		return Licence{}, err
	}
	name := cleanName(u.Name)
	if err := s.d.Files.Put(ctx, key, io.NewSectionReader(f, 0, n), n, ct, map[string]string{"name": name}); err != nil {
		return Licence{}, &domain.Error{Kind: domain.Internal, Key: errStorage.Key, Err: err}
	}
	return Licence{Key: key, Name: name, ContentType: ct, Size: n}, nil
}

// spooled is an upload copied to a temporary file.
type spooled struct {
	*os.File
	removed bool // the name is already gone
}

// Close closes and removes the file.
func (f *spooled) Close() error {
	err := f.File.Close()
	if !f.removed {
		if rerr := os.Remove(f.Name()); err == nil {
			err = rerr
		}
	}
	return err
}

// spool copies at most MaxLicenceBytes of r into a temporary file that is
// removed when it is closed (its name at once, on systems that allow it).
func spool(r io.Reader) (*spooled, int64, error) {
	tmp, err := os.CreateTemp("", "supportal-licence-*")
	if err != nil {
		return nil, 0, fmt.Errorf("verification: spool upload: %w", err)
	}
	f := &spooled{File: tmp, removed: os.Remove(tmp.Name()) == nil}
	n, err := io.Copy(f.File, io.LimitReader(r, MaxLicenceBytes+1))
	switch {
	case err != nil:
		err = fmt.Errorf("verification: read upload: %w", err)
	case n > MaxLicenceBytes:
		err = errTooLarge
	case n == 0:
		err = errEmpty
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, n, nil
}

// deleteQuietly removes an object no row will point to; when that fails too,
// the sweeper removes it later and the failure is reported for the logs.
func (s *Service) deleteQuietly(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.d.Files.Delete(ctx, key); err != nil {
		s.d.Log.Warn("verification: licence left for the sweeper", "key", key, "err", err)
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
