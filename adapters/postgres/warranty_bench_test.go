package postgres

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportal/domain/warranty"
)

// heapPeak samples the heap in use until stop is called and returns its
// peak, to show that an import's memory stays flat whatever the file size.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkImport imports generated files through the service into a fresh
// database: new data, the same file again (all unchanged), and a snapshot
// that changes every end date. It reports service lines per second and the
// peak heap.
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{50000, 200000} {
		for _, step := range []struct {
			name  string
			mode  warranty.Mode
			shift int
		}{
			{"insert", warranty.ModeUpsert, 0},
			{"unchanged", warranty.ModeUpsert, 0},
			{"snapshot-update", warranty.ModeSnapshot, 7},
		} {
			b.Run(fmt.Sprintf("%s/%d", step.name, n), func(b *testing.B) {
				var rows int
				var peak uint64
				for b.Loop() {
					b.StopTimer()
					s := NewWarrantyStore(migrated(b))
					svc := newWarrantyService(s)
					if step.name != "insert" {
						if _, err := importGen(b, b.Context(), svc, n, 3, 0, warranty.ModeUpsert); err != nil {
							b.Fatal(err)
						}
					}
					runtime.GC()
					stop := heapPeak()
					b.StartTimer()
					run, err := importGen(b, b.Context(), svc, n, 3, step.shift, step.mode)
					b.StopTimer()
					peak = max(peak, stop())
					if err != nil || run.Counts.Read != n {
						b.Fatalf("run %+v: %v", run, err)
					}
					rows += n
					b.StartTimer()
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// BenchmarkLookup searches one tenant of 50,000 devices (100,000 lines)
// among three, through the service: one page and its capped count.
func BenchmarkLookup(b *testing.B) {
	db := migrated(b)
	s := NewWarrantyStore(db)
	svc := warranty.NewService(warranty.Deps{Importer: s, Runs: s, Lookup: s, Tx: NewWarrantyTx(db),
		Verifications: benchVerified(genOwners[0])})
	if _, err := importGen(b, b.Context(), svc, 300000, 3, 0, warranty.ModeUpsert); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(b.Context(), `ANALYZE devices; ANALYZE service_lines`); err != nil {
		b.Fatal(err)
	}
	for _, bb := range []struct {
		name string
		in   warranty.SearchInput
	}{
		{"all", warranty.SearchInput{}},
		{"all-asc-page-50", warranty.SearchInput{Sort: warranty.SortEndAsc, Page: 50}},
		{"sn", warranty.SearchInput{SN: "as000000012345"}},
		{"name-rare", warranty.SearchInput{Name: "S200-12345"}},
		{"name-common", warranty.SearchInput{Name: "anyshare"}},
		{"name-chinese", warranty.SearchInput{Name: "存储节点"}},
		{"name-short", warranty.SearchInput{Name: "12"}},
		{"name-short-none", warranty.SearchInput{Name: "zq"}},
		{"name-none", warranty.SearchInput{Name: "nothing like it"}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Search(b.Context(), 1, bb.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchVerified verifies every account for one credit code.
type benchVerified string

func (v benchVerified) VerifiedCreditCode(context.Context, int64) (string, error) {
	return string(v), nil
}
