package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTopNMatchesSortAndLimit(t *testing.T) {
	limits := []struct{ limit, offset int64 }{
		{1, 0}, {5, 3}, {17, 0}, {40, 290}, {400, 0}, {10, 1000}, {3, 298},
	}
	for _, gen := range sortGens {
		for _, lim := range limits {
			for name, keys := range sortKeySets(lim.limit%2 == 0, lim.offset%2 == 1) {
				t.Run(fmt.Sprintf("%s/limit=%d,offset=%d/%s", gen.name, lim.limit, lim.offset, name), func(t *testing.T) {
					mem := newMem(t)
					schema, rows, recs := sortInput(mem, gen, 300, uint64(lim.limit))
					defer releaseAllRecs(recs)
					want := expectSorted(rows, keys)
					want = want[min(int(lim.offset), len(want)):]
					want = want[:min(int(lim.limit), len(want))]
					// A small batch size makes the heap compact often.
					x := &Exec{Mem: mem, BatchSize: 8}
					op := &TopN{Input: &Values{Out: schema, Records: recs}, Keys: keys, Limit: lim.limit, Offset: lim.offset}
					checkRows(t, recs, collect(t, op, x), want)
					assert.Zero(t, x.Reserved())
				})
			}
		}
	}
}

// TestTopNHoldsLittle runs a top-10 over an input that a Sort cannot hold
// under the same memory limit. The keys are scattered, so the rows kept are
// spread over many batches and the heap must compact to stay small.
func TestTopNHoldsLittle(t *testing.T) {
	const rows = 200_000
	for _, desc := range []bool{false, true} {
		t.Run(fmt.Sprintf("desc=%v", desc), func(t *testing.T) {
			mem := newMem(t)
			data := make([][]any, rows)
			for i := range data {
				data[i] = []any{int64(i), int64(wordHash(uint64(i)) % 1_000_000), nil}
			}
			schema := arrow.NewSchema([]arrow.Field{
				{Name: "id", Type: arrow.PrimitiveTypes.Int64},
				{Name: "k", Type: arrow.PrimitiveTypes.Int64},
				{Name: "k2", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
			}, nil)
			recs := makeBatches(mem, schema, data, 1000)
			defer releaseAllRecs(recs)
			keys := []SortKey{{Col: 1, Desc: desc}, {Col: 0}}
			in := &Values{Out: schema, Records: recs}

			x := &Exec{Mem: mem, MemoryLimit: 200 << 10, BatchSize: 1000}
			got := collect(t, &TopN{Input: in, Keys: keys, Limit: 10, Offset: 5}, x)
			checkRows(t, recs, got, expectSorted(data, keys)[5:15])
			assert.Zero(t, x.Reserved())

			s, err := (&Sort{Input: in, Keys: keys}).Open(context.Background(), x)
			require.NoError(t, err)
			_, err = s.Next()
			assert.ErrorIs(t, err, ErrMemoryLimit, "the limit is too small to sort everything")
			require.NoError(t, s.Close())
			assert.Zero(t, x.Reserved())
		})
	}
}

func TestTopNEdgeCases(t *testing.T) {
	mem := newMem(t)
	schema, rows, recs := sortInput(mem, sortGens[3], 50, 3)
	defer releaseAllRecs(recs)
	keys := []SortKey{{Col: 1}}

	t.Run("limit 0 reads nothing", func(t *testing.T) {
		src := &source{schema: schema, failOpen: true}
		assert.Empty(t, collect(t, &TopN{Input: src, Keys: keys, Limit: 0, Offset: 3}, &Exec{Mem: mem}))
	})
	t.Run("offset past the input", func(t *testing.T) {
		src := &source{schema: schema, recs: recs}
		x := &Exec{Mem: mem}
		assert.Empty(t, collect(t, &TopN{Input: src, Keys: keys, Limit: 5, Offset: 50}, x))
		assert.Equal(t, int32(1), src.closed.Load())
		assert.Zero(t, x.Reserved())
	})
	t.Run("huge limit", func(t *testing.T) {
		got := collect(t, &TopN{Input: &Values{Out: schema, Records: recs}, Keys: keys, Limit: 1 << 62, Offset: 1 << 62}, &Exec{Mem: mem})
		assert.Empty(t, got)
		got = collect(t, &TopN{Input: &Values{Out: schema, Records: recs}, Keys: keys, Limit: 1 << 62}, &Exec{Mem: mem})
		checkRows(t, recs, got, expectSorted(rows, keys))
	})
	t.Run("empty input", func(t *testing.T) {
		assert.Empty(t, collect(t, &TopN{Input: &Values{Out: schema}, Keys: keys, Limit: 5}, &Exec{Mem: mem}))
	})
	t.Run("no limit", func(t *testing.T) {
		got := collect(t, &TopN{Input: &Values{Out: schema, Records: recs}, Keys: keys, Limit: -1, Offset: 45}, &Exec{Mem: mem})
		checkRows(t, recs, got, expectSorted(rows, keys)[45:])
	})
	t.Run("negative offset", func(t *testing.T) {
		_, err := (&TopN{Input: &Values{Out: schema}, Keys: keys, Limit: 1, Offset: -1}).Open(context.Background(), &Exec{})
		assert.Error(t, err)
	})
}

func TestTopNMemoryLimitAndCancel(t *testing.T) {
	mem := newMem(t)
	schema, _, recs := sortInput(mem, sortGens[9], 2000, 1)
	defer releaseAllRecs(recs)
	keys := []SortKey{{Col: 1}}

	x := &Exec{Mem: mem, MemoryLimit: 4 << 10}
	s, err := (&TopN{Input: &Values{Out: schema, Records: recs}, Keys: keys, Limit: 1000}).Open(context.Background(), x)
	require.NoError(t, err)
	_, err = s.Next()
	var mle *MemoryLimitError
	require.ErrorAs(t, err, &mle)
	assert.Equal(t, "top-n", mle.Operator)
	require.NoError(t, s.Close())
	assert.Zero(t, x.Reserved())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &source{schema: schema, recs: recs, cancel: cancel, cancelAfter: 3}
	x = &Exec{Mem: mem}
	s, err = (&TopN{Input: src, Keys: keys, Limit: 10}).Open(ctx, x)
	require.NoError(t, err)
	_, err = s.Next()
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, s.Close())
	assert.Zero(t, x.Reserved())
	assert.Equal(t, int32(1), src.closed.Load())
}
