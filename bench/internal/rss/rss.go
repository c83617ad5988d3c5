// Package rss reports the peak resident memory of the process.
package rss

import "syscall"

// Peak returns the process's peak resident set size in bytes, or 0 where
// the system does not say.
func Peak() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024 // kilobytes on Linux
}
