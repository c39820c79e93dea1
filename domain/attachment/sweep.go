package attachment

import (
	"context"
	"fmt"
	"time"

	"supportal/ports"
)

// Index is the attachments table: one row for every stored object that a
// committed row refers to, written in the transaction of that row.
type Index interface {
	// UnnamedKeys returns those of keys that no attachment row names, or
	// whose row is marked deleted, in any order.
	UnnamedKeys(ctx context.Context, keys []string) ([]string, error)
	// ForgetDeleted removes the rows marked deleted among keys, once their
	// objects are gone.
	ForgetDeleted(ctx context.Context, keys []string) error
}

// sweepBatch is how many listed objects one query of the index checks.
const sweepBatch = 500

// Sweep removes the objects under prefix last modified before olderThan that
// no attachment row names (uploads whose row was never committed, or whose
// row was marked deleted), asking the index once per batch of listed
// objects. It returns how many objects it removed.
func (s *Store) Sweep(ctx context.Context, idx Index, prefix string, olderThan time.Time) (int, error) {
	var orphans, batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		unnamed, err := idx.UnnamedKeys(ctx, batch)
		orphans = append(orphans, unnamed...)
		batch = batch[:0]
		return err
	}
	err := s.files.List(ctx, prefix, olderThan, func(fi ports.FileInfo) error {
		batch = append(batch, fi.Key)
		if len(batch) < sweepBatch {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return 0, fmt.Errorf("attachment: sweep: %w", err)
	}
	for i, k := range orphans {
		if err := s.files.Delete(ctx, k); err != nil {
			return i, fmt.Errorf("attachment: sweep: %w", err)
		}
	}
	if err := idx.ForgetDeleted(ctx, orphans); err != nil {
		return len(orphans), fmt.Errorf("attachment: sweep: %w", err)
	}
	return len(orphans), nil
}
