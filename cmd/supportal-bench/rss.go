package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory is what /proc/<pid>/status says about a process's resident memory,
// in bytes: VmRSS now and VmHWM, the peak since the process started.
type Memory struct {
	RSS, HWM int64
}

// ReadMemory reads the memory of process pid ("self" for this one).
func ReadMemory(pid string) (Memory, error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return Memory{}, fmt.Errorf("memory of %s: %w", pid, err)
	}
	defer f.Close()
	var m Memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("memory of %s: %s: %w", pid, name, err)
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	return m, sc.Err()
}

// mib formats bytes in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// RSSSampler samples the VmRSS of a process every interval and keeps the
// highest value seen.
type RSSSampler struct {
	mu   sync.Mutex
	peak int64
	last Memory
	stop context.CancelFunc
	done chan struct{}
}

// SampleRSS starts sampling pid until Stop.
func SampleRSS(pid string, every time.Duration) *RSSSampler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &RSSSampler{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if m, err := ReadMemory(pid); err == nil {
				s.mu.Lock()
				s.last = m
				s.peak = max(s.peak, m.RSS)
				s.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns the peak VmRSS seen and the last
// reading (whose HWM is the process's lifetime peak).
func (s *RSSSampler) Stop() (peak int64, last Memory) {
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, s.last
}
