package verification

import (
	"context"
	"time"

	"supportal/domain/attachment"
)

// Licence file rules.
const (
	MaxLicenceBytes = 10 << 20
	licencePrefix   = "licences/"
)

// Upload is a licence file as the customer sent it. Size may be -1.
type Upload = attachment.Upload

// licenceRules accept JPEG and PNG images, decoded completely within their
// bounds, and PDF documents of a sound structure, recognised by content.
var licenceRules = func() attachment.Rules {
	img := attachment.Image{MinSide: 200, MaxSide: 12000, MaxPixels: 24_000_000}.Check
	return attachment.Rules{Field: "licence", Keys: "error.licence.", MaxBytes: MaxLicenceBytes, Prefix: licencePrefix,
		Types: map[string]attachment.Check{"image/jpeg": img, "image/png": img, "application/pdf": attachment.PDF}}
}()

// storeLicence checks the upload by its content and stores it under a fresh
// random key. Nothing refers to the object yet; the caller commits the row
// afterwards (the store records the attachment in the same transaction) and
// the sweeper removes objects whose row never came.
func (s *Service) storeLicence(ctx context.Context, u Upload) (Licence, error) {
	return s.uploads().Save(ctx, u, licenceRules)
}

// deleteQuietly removes an object no row will point to; when that fails too,
// the sweeper removes it later and the failure is reported for the logs.
func (s *Service) deleteQuietly(ctx context.Context, key string) {
	if err := s.uploads().Discard(ctx, key); err != nil {
		s.d.Log.Warn("verification: licence left for the sweeper", "key", key, "err", err)
	}
}

// uploads returns the attachment store over the service's file store.
func (s *Service) uploads() *attachment.Store { return attachment.NewStore(s.d.Files, s.d.Sniffer) }

// Sweep removes licence objects older than olderThan that no attachment row
// names (left by uploads whose row was never committed). It returns how many
// it removed.
func (s *Service) Sweep(ctx context.Context, olderThan time.Time) (int, error) {
	return s.uploads().Sweep(ctx, s.d.Attachments, licencePrefix, olderThan)
}
