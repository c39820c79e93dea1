package attachment

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// errTooLarge tells Save that the upload went past its limit.
var errTooLarge = errors.New("attachment: upload too large")

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

// spool copies r into a temporary file that is removed when it is closed
// (its name at once, on systems that allow it). It reads at most max+1
// bytes, so a stream that never ends stops there with errTooLarge.
func spool(r io.Reader, max int64) (*spooled, int64, error) {
	tmp, err := os.CreateTemp("", "supportal-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("attachment: spool upload: %w", err)
	}
	f := &spooled{File: tmp, removed: os.Remove(tmp.Name()) == nil}
	n, err := io.Copy(f.File, io.LimitReader(r, max+1))
	switch {
	case err != nil:
		err = fmt.Errorf("attachment: read upload: %w", err)
	case n > max:
		err = errTooLarge
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, n, nil
}
