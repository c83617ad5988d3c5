package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// joinBenchInput builds rows rows of (key, payload) in batches of
// DefaultBatchSize; key(i) gives the key of row i.
func joinBenchInput(mem memory.Allocator, keyType arrow.DataType, rows int, key func(i int) int64) (*arrow.Schema, []arrow.Record) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: keyType, Nullable: true},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	var recs []arrow.Record
	for lo := 0; lo < rows; lo += DefaultBatchSize {
		hi := min(lo+DefaultBatchSize, rows)
		b := array.NewRecordBuilder(mem, schema)
		vb := b.Field(1).(*array.Int64Builder)
		switch kb := b.Field(0).(type) {
		case *array.Int64Builder:
			for i := lo; i < hi; i++ {
				kb.Append(key(i))
			}
		case *array.StringBuilder:
			for i := lo; i < hi; i++ {
				kb.Append(fmt.Sprintf("key-%08d", key(i)))
			}
		}
		for i := lo; i < hi; i++ {
			vb.Append(int64(i))
		}
		recs = append(recs, b.NewRecord())
		b.Release()
	}
	return schema, recs
}

// BenchmarkHashJoin joins 1M probe rows with 100k build rows on a unique
// build key, every probe row matching once.
func BenchmarkHashJoin(b *testing.B) {
	const probeRows, buildRows = 1 << 20, 100_000
	for _, kt := range []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String} {
		b.Run(kt.String(), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			rng := rand.New(rand.NewPCG(1, 2))
			ps, probe := joinBenchInput(mem, kt, probeRows, func(int) int64 { return rng.Int64N(buildRows) })
			bs, build := joinBenchInput(mem, kt, buildRows, func(i int) int64 { return int64(i) })
			defer releaseBatches(probe)
			defer releaseBatches(build)
			j := &HashJoin{
				Probe: &Values{Out: ps, Records: probe}, Build: &Values{Out: bs, Records: build},
				ProbeKeys: []int{0}, BuildKeys: []int{0}, Type: InnerJoin,
				Out: JoinOutput(ps, bs, InnerJoin),
			}
			b.ResetTimer()
			for range b.N {
				if n := drainCount(b, j, &Exec{Mem: mem}); n != probeRows {
					b.Fatalf("got %d rows, want %d", n, probeRows)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/probeRows, "ns/probe-row")
		})
	}
}

func releaseBatches(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}

// drainCount runs op and counts its rows.
func drainCount(b *testing.B, op Operator, x *Exec) int64 {
	s, err := op.Open(context.Background(), x)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n int64
	for {
		rec, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n
			}
			b.Fatal(err)
		}
		n += rec.NumRows()
		rec.Release()
	}
}

// BenchmarkJoinProbe measures the hash table's probe loop alone: 1M probe
// keys against 100k unique build keys, pairs collected a batch at a time.
func BenchmarkJoinProbe(b *testing.B) {
	const probeRows, buildRows = 1 << 20, 100_000
	for _, kt := range []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String} {
		b.Run(kt.String(), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			rng := rand.New(rand.NewPCG(1, 2))
			_, probe := joinBenchInput(mem, kt, probeRows, func(int) int64 { return rng.Int64N(buildRows) })
			_, build := joinBenchInput(mem, kt, buildRows, func(i int) int64 { return int64(i) })
			defer releaseBatches(probe)
			defer releaseBatches(build)
			bk, err := concatRecords(mem, build[0].Schema(), build)
			if err != nil {
				b.Fatal(err)
			}
			defer bk.Release()
			t, err := newJoinTable([]arrow.Array{bk.Column(0)})
			if err != nil {
				b.Fatal(err)
			}
			keys := make([]joinKeys, len(probe))
			for i, rec := range probe {
				if err := keys[i].load([]arrow.Array{rec.Column(0)}); err != nil {
					b.Fatal(err)
				}
				keys[i].hash(t.seed)
			}
			pi, bi := make([]int32, 0, DefaultBatchSize), make([]int32, 0, DefaultBatchSize)
			b.ResetTimer()
			for range b.N {
				n := 0
				for i := range keys {
					cur := probeCursor{chain: -2}
					for done := false; !done; {
						pi, bi, done = t.pairs(&keys[i], &cur, pi[:0], bi[:0], nil)
						n += len(pi)
					}
				}
				if n != probeRows {
					b.Fatalf("got %d pairs", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/probeRows, "ns/probe-row")
		})
	}
}
