package main

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var v []time.Duration
	for i := 1; i <= 100; i++ {
		v = append(v, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		p    float64
		want time.Duration
	}{{0, 1 * time.Millisecond}, {50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond},
		{99.5, 100 * time.Millisecond}, {100, 100 * time.Millisecond}}
	for _, tt := range tests {
		if got := Percentile(v, tt.p); got != tt.want {
			t.Errorf("Percentile(1..100 ms, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil) = %v", got)
	}
	one := []time.Duration{7}
	if Percentile(one, 1) != 7 || Percentile(one, 99) != 7 {
		t.Error("a single value is every percentile")
	}
	// Nearest rank: of 1,000 values the p99 is the 990th, not an interpolation.
	v = v[:0]
	for i := 1; i <= 1000; i++ {
		v = append(v, time.Duration(i))
	}
	if got := Percentile(v, 99); got != 990 {
		t.Errorf("p99 of 1..1000 = %v, want 990", got)
	}
}

func TestRecorderSummaries(t *testing.T) {
	a, b := NewRecorder(), NewRecorder()
	for i := 1; i <= 10; i++ {
		a.Add(KindSN, time.Duration(i)*time.Millisecond, "sn=A"+strconv.Itoa(i), "")
	}
	b.Add(KindSN, 100*time.Millisecond, "sn=B", "500 Internal Server Error")
	b.Add(KindRare, 20*time.Millisecond, "name=ab1", "")
	a.Merge(b)
	ss := a.Summaries([]string{KindRare, KindSN}, 2*time.Second)
	if len(ss) != 3 || ss[2].Kind != "all" {
		t.Fatalf("summaries %+v", ss)
	}
	sn := ss[1]
	if sn.Requests != 11 || sn.Errors != 1 || sn.Max != 100*time.Millisecond || sn.P50 != 6*time.Millisecond || sn.RPS != 5.5 {
		t.Errorf("sn summary %+v", sn)
	}
	if sn.Slowest != "sn=B" || ss[0].Slowest != "name=ab1" || ss[2].Slowest != "sn=B" {
		t.Errorf("slowest %q %q %q", sn.Slowest, ss[0].Slowest, ss[2].Slowest)
	}
	if sn.FirstError != "500 Internal Server Error" {
		t.Errorf("first error %q", sn.FirstError)
	}
	if all := ss[2]; all.Requests != 12 || all.Errors != 1 {
		t.Errorf("all summary %+v", all)
	}
}

func TestParseMix(t *testing.T) {
	mix, err := ParseMix("fuzzy-rare=60,sn=30,common=10")
	if err != nil || len(mix) != 3 || mix[1] != (MixEntry{KindSN, 30}) {
		t.Fatalf("ParseMix = %+v, %v", mix, err)
	}
	for _, bad := range []string{"", "sn", "sn=x", "fuzzy=10", "sn=0", "sn=-1"} {
		if _, err := ParseMix(bad); err == nil {
			t.Errorf("ParseMix(%q) accepted", bad)
		}
	}
}

func TestLocalURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:8080/", "http://[::1]:9000", "https://127.0.0.2"} {
		if _, err := localURL(ok); err != nil {
			t.Errorf("localURL(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"http://example.com", "http://10.0.0.1:8080", "http://127.0.0.1.example.com", "ftp://127.0.0.1", "http://0.0.0.0:8080", "127.0.0.1:8080"} {
		if _, err := localURL(bad); err == nil {
			t.Errorf("localURL(%q) accepted", bad)
		}
	}
}

func TestReadMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	m, err := ReadMemory("self")
	if err != nil || m.RSS <= 0 || m.HWM < m.RSS {
		t.Fatalf("ReadMemory(self) = %+v, %v", m, err)
	}
	st := readStat(os.Getpid())
	if !st.ok || st.ppid != os.Getppid() {
		t.Fatalf("readStat(self) = %+v, parent %d", st, os.Getppid())
	}
	if TreeCPU(os.Getppid()) < ProcCPU(os.Getpid()) {
		t.Error("the parent's tree used less CPU than this child")
	}
}
