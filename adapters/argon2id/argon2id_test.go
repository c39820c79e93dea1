package argon2id

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestHashAndVerify(t *testing.T) {
	h := New(Default, 2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected format %q", hash)
	}
	if ok, err := h.Verify(ctx, hash, "correct horse battery"); err != nil || !ok {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := h.Verify(ctx, hash, "correct horse batterx"); ok {
		t.Fatal("wrong password accepted")
	}
	other, _ := h.Hash(ctx, "correct horse battery")
	if other == hash {
		t.Fatal("salt not random")
	}
}

func TestMalformedHash(t *testing.T) {
	h := New(Default, 1)
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AAAA"} {
		if ok, err := h.Verify(context.Background(), bad, "x"); ok || err == nil {
			t.Errorf("%q: want error, got %v %v", bad, ok, err)
		}
	}
}

// TestConcurrencyBound checks that a full semaphore makes callers wait and
// that a cancelled wait returns the context's error.
func TestConcurrencyBound(t *testing.T) {
	h := New(Params{MemoryKiB: 1024, Time: 1, Threads: 1}, 1)
	h.sem <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "password-long-enough"); err == nil {
		t.Fatal("hash ran although no slot was free")
	}
	<-h.sem
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Hash(context.Background(), "password-long-enough"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
