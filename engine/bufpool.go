package engine

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// bufferPool is a memory.Allocator that keeps freed buffers for reuse, in
// classes of powers of two from 4 KiB to 64 MiB. A query allocates a batch's
// worth of buffers again and again (each scan batch, each expression's
// result): from the Go heap every one of them is a large allocation, and
// together they are most of what the garbage collector works for. Taken
// from the pool they cost a clear. Like Go's allocator it hands out zeroed
// memory, which Arrow code may count on; it leaves what it keeps to
// sync.Pool, which lets the garbage collector take buffers that stay
// unused.
type bufferPool struct {
	classes [maxPoolClass + 1]sync.Pool
}

const (
	minPoolClass = 12 // 4 KiB; smaller buffers come from the Go heap
	maxPoolClass = 26 // 64 MiB; larger ones too
)

// buffers is the pool an Exec without an allocator of its own uses. It
// holds no state anyone can observe: only free memory.
var buffers = &bufferPool{}

var _ memory.Allocator = (*bufferPool)(nil)

// class returns the pool class of a buffer of size bytes, or -1 when
// buffers of that size are not pooled.
func poolClass(size int) int {
	if size <= 1<<(minPoolClass-1) || size > 1<<maxPoolClass {
		return -1
	}
	return bits.Len(uint(size - 1))
}

// Allocate implements memory.Allocator.
func (p *bufferPool) Allocate(size int) []byte { return p.allocate(size, 0) }

// allocate returns a buffer of size bytes, zeroed from byte from on: the
// caller overwrites the bytes before it.
func (p *bufferPool) allocate(size, from int) []byte {
	c := poolClass(size)
	if c < 0 {
		return make([]byte, size)
	}
	if v, ok := p.classes[c].Get().(*[]byte); ok {
		b := (*v)[:size]
		clear(b[min(from, size):])
		return b
	}
	return make([]byte, size, 1<<c)
}

// Reallocate implements memory.Allocator.
func (p *bufferPool) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) && poolClass(size) == poolClass(cap(b)) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.allocate(size, len(b))
	copy(nb, b)
	p.Free(b)
	return nb
}

// Free implements memory.Allocator.
func (p *bufferPool) Free(b []byte) {
	c := poolClass(cap(b))
	if c < 0 || cap(b) != 1<<c {
		return
	}
	b = b[:cap(b)]
	p.classes[c].Put(&b)
}
