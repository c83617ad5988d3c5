package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/driver"
)

// syncBuffer is a buffer that one goroutine writes while another reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls until cond holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			require.FailNow(t, "timed out waiting for "+what)
		}
		time.Sleep(time.Millisecond) // polling, not synchronisation
	}
}

const eraseLine = "\r\x1b[K"

func TestProgressNotShownForShortQueries(t *testing.T) {
	var w syncBuffer
	start := time.Now()
	stop := startProgressAfter(context.Background(), &w, new(driver.Progress), time.Hour, time.Millisecond)
	stop()
	stop() // a second stop does nothing
	assert.Less(t, time.Since(start), time.Minute, "stop does not wait for the delay")
	assert.Empty(t, w.String())
}

func TestProgressShownThenErased(t *testing.T) {
	var w syncBuffer
	stop := startProgressAfter(context.Background(), &w, new(driver.Progress), time.Millisecond, time.Millisecond)
	waitFor(t, "two redraws", func() bool { return strings.Count(w.String(), "Running…") >= 2 })
	stop()
	out := w.String()
	assert.True(t, strings.HasSuffix(out, eraseLine), "the line is erased: %q", out)
	assert.True(t, strings.HasPrefix(out, "\rRunning… 0 rows, 0 B read ("), "%q", out)
	assert.NotContains(t, out, "\n", "the progress stays on one line")
	stop()
	assert.Equal(t, out, w.String(), "nothing is written after stop")
}

func TestProgressErasedWhenTheQueryIsCancelled(t *testing.T) {
	var w syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	stop := startProgressAfter(ctx, &w, new(driver.Progress), time.Millisecond, time.Hour)
	defer stop()
	waitFor(t, "the progress line", func() bool { return strings.Contains(w.String(), "Running…") })
	cancel()
	waitFor(t, "the line to be erased", func() bool { return strings.HasSuffix(w.String(), eraseLine) })
}

func TestProgressCountsAQuery(t *testing.T) {
	dir := newDemoStore(t, 1)
	r, _, _ := newTestREPL(t, dir, nil)
	var p driver.Progress
	var w syncBuffer
	ctx := driver.WithProgress(context.Background(), &p)
	// With no delay the line is drawn while the query runs; its counts
	// grow to what the query read.
	stop := startProgressAfter(ctx, &w, &p, 0, time.Millisecond)
	var n int64
	require.NoError(t, r.sh.conn.QueryRowContext(ctx, "SELECT count(*) FROM transactions_1 WHERE amount > 0").Scan(&n))
	waitFor(t, "a redraw after the query", func() bool {
		return strings.Contains(w.String(), "Running… "+groupDigits(p.RowsRead())+" rows")
	})
	stop()
	assert.Positive(t, p.RowsRead())
	assert.Positive(t, p.BytesRead())
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		rows, bytes int64
		elapsed     time.Duration
		want        string
	}{
		{0, 0, 1200 * time.Millisecond, "Running… 0 rows, 0 B read (1.2 s)"},
		{999, 999, time.Second, "Running… 999 rows, 999 B read (1.0 s)"},
		{1000, 1500, time.Second, "Running… 1,000 rows, 1.5 kB read (1.0 s)"},
		{1234567, 96_000_000, 2345 * time.Millisecond, "Running… 1,234,567 rows, 96.0 MB read (2.3 s)"},
		{-1234, 3_200_000_000_000, time.Minute, "Running… -1,234 rows, 3.2 TB read (60.0 s)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, progressLine(tc.rows, tc.bytes, tc.elapsed))
	}
}

func TestProgressRemovedBeforeTheResult(t *testing.T) {
	// The progress line and the result share the terminal.
	var screen syncBuffer
	stop := startProgressAfter(context.Background(), &screen, new(driver.Progress), 0, time.Hour)
	waitFor(t, "the progress line", func() bool { return strings.Contains(screen.String(), "Running…") })
	out := progressOutput{w: &screen, stop: stop}
	_, err := out.Write([]byte("result\n"))
	require.NoError(t, err)
	_, err = out.Write([]byte("more\n"))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(screen.String(), eraseLine+"result\nmore\n"), "%q", screen.String())
	assert.Equal(t, 1, strings.Count(screen.String(), "Running…"))
}
