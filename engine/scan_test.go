package engine

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingPartition counts how many partitions of a scan were opened.
type countingPartition struct {
	memPartition
	opened *atomic.Int64
}

func (p countingPartition) Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error) {
	p.opened.Add(1)
	return p.memPartition.Open(ctx, mem)
}

// TestScanReadAheadIsBounded checks that a slow consumer holds a scan of
// many small partitions back: however fast partitions are read, no more
// than twice the parallelism are started ahead of the one being consumed,
// so a scan never buffers a whole table.
func TestScanReadAheadIsBounded(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const parts, par = 40, 2
	var opened atomic.Int64
	var ps []Partition
	var all []arrow.Record
	for p := range parts {
		k := int64(p)
		rec := kvRecord(mem, []*int64{&k}, []string{"x"})
		all = append(all, rec)
		ps = append(ps, countingPartition{memPartition{[]arrow.Record{rec}}, &opened})
	}
	defer func() {
		for _, r := range all {
			r.Release()
		}
	}()
	scan := &Scan{Table: "t", Out: kvSchema, Parts: ps}
	st, err := scan.Open(context.Background(), &Exec{Mem: mem, Parallelism: par})
	require.NoError(t, err)
	for consumed := 0; consumed < parts; consumed++ {
		rec, err := st.Next()
		require.NoError(t, err)
		assert.Equal(t, int64(consumed), rec.Column(0).(*array.Int64).Value(0))
		// Partition consumed is being read now; at most 2*par partitions
		// may have been started that the consumer has not finished.
		assert.LessOrEqual(t, opened.Load(), int64(consumed+2*par), "partitions opened while %d were consumed", consumed)
		rec.Release()
	}
	require.NoError(t, st.Close())
	assert.Equal(t, int64(parts), opened.Load())
}
