package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cmpRowsOracle orders rows by keys the way SQL does, with the tests' own
// value comparison.
func cmpRowsOracle(a, b []any, keys []SortKey) int {
	for _, k := range keys {
		av, bv := a[k.Col], b[k.Col]
		var c int
		switch {
		case av == nil && bv == nil:
			c = 0
		case av == nil:
			c = 1
			if k.NullsFirst {
				c = -1
			}
		case bv == nil:
			c = -1
			if k.NullsFirst {
				c = 1
			}
		default:
			c = cmpValues(av, bv)
			if k.Desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// sortInput makes n rows of (id, key of gen, small int32 second key) and
// cuts them into batches of varied sizes.
func sortInput(mem memory.Allocator, gen valueGen, n int, seed uint64) (*arrow.Schema, [][]any, []arrow.Record) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "k", Type: gen.typ, Nullable: true},
		{Name: "k2", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	r := rand.New(rand.NewPCG(seed, 99))
	k2 := valueGen{typ: arrow.PrimitiveTypes.Int32, nullPct: 20, gen: func(r *rand.Rand) any { return int32(r.IntN(3)) }}
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{int64(i), gen.value(r), k2.value(r)}
	}
	return schema, rows, makeBatches(mem, schema, rows, 1, 37, 0, 64, 200)
}

// expectSorted returns the oracle's order of rows as id strings.
func expectSorted(rows [][]any, keys []SortKey) []string {
	sorted := append([][]any(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return cmpRowsOracle(sorted[i], sorted[j], keys) < 0 })
	ids := make([]string, len(sorted))
	for i, r := range sorted {
		ids[i] = strconv.FormatInt(r[0].(int64), 10)
	}
	return ids
}

// checkRows asserts that got lists whole input rows (looked up by the id in
// column 0) in the order of wantIDs.
func checkRows(t *testing.T, input []arrow.Record, got [][]string, wantIDs []string) {
	t.Helper()
	byID := map[string][]string{}
	for _, r := range rowStrings(input...) {
		byID[r[0]] = r
	}
	ids := make([]string, len(got))
	for i, r := range got {
		ids[i] = r[0]
		require.Equal(t, byID[r[0]], r, "row %d", i)
	}
	require.Equal(t, wantIDs, ids)
}

func sortKeySets(desc, nullsFirst bool) map[string][]SortKey {
	return map[string][]SortKey{
		"one key": {{Col: 1, Desc: desc, NullsFirst: nullsFirst}},
		"two keys": {
			{Col: 2, Desc: !desc, NullsFirst: !nullsFirst},
			{Col: 1, Desc: desc, NullsFirst: nullsFirst},
		},
		"then id": {{Col: 1, Desc: desc, NullsFirst: nullsFirst}, {Col: 2, Desc: desc}, {Col: 0, Desc: true}},
	}
}

func TestSortMatchesStableSort(t *testing.T) {
	for _, gen := range sortGens {
		for _, n := range []int{0, 1, 40, 700} {
			for _, dir := range []struct{ desc, nullsFirst bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
				for name, keys := range sortKeySets(dir.desc, dir.nullsFirst) {
					t.Run(fmt.Sprintf("%s/%d/desc=%v,nullsFirst=%v/%s", gen.name, n, dir.desc, dir.nullsFirst, name), func(t *testing.T) {
						mem := newMem(t)
						schema, rows, recs := sortInput(mem, gen, n, uint64(n))
						defer releaseAllRecs(recs)
						x := &Exec{Mem: mem, BatchSize: 50}
						got := collect(t, &Sort{Input: &Values{Out: schema, Records: recs}, Keys: keys}, x)
						checkRows(t, recs, got, expectSorted(rows, keys))
						assert.Zero(t, x.Reserved())
					})
				}
			}
		}
	}
}

// TestSortPrefixTies sorts strings and decimals whose prefixes collide, so
// that the tie-breaking pass decides the order.
func TestSortPrefixTies(t *testing.T) {
	gens := []valueGen{
		{"long strings", arrow.BinaryTypes.String, 5, func(r *rand.Rand) any {
			return fmt.Sprintf("customer#%06d", r.IntN(50))
		}},
		{"zero bytes", arrow.BinaryTypes.String, 5, func(r *rand.Rand) any {
			return string(make([]byte, r.IntN(12)))
		}},
		// Past the depth at which the radix sort hands over to comparisons.
		{"very long prefixes", arrow.BinaryTypes.LargeString, 5, func(r *rand.Rand) any {
			return strings.Repeat("p", 60+r.IntN(3)) + strconv.Itoa(r.IntN(20))
		}},
		{"wide decimals", decType, 5, func(r *rand.Rand) any {
			hi := int64(r.IntN(3) - 1)
			return decimal128.New(hi, uint64(r.IntN(3))<<62)
		}},
	}
	for _, gen := range gens {
		t.Run(gen.name, func(t *testing.T) {
			mem := newMem(t)
			schema, rows, recs := sortInput(mem, gen, 3000, 5)
			defer releaseAllRecs(recs)
			for _, keys := range sortKeySets(true, false) {
				got := collect(t, &Sort{Input: &Values{Out: schema, Records: recs}, Keys: keys}, &Exec{Mem: mem})
				checkRows(t, recs, got, expectSorted(rows, keys))
			}
		})
	}
}

func TestSortRejectsBadKeys(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	for name, keys := range map[string][]SortKey{
		"list":         {{Col: 0}},
		"out of range": {{Col: 2}},
		"negative":     {{Col: -1}},
		"none":         nil,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := (&Sort{Input: &Values{Out: schema}, Keys: keys}).Open(context.Background(), &Exec{})
			assert.Error(t, err)
			_, err = (&TopN{Input: &Values{Out: schema}, Keys: keys, Limit: 1}).Open(context.Background(), &Exec{})
			assert.Error(t, err)
		})
	}
}

func TestSortDescribe(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.BinaryTypes.String}}, nil)
	in := &Values{Out: schema}
	assert.Equal(t, "Sort by b DESC, a NULLS FIRST", (&Sort{Input: in, Keys: []SortKey{{Col: 1, Desc: true}, {Col: 0, NullsFirst: true}}}).Describe())
	assert.Equal(t, "TopN 10 offset 5 by a", (&TopN{Input: in, Keys: []SortKey{{Col: 0}}, Limit: 10, Offset: 5}).Describe())
}

func TestSortMemoryLimit(t *testing.T) {
	mem := newMem(t)
	schema, _, recs := sortInput(mem, sortGens[9], 5000, 1) // strings
	defer releaseAllRecs(recs)
	op := &Sort{Input: &Values{Out: schema, Records: recs}, Keys: []SortKey{{Col: 1}}}

	x := &Exec{Mem: mem, MemoryLimit: 32 << 10}
	s, err := op.Open(context.Background(), x)
	require.NoError(t, err)
	_, err = s.Next()
	require.ErrorIs(t, err, ErrMemoryLimit)
	var mle *MemoryLimitError
	require.ErrorAs(t, err, &mle)
	assert.Equal(t, "sort", mle.Operator)
	require.NoError(t, s.Close())
	assert.Zero(t, x.Reserved(), "a failed sort gives back what it reserved")

	// With room, it runs and gives its memory back, also when closed early.
	x = &Exec{Mem: mem, BatchSize: 100}
	s, err = op.Open(context.Background(), x)
	require.NoError(t, err)
	rec, err := s.Next()
	require.NoError(t, err)
	rec.Release()
	assert.Positive(t, x.Reserved())
	require.NoError(t, s.Close())
	assert.Zero(t, x.Reserved())
}

func TestSortCancel(t *testing.T) {
	mem := newMem(t)
	schema, _, recs := sortInput(mem, sortGens[3], 1000, 1)
	defer releaseAllRecs(recs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &source{schema: schema, recs: recs, cancel: cancel, cancelAfter: 2}
	x := &Exec{Mem: mem}
	s, err := (&Sort{Input: src, Keys: []SortKey{{Col: 1}}}).Open(ctx, x)
	require.NoError(t, err)
	_, err = s.Next()
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, s.Close())
	assert.Zero(t, x.Reserved())
	assert.Equal(t, int32(1), src.closed.Load())
}
