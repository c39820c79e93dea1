// Package ports declares the driven ports that several modules share. They use
// standard-library types only and never import the domain.
package ports

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrFileNotFound is returned by FileStore.Open and Stat when no object has the key.
var ErrFileNotFound = errors.New("file not found")

// FileInfo describes a stored object.
type FileInfo struct {
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
	Meta        map[string]string
}

// FileStore keeps uploaded files in private object storage. Keys are chosen by
// the caller (random, never derived from user input).
type FileStore interface {
	// Put streams r under key. size may be -1 when unknown. It returns an
	// error when the store cannot be reached or the upload is interrupted.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) error
	// Open returns the object's content; ErrFileNotFound when absent.
	Open(ctx context.Context, key string) (io.ReadCloser, FileInfo, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix and that was
	// last modified before olderThan, in key order.
	List(ctx context.Context, prefix string, olderThan time.Time, fn func(FileInfo) error) error
	// Ping checks that the store answers and the bucket exists.
	Ping(ctx context.Context) error
}
