package hopsworks

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock for cache expiry.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestCache[V any](t *testing.T, ttl time.Duration) (*cache[V], *fakeClock) {
	life, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := newCache[V](life, ttl)
	clock := &fakeClock{now: time.Unix(1000, 0)}
	c.now = clock.Now
	return c, clock
}

func TestCacheSharesOneFetch(t *testing.T) {
	c, _ := newTestCache[int](t, time.Minute)
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (int, error) {
		fetches.Add(1)
		<-release
		return 42, nil
	}
	const callers = 20
	var wg sync.WaitGroup
	results := make(chan int, callers)
	started := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 0 {
				close(started)
			}
			v, err := c.get(context.Background(), "k", fetch)
			assert.NoError(t, err)
			results <- v
		}()
	}
	<-started
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		assert.Equal(t, 42, v)
	}
	assert.EqualValues(t, 1, fetches.Load(), "concurrent and later callers within the TTL share one fetch")
}

func TestCacheExpires(t *testing.T) {
	c, clock := newTestCache[int](t, time.Minute)
	n := 0
	fetch := func(context.Context) (int, error) { n++; return n, nil }
	ctx := context.Background()
	v, err := c.get(ctx, "k", fetch)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	clock.Add(59 * time.Second)
	v, _ = c.get(ctx, "k", fetch)
	assert.Equal(t, 1, v, "still fresh")
	v, _ = c.get(ctx, "other", fetch)
	assert.Equal(t, 2, v, "keys are separate")
	clock.Add(time.Second)
	v, _ = c.get(ctx, "k", fetch)
	assert.Equal(t, 3, v, "expired after the TTL")
	c.reset()
	v, _ = c.get(ctx, "k", fetch)
	assert.Equal(t, 4, v, "reset forgets")
}

func TestCacheDoesNotKeepErrors(t *testing.T) {
	c, _ := newTestCache[int](t, time.Minute)
	boom := errors.New("boom")
	calls := 0
	fetch := func(context.Context) (int, error) {
		calls++
		if calls == 1 {
			return 0, boom
		}
		return 7, nil
	}
	_, err := c.get(context.Background(), "k", fetch)
	assert.ErrorIs(t, err, boom)
	v, err := c.get(context.Background(), "k", fetch)
	require.NoError(t, err)
	assert.Equal(t, 7, v)
}

func TestCacheWithoutTTL(t *testing.T) {
	c, _ := newTestCache[int](t, -1)
	n := 0
	fetch := func(context.Context) (int, error) { n++; return n, nil }
	a, _ := c.get(context.Background(), "k", fetch)
	b, _ := c.get(context.Background(), "k", fetch)
	assert.Equal(t, []int{1, 2}, []int{a, b}, "nothing is kept")
}

func TestCacheCallerContext(t *testing.T) {
	c, _ := newTestCache[int](t, time.Minute)
	release := make(chan struct{})
	fetchCtx := make(chan context.Context, 1)
	fetch := func(ctx context.Context) (int, error) {
		fetchCtx <- ctx
		<-release
		return 5, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.get(ctx, "k", fetch)
		done <- err
	}()
	fctx := <-fetchCtx
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled, "the caller stops waiting at once")
	case <-time.After(10 * time.Second):
		t.Fatal("get did not return after its context was cancelled")
	}
	assert.NoError(t, fctx.Err(), "the fetch is not cancelled by one caller")
	close(release)
	v, err := c.get(context.Background(), "k", fetch)
	require.NoError(t, err)
	assert.Equal(t, 5, v, "the fetch completed for later callers")

	_, err = c.get(ctx, "k", fetch)
	assert.ErrorIs(t, err, context.Canceled, "a done context fails even on a hit")
}
