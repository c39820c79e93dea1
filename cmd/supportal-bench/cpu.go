package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTick is the unit of /proc/<pid>/stat's CPU times (USER_HZ, 100 on
// every Linux this runs on).
const clockTick = 10 * time.Millisecond

// procStat is the CPU part of /proc/<pid>/stat. CPU times let a run report
// CPU per request: unlike req/s and latencies on a shared 2-core machine,
// they barely depend on what else is running.
type procStat struct {
	ppid           int
	self, children time.Duration // user+system; children = exited children waited for
	ok             bool
}

// readStat parses /proc/<pid>/stat.
func readStat(pid int) procStat {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}
	}
	// The command name is in parentheses and may hold spaces: fields start after ")".
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return procStat{}
	}
	n := func(i int) time.Duration { v, _ := strconv.ParseInt(f[i], 10, 64); return time.Duration(v) * clockTick }
	ppid, _ := strconv.Atoi(f[1])
	// After ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime.
	return procStat{ppid: ppid, self: n(11) + n(12), children: n(13) + n(14), ok: true}
}

// ProcCPU returns the CPU time pid has used.
func ProcCPU(pid int) time.Duration { return readStat(pid).self }

// TreeCPU returns the CPU time of root and its children, alive or exited:
// for PostgreSQL, the postmaster and every backend.
func TreeCPU(root int) time.Duration {
	st := readStat(root)
	total := st.self + st.children
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || pid == root {
			continue
		}
		if c := readStat(pid); c.ok && c.ppid == root {
			total += c.self
		}
	}
	return total
}

// SelfCPU returns the CPU time of this process.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postmasterPID reads the PID of the PostgreSQL server of a data folder.
func postmasterPID(dataDir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, fmt.Errorf("postmaster.pid: %w", err)
	}
	return pid, nil
}

// loadAvg returns the 1-minute load average, or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
