package memory

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"supportal/ports"
)

// FileStore keeps files in memory, for service tests. Fail, when set, makes
// every Put fail after reading its input, like an object store that went away.
type FileStore struct {
	mu    sync.Mutex
	files map[string]storedFile
	Fail  error
	Now   func() time.Time
}

type storedFile struct {
	data []byte
	info ports.FileInfo
}

var _ ports.FileStore = (*FileStore)(nil)

// NewFileStore returns an empty store.
func NewFileStore() *FileStore { return &FileStore{files: map[string]storedFile{}, Now: time.Now} }

// Put stores the content of r under key.
func (s *FileStore) Put(_ context.Context, key string, r io.Reader, _ int64, contentType string, meta map[string]string) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	m := make(map[string]string, len(meta))
	for k, v := range meta {
		m[k] = v
	}
	s.files[key] = storedFile{data: data, info: ports.FileInfo{Key: key, Size: int64(len(data)), ContentType: contentType, Modified: s.Now(), Meta: m}}
	return nil
}

// Open returns the file's content; ports.ErrFileNotFound when absent.
func (s *FileStore) Open(_ context.Context, key string) (io.ReadCloser, ports.FileInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[key]
	if !ok {
		return nil, ports.FileInfo{}, ports.ErrFileNotFound
	}
	return io.NopCloser(bytes.NewReader(f.data)), f.info, nil
}

// Delete removes the file; a missing key is not an error.
func (s *FileStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.files, key)
	s.mu.Unlock()
	return nil
}

// List calls fn for the files under prefix modified before olderThan, in key order.
func (s *FileStore) List(_ context.Context, prefix string, olderThan time.Time, fn func(ports.FileInfo) error) error {
	s.mu.Lock()
	var infos []ports.FileInfo
	for k, f := range s.files {
		if strings.HasPrefix(k, prefix) && f.info.Modified.Before(olderThan) {
			infos = append(infos, f.info)
		}
	}
	s.mu.Unlock()
	sort.Slice(infos, func(i, j int) bool { return infos[i].Key < infos[j].Key })
	for _, fi := range infos {
		if err := fn(fi); err != nil {
			return err
		}
	}
	return nil
}

// Ping fails when Fail is set.
func (s *FileStore) Ping(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return errors.Join(errors.New("memory: file store unavailable"), s.Fail)
	}
	return nil
}

// Keys lists the stored keys (for tests).
func (s *FileStore) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.files))
	for k := range s.files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
