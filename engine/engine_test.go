package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memPartition serves records from memory, like a connector partition.
type memPartition struct{ recs []arrow.Record }

func (p memPartition) Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return array.NewRecordReader(p.recs[0].Schema(), p.recs)
}

var kvSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// kvRecord builds a record; a nil key is NULL.
func kvRecord(mem memory.Allocator, keys []*int64, vals []string) arrow.Record {
	b := array.NewRecordBuilder(mem, kvSchema)
	defer b.Release()
	kb := b.Field(0).(*array.Int64Builder)
	vb := b.Field(1).(*array.StringBuilder)
	for i, k := range keys {
		if k == nil {
			kb.AppendNull()
		} else {
			kb.Append(*k)
		}
		vb.Append(vals[i])
	}
	return b.NewRecord()
}

func drain(t *testing.T, op Operator, x *Exec) [][]string {
	t.Helper()
	rr, err := Run(context.Background(), op, x)
	require.NoError(t, err)
	defer rr.Release()
	var rows [][]string
	for rr.Next() {
		rec := rr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				col := rec.Column(c)
				if col.IsNull(i) {
					row[c] = "NULL"
				} else {
					row[c] = col.ValueStr(i)
				}
			}
			rows = append(rows, row)
		}
	}
	require.NoError(t, rr.Err())
	return rows
}

func sortRows(rows [][]string) {
	sort.Slice(rows, func(i, j int) bool { return fmt.Sprint(rows[i]) < fmt.Sprint(rows[j]) })
}

func TestHashJoinMatchesNestedLoop(t *testing.T) {
	for _, jt := range []JoinType{InnerJoin, LeftJoin} {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/%d", jt, seed), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rng := rand.New(rand.NewPCG(seed, 7))
				gen := func(n int, prefix string) ([]*int64, []string) {
					keys := make([]*int64, n)
					vals := make([]string, n)
					for i := range keys {
						if rng.IntN(10) > 0 {
							k := int64(rng.IntN(20))
							keys[i] = &k
						}
						vals[i] = fmt.Sprintf("%s%d", prefix, i)
					}
					return keys, vals
				}
				var probeRecs, buildRecs []arrow.Record
				var pk, bk []*int64
				var pv, bv []string
				for range 3 {
					k, v := gen(rng.IntN(50), "p")
					for i := range v {
						v[i] += fmt.Sprint(len(pv))
					}
					probeRecs = append(probeRecs, kvRecord(mem, k, v))
					pk, pv = append(pk, k...), append(pv, v...)
					k, v = gen(rng.IntN(30), "b")
					for i := range v {
						v[i] += fmt.Sprint(len(bv))
					}
					buildRecs = append(buildRecs, kvRecord(mem, k, v))
					bk, bv = append(bk, k...), append(bv, v...)
				}
				defer func() {
					for _, r := range append(probeRecs, buildRecs...) {
						r.Release()
					}
				}()
				j := &HashJoin{
					Probe:     &Values{Out: kvSchema, Records: probeRecs},
					Build:     &Values{Out: kvSchema, Records: buildRecs},
					ProbeKeys: []int{0}, BuildKeys: []int{0}, Type: jt,
					Out: JoinOutput(kvSchema, kvSchema, jt),
				}
				got := drain(t, j, &Exec{Mem: mem, BatchSize: 7})

				var want [][]string
				str := func(k *int64) string {
					if k == nil {
						return "NULL"
					}
					return fmt.Sprint(*k)
				}
				for i := range pk {
					matched := false
					for j := range bk {
						if pk[i] != nil && bk[j] != nil && *pk[i] == *bk[j] {
							want = append(want, []string{str(pk[i]), pv[i], str(bk[j]), bv[j]})
							matched = true
						}
					}
					if !matched && jt == LeftJoin {
						want = append(want, []string{str(pk[i]), pv[i], "NULL", "NULL"})
					}
				}
				sortRows(got)
				sortRows(want)
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestHashJoinEmptyBuild(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	one := int64(1)
	probe := kvRecord(mem, []*int64{&one, nil}, []string{"a", "b"})
	defer probe.Release()
	for jt, want := range map[JoinType]int{InnerJoin: 0, LeftJoin: 2} {
		j := &HashJoin{
			Probe:     &Values{Out: kvSchema, Records: []arrow.Record{probe}},
			Build:     &Values{Out: kvSchema},
			ProbeKeys: []int{0}, BuildKeys: []int{0}, Type: jt,
			Out: JoinOutput(kvSchema, kvSchema, jt),
		}
		rows := drain(t, j, &Exec{Mem: mem})
		assert.Len(t, rows, want, jt.String())
		for _, r := range rows {
			assert.Equal(t, []string{"NULL", "NULL"}, r[2:])
		}
	}
}

func TestScanKeepsPartitionOrder(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var parts []Partition
	var all []arrow.Record
	var want [][]string
	for p := range 9 {
		var recs []arrow.Record
		for b := range 3 {
			k := int64(p*10 + b)
			recs = append(recs, kvRecord(mem, []*int64{&k}, []string{"x"}))
			want = append(want, []string{fmt.Sprint(k), "x"})
		}
		all = append(all, recs...)
		parts = append(parts, memPartition{recs})
	}
	defer func() {
		for _, r := range all {
			r.Release()
		}
	}()
	scan := &Scan{Table: "t", Out: kvSchema, Parts: parts}
	for _, par := range []int{1, 2, 4} {
		assert.Equal(t, want, drain(t, scan, &Exec{Mem: mem, Parallelism: par}))
	}
}

func TestScanStopsOnCancelAndClose(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var parts []Partition
	var all []arrow.Record
	for p := range 20 {
		var recs []arrow.Record
		for range 5 {
			k := int64(p)
			recs = append(recs, kvRecord(mem, []*int64{&k}, []string{"x"}))
		}
		all = append(all, recs...)
		parts = append(parts, memPartition{recs})
	}
	defer func() {
		for _, r := range all {
			r.Release()
		}
	}()
	scan := &Scan{Table: "t", Out: kvSchema, Parts: parts}

	// Closing after one batch frees everything read ahead.
	s, err := scan.Open(context.Background(), &Exec{Mem: mem, Parallelism: 2})
	require.NoError(t, err)
	rec, err := s.Next()
	require.NoError(t, err)
	rec.Release()
	require.NoError(t, s.Close())

	// Cancelling ends the stream with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	s, err = scan.Open(ctx, &Exec{Mem: mem, Parallelism: 2})
	require.NoError(t, err)
	rec, err = s.Next()
	require.NoError(t, err)
	rec.Release()
	cancel()
	for {
		rec, err = s.Next()
		if err != nil {
			break
		}
		rec.Release()
	}
	assert.True(t, errors.Is(err, context.Canceled) || errors.Is(err, io.EOF), "got %v", err)
	require.NoError(t, s.Close())
}

func TestLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.Record
	for b := range 4 {
		var keys []*int64
		var vals []string
		for i := range 5 {
			k := int64(b*5 + i)
			keys = append(keys, &k)
			vals = append(vals, "v")
		}
		recs = append(recs, kvRecord(mem, keys, vals))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, tc := range []struct {
		off, n    int64
		first, ct int
	}{{0, 3, 0, 3}, {4, 3, 4, 3}, {7, 100, 7, 13}, {0, 0, 0, 0}, {18, -1, 18, 2}, {25, 5, 0, 0}} {
		rows := drain(t, &Limit{Input: &Values{Out: kvSchema, Records: recs}, Offset: tc.off, Count: tc.n}, &Exec{Mem: mem})
		require.Len(t, rows, tc.ct, "%+v", tc)
		for i, r := range rows {
			assert.Equal(t, fmt.Sprint(tc.first+i), r[0])
		}
	}
}

func TestHashJoinMemoryLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var keys []*int64
	var vals []string
	for i := range 1000 {
		k := int64(i)
		keys = append(keys, &k)
		vals = append(vals, "some value that takes room")
	}
	rec := kvRecord(mem, keys, vals)
	defer rec.Release()
	j := &HashJoin{
		Probe:     &Values{Out: kvSchema, Records: []arrow.Record{rec}},
		Build:     &Values{Out: kvSchema, Records: []arrow.Record{rec}},
		ProbeKeys: []int{0}, BuildKeys: []int{0}, Type: InnerJoin,
		Out: JoinOutput(kvSchema, kvSchema, InnerJoin),
	}
	x := &Exec{Mem: mem, MemoryLimit: 4 << 10}
	rr, err := Run(context.Background(), j, x)
	require.NoError(t, err)
	for rr.Next() {
	}
	var mle *MemoryLimitError
	require.ErrorAs(t, rr.Err(), &mle)
	assert.ErrorIs(t, rr.Err(), ErrMemoryLimit)
	assert.Equal(t, "hash join build side", mle.Operator)
	assert.Contains(t, rr.Err().Error(), "4.0 KiB")
	rr.Release()
	assert.Zero(t, x.Reserved(), "a failed build releases what it reserved")

	// With room, the same join runs and gives its memory back.
	x = &Exec{Mem: mem}
	rows := drain(t, j, x)
	assert.Len(t, rows, 1000)
	assert.Zero(t, x.Reserved())
}
