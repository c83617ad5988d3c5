package engine

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBufferPoolClasses(t *testing.T) {
	tests := []struct {
		size, class int
	}{
		{0, -1}, {1, -1}, {2048, -1}, {2049, 12}, {4096, 12}, {4097, 13},
		{64 << 10, 16}, {1 << 26, 26}, {1<<26 + 1, -1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.class, poolClass(tt.size), "size %d", tt.size)
	}
}

// TestBufferPoolReusesZeroed checks that a freed buffer comes back, and
// comes back cleared, that Reallocate keeps the contents, and that buffers
// the pool does not keep are plain Go memory.
func TestBufferPoolReusesZeroed(t *testing.T) {
	p := &bufferPool{}
	for _, size := range []int{100, 5000, 70000, 1 << 20} {
		b := p.Allocate(size)
		require.Len(t, b, size)
		for i := range b {
			b[i] = 0xFF
		}
		p.Free(b)
		c := p.Allocate(size - 1)
		require.Len(t, c, size-1)
		assert.Equal(t, make([]byte, size-1), c, "a reused buffer of %d bytes is zeroed", size)
		if poolClass(size) >= 0 {
			assert.Equal(t, 1<<poolClass(size), cap(c), "a pooled buffer has its class's capacity")
		}

		for i := range c {
			c[i] = byte(i)
		}
		grown := p.Reallocate(3*size, c)
		require.Len(t, grown, 3*size)
		for i := range size - 1 {
			require.Equal(t, byte(i), grown[i])
		}
		assert.Equal(t, make([]byte, 2*size+1), grown[size-1:], "what Reallocate adds is zeroed")
		shrunk := p.Reallocate(10, grown)
		assert.Equal(t, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, shrunk)
		p.Free(shrunk)
	}
}

// TestBufferPoolConcurrent allocates, writes and frees from several
// goroutines; with -race it checks that no buffer is handed to two of them.
func TestBufferPoolConcurrent(t *testing.T) {
	p := &bufferPool{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				b := p.Allocate(4096 + (i*g)%50000)
				for k := range b {
					if b[k] != 0 {
						t.Errorf("allocated buffer not zeroed at %d", k)
						return
					}
					b[k] = byte(g + 1)
				}
				p.Free(b)
			}
		}()
	}
	wg.Wait()
}
