//go:build unix

package hopsworks_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used, client and test
// server together. Benchmarks report it beside wall time because the
// machines they run on are shared.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
