// Package attachment stores the files customers upload (licences, ticket
// attachments): it streams an upload into a temporary file within a size
// limit, recognises its type by content, lets the caller's content check read
// the whole file, stores it under a fresh random key and returns what the
// caller's row records. Objects are stored before the row that names them is
// committed; Sweep removes the objects no committed row names.
package attachment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"supportal/domain"
	"supportal/ports"
)

// Attachment is a stored file as the row that refers to it records it.
type Attachment struct {
	Key         string // object key in the private bucket, random
	Name        string // the uploaded file's cleaned name, for display only
	ContentType string // as sniffed from the content
	Size        int64
}

// Upload is a file as the customer sent it. Size may be -1 when unknown.
type Upload struct {
	Name string
	Size int64
	R    io.Reader
}

// Sniffer tells the content type of a file from its first bytes.
type Sniffer interface {
	Sniff(head []byte) string
}

// A Check reads the whole file of a sniffed type and returns a *Refusal
// when its content is not acceptable, or another error when it could not
// read it.
type Check func(ctx context.Context, r io.ReaderAt, size int64) error

// Rules say which files a form field accepts.
type Rules struct {
	// Field is the form field the errors belong to.
	Field string
	// Keys is the prefix of the errors' message ids, ending in a dot: Keys
	// + "empty", "too_large" (with MB), "type", "storage" and the reasons of
	// the checks' refusals ("error.licence." gives "error.licence.type").
	Keys string
	// MaxBytes is the largest file accepted.
	MaxBytes int64
	// Types maps each accepted content type to the check of its content
	// (nil: the type is enough).
	Types map[string]Check
	// Prefix starts every object key, e.g. "licences/"; Sweep works on it.
	Prefix string
}

// Refusal is a file refused for its content: Reason names the message id
// after the rules' Keys, Data fills it.
type Refusal struct {
	Reason string
	Data   map[string]any
}

// Error returns the reason.
func (r *Refusal) Error() string { return "attachment refused: " + r.Reason }

// refuse returns the field error of the reason under the rules' keys.
func (r Rules) refuse(reason string, data map[string]any) *domain.Error {
	e := domain.FieldError(r.Field, r.Keys+reason)
	for k, v := range data {
		e = e.With(k, v)
	}
	return e
}

// sniffBytes is how much of the head of a file the sniffer sees.
const sniffBytes = 64 << 10

// Store saves uploads in a file store.
type Store struct {
	files   ports.FileStore
	sniffer Sniffer
}

// NewStore returns a store over the file store and sniffer; it panics when
// one is nil, since that is a programming error.
func NewStore(files ports.FileStore, sniffer Sniffer) *Store {
	if files == nil {
		panic("attachment: NewStore: no FileStore")
	}
	if sniffer == nil {
		panic("attachment: NewStore: no Sniffer")
	}
	return &Store{files: files, sniffer: sniffer}
}

// Save checks the upload against the rules and stores it under a fresh
// random key. The upload is spooled to a temporary file first, reading at
// most MaxBytes+1 bytes of it, so that its size, type and whole content are
// checked before anything is stored. Refusals are Invalid field errors under
// the rules' keys; a file store that fails is Internal (Keys + "storage"),
// and whatever it may have kept of the object is deleted. Nothing refers to
// the object yet: the caller commits its row afterwards, calls Discard when
// that fails, and Sweep removes what a crash left.
func (s *Store) Save(ctx context.Context, u Upload, r Rules) (Attachment, error) {
	if u.R == nil || u.Size == 0 {
		return Attachment{}, r.refuse("empty", nil)
	}
	tooLarge := r.refuse("too_large", map[string]any{"MB": r.MaxBytes >> 20})
	if u.Size > r.MaxBytes {
		return Attachment{}, tooLarge
	}
	f, n, err := spool(u.R, r.MaxBytes)
	switch {
	case errors.Is(err, errTooLarge):
		return Attachment{}, tooLarge
	case err != nil:
		return Attachment{}, err
	case n == 0:
		return Attachment{}, r.refuse("empty", nil)
	}
	defer f.Close()
	head := make([]byte, min(n, sniffBytes))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Attachment{}, fmt.Errorf("attachment: read upload: %w", err)
	}
	ct := s.sniffer.Sniff(head)
	check, ok := r.Types[ct]
	if !ok {
		return Attachment{}, r.refuse("type", nil)
	}
	if check != nil {
		var ref *Refusal
		switch err := check(ctx, f, n); {
		case errors.As(err, &ref):
			return Attachment{}, r.refuse(ref.Reason, ref.Data)
		case err != nil:
			return Attachment{}, fmt.Errorf("attachment: check content: %w", err)
		}
	}
	key, err := NewKey(r.Prefix)
	if err != nil {
		return Attachment{}, err
	}
	a := Attachment{Key: key, Name: CleanName(u.Name), ContentType: ct, Size: n}
	if err := s.files.Put(ctx, key, io.NewSectionReader(f, 0, n), n, ct, map[string]string{"name": a.Name}); err != nil {
		_ = s.Discard(ctx, key) // an interrupted upload may have left parts
		return Attachment{}, &domain.Error{Kind: domain.Internal, Key: r.Keys + "storage", Err: err}
	}
	return a, nil
}

// Attach saves the upload, then calls commit, which records the attachment
// in the caller's row (in the same transaction as that row); when commit
// fails, the object is deleted again and commit's error returned.
func (s *Store) Attach(ctx context.Context, u Upload, r Rules, commit func(Attachment) error) (Attachment, error) {
	a, err := s.Save(ctx, u, r)
	if err != nil {
		return Attachment{}, err
	}
	if err := commit(a); err != nil {
		_ = s.Discard(ctx, a.Key) // when this fails too, Sweep removes it
		return Attachment{}, err
	}
	return a, nil
}

// discardTimeout bounds the deletion of an object no row will name.
const discardTimeout = 10 * time.Second

// Discard deletes an object whose row was not committed. It runs even when
// ctx is already cancelled (a request that ended), for at most ten seconds;
// when it fails, Sweep removes the object later.
func (s *Store) Discard(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), discardTimeout)
	defer cancel()
	if err := s.files.Delete(ctx, key); err != nil {
		return fmt.Errorf("attachment: discard %s: %w", key, err)
	}
	return nil
}
