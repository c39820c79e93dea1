// Package minio keeps files in a private bucket of an S3-compatible object
// store through minio-go.
package minio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"supportal/ports"
)

var _ ports.FileStore = (*Store)(nil)

// Config says where the store is.
type Config struct {
	// Endpoint is host:port without a scheme, such as "127.0.0.1:9000".
	Endpoint  string
	AccessKey string
	SecretKey string
	// Bucket is created, without any bucket policy, when it is missing.
	Bucket string
	// UseSSL selects HTTPS.
	UseSSL bool
	// Region is needed by some S3 services; MinIO ignores it.
	Region string
}

// partSize is the part size of multipart uploads, and so the memory a Put
// of unknown size holds; it limits an object to 10,000 parts, 80 GiB.
const partSize = 8 << 20

// pingTimeout bounds Ping, which health checks call.
const pingTimeout = 3 * time.Second

// Store is a ports.FileStore on one bucket. It is safe for concurrent use.
type Store struct {
	client *minio.Client
	bucket string
}

// New connects to the store and creates the bucket when it is missing.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("minio: new: endpoint and bucket are required")
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseSSL,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("minio: new: %w", err)
	}
	s := &Store{client: client, bucket: cfg.Bucket}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("minio: new: bucket %s: %w", cfg.Bucket, err)
	}
	if !exists {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err != nil && !isCode(err, "BucketAlreadyOwnedByYou") {
			return nil, fmt.Errorf("minio: new: make bucket %s: %w", cfg.Bucket, err)
		}
	}
	return s, nil
}

// Put streams r into the object key, replacing any object there. Metadata
// keys are case-insensitive; values may hold any UTF-8 text.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) error {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	opts := minio.PutObjectOptions{
		ContentType:  contentType,
		UserMetadata: encodeMeta(meta),
		PartSize:     partSize,
	}
	if _, err := s.client.PutObject(ctx, s.bucket, key, r, size, opts); err != nil {
		return fmt.Errorf("minio: put %s: %w", key, err)
	}
	return nil
}

// Open returns the object's content and description. It returns an error
// wrapping ports.ErrFileNotFound when no object has the key. Metadata keys
// come back in lower case. The caller closes the reader.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, ports.FileInfo, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, ports.FileInfo{}, fmt.Errorf("minio: open %s: %w", key, err)
	}
	info, err := obj.Stat() // GetObject is lazy: this makes the request
	if err != nil {
		obj.Close()
		if isCode(err, "NoSuchKey") {
			err = ports.ErrFileNotFound
		}
		return nil, ports.FileInfo{}, fmt.Errorf("minio: open %s: %w", key, err)
	}
	meta := make(map[string]string, len(info.UserMetadata))
	for k, v := range info.UserMetadata {
		meta[strings.ToLower(k)] = v
	}
	return obj, ports.FileInfo{
		Key:         info.Key,
		Size:        info.Size,
		ContentType: info.ContentType,
		Modified:    info.LastModified,
		Meta:        meta,
	}, nil
}

// Delete removes the object; a missing object is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !isCode(err, "NoSuchKey") {
		return fmt.Errorf("minio: delete %s: %w", key, err)
	}
	return nil
}

// List calls fn, in key order, for every object whose key starts with
// prefix and that was last modified before olderThan, and stops at the
// first error fn returns, which it returns unchanged. The FileInfo carries
// Key, Size and Modified only.
func (s *Store) List(ctx context.Context, prefix string, olderThan time.Time, fn func(ports.FileInfo) error) error {
	ctx, cancel := context.WithCancel(ctx) // stops the lister when fn fails
	defer cancel()
	opts := minio.ListObjectsOptions{Prefix: prefix, Recursive: true}
	for obj := range s.client.ListObjects(ctx, s.bucket, opts) {
		if obj.Err != nil {
			return fmt.Errorf("minio: list %s: %w", prefix, obj.Err)
		}
		if !obj.LastModified.Before(olderThan) {
			continue
		}
		info := ports.FileInfo{Key: obj.Key, Size: obj.Size, Modified: obj.LastModified}
		if err := fn(info); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Ping checks, within a few seconds, that the store answers and that the
// bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("minio: ping: %w", err)
	}
	if !exists {
		return fmt.Errorf("minio: ping: bucket %s does not exist", s.bucket)
	}
	return nil
}

// isCode reports whether err is an S3 error response with the given code.
func isCode(err error, code string) bool {
	var resp minio.ErrorResponse
	return errors.As(err, &resp) && resp.Code == code
}

// encodeMeta returns meta with values outside printable ASCII encoded as
// RFC 2047 words, which HTTP headers can carry; minio-go decodes them when
// it reads the object.
func encodeMeta(meta map[string]string) map[string]string {
	if len(meta) == 0 {
		return nil
	}
	out := make(map[string]string, len(meta))
	for k, v := range meta {
		if needsEncoding(v) {
			v = mime.BEncoding.Encode("utf-8", v)
		}
		out[k] = v
	}
	return out
}

// needsEncoding reports whether v has characters outside printable ASCII or
// could be mistaken for an encoded word.
func needsEncoding(v string) bool {
	if strings.HasPrefix(v, "=?") || !utf8.ValidString(v) {
		return true
	}
	for _, c := range v {
		if c < 0x20 || c > 0x7e {
			return true
		}
	}
	return false
}
