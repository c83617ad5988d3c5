package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hopsql/hopsql/driver"
)

// How long a query runs before its progress shows, and how often the
// progress line is redrawn.
const (
	progressDelay    = time.Second
	progressInterval = 250 * time.Millisecond
)

// startProgress shows the progress of a running query on w (a terminal)
// once it has run for a while, and returns a function that removes it.
func startProgress(ctx context.Context, w io.Writer, p *driver.Progress) (stop func()) {
	return startProgressAfter(ctx, w, p, progressDelay, progressInterval)
}

// startProgressAfter is startProgress with the delay before the progress
// line appears and the interval between its redraws as parameters.
//
// The line is drawn by a goroutine that sleeps on a timer until delay has
// passed, so a query that ends earlier writes nothing and waits for
// nothing. stop erases the line if it was drawn and returns once the
// goroutine has ended; calling it again does nothing. The goroutine also
// ends, erasing the line, when ctx is done.
func startProgressAfter(ctx context.Context, w io.Writer, p *driver.Progress, delay, interval time.Duration) (stop func()) {
	done := make(chan struct{})
	ended := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(ended)
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			fmt.Fprintf(w, "\r%s\x1b[K", progressLine(p.RowsRead(), p.BytesRead(), time.Since(start)))
			select {
			case <-done:
			case <-ctx.Done():
			case <-ticker.C:
				continue
			}
			io.WriteString(w, "\r\x1b[K")
			return
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-ended
		})
	}
}

// progressOutput is a query's output on the terminal that shows its
// progress: it removes the progress line before the first write.
type progressOutput struct {
	w    io.Writer
	stop func() // idempotent
}

func (p progressOutput) Write(b []byte) (int, error) {
	p.stop()
	return p.w.Write(b)
}

// progressLine is the text of the progress line, as in
// "Running… 1,200,000 rows, 96.0 MB read (2.3 s)".
func progressLine(rows, bytes int64, elapsed time.Duration) string {
	return fmt.Sprintf("Running… %s rows, %s read (%.1f s)", groupDigits(rows), formatBytes(bytes), elapsed.Seconds())
}

// groupDigits writes n with a comma between groups of three digits.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return neg + string(b)
}

// formatBytes writes a size in decimal units: 512 B, 1.5 kB, 96.0 MB.
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, [...]string{"kB", "MB", "GB", "TB", "PB"}[i])
}
