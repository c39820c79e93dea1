package verification_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"supportal/adapters/memory"
	"supportal/domain/verification"
)

// countingLatest counts the reads of a company's verified submission.
type countingLatest struct {
	*memory.VerificationStore
	reads atomic.Int64
}

func (c *countingLatest) VerifiedSubmission(ctx context.Context, companyID int64) (verification.Submission, error) {
	c.reads.Add(1)
	return c.VerificationStore.VerifiedSubmission(ctx, companyID)
}

// TestGateCachesOnlyVerifiedCompanies checks that the gate keeps a verified
// company's credit code for a while, and never keeps "not verified": an
// approval opens the gate at once, on every server instance.
func TestGateCachesOnlyVerifiedCompanies(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	counted := &countingLatest{VerificationStore: f.store}
	svc := verification.NewService(verification.Deps{Submissions: counted, Queue: f.store, Audit: f.store, Files: f.files, Attachments: f.store,
		Sniffer: stdSniffer{}, Notifier: f.mail, Now: func() time.Time { return f.now }, Customers: f.customers,
		CacheFor: 5 * time.Second})
	t.Cleanup(svc.Close)
	sub, err := svc.Submit(ctx, custA, fields, upload(pngBytes(t, 300, 200)))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := svc.VerifiedCreditCode(ctx, custA); key(err) != "error.verification.required" {
			t.Fatalf("pending company passed the gate: %v", err)
		}
	}
	// Approved by a reviewer on another instance: straight in the store.
	f.claimed(t, reviewer, sub.ID)
	if _, err := f.svc.Decide(ctx, reviewer, sub.ID, 1, true, "", ""); err != nil {
		t.Fatal(err)
	}
	before := counted.reads.Load()
	for range 3 {
		if code, err := svc.VerifiedCreditCode(ctx, custA); err != nil || code != "91310110666007217T" {
			t.Fatalf("gate right after approval: %q %v", code, err)
		}
		if locked, err := svc.CompanyLocked(ctx, 10); err != nil || !locked {
			t.Fatalf("company not locked right after approval: %v", err)
		}
	}
	if n := counted.reads.Load() - before; n != 1 {
		t.Errorf("six checks of a verified company read its submission %d times, want 1", n)
	}
	f.now = f.now.Add(5 * time.Second)
	if _, err := svc.VerifiedCreditCode(ctx, custA); err != nil {
		t.Fatal(err)
	}
	if n := counted.reads.Load() - before; n != 2 {
		t.Errorf("after the cache's lifetime: %d reads, want 2", n)
	}
}
