package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/hopsql/hopsql/bench/internal/rss"
)

// describeMachine says where the report runs; duckdb is DuckDB's version.
func describeMachine(duckdb string) Machine {
	m := Machine{OS: runtime.GOOS, Arch: runtime.GOARCH, Cores: runtime.NumCPU(), Go: runtime.Version(), DuckDB: duckdb, CPU: "unknown CPU"}
	if v, ok := procField("/proc/cpuinfo", "model name"); ok {
		m.CPU = v
	}
	if v, ok := procField("/proc/meminfo", "MemTotal"); ok {
		if kb, err := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64); err == nil {
			m.MemoryGiB = kb / (1 << 20)
		}
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc
// file, if the file and the key exist.
func procField(path, key string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// peakRSS returns the peak resident set of this process image in bytes:
// VmHWM of /proc/self/status, which (unlike getrusage's maxrss) starts
// afresh at exec, so a child does not report its parent's peak. Elsewhere
// it falls back to rss.Peak.
func peakRSS() int64 {
	if v, ok := procField("/proc/self/status", "VmHWM"); ok {
		if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64); err == nil {
			return kb << 10
		}
	}
	return rss.Peak()
}
