package engine

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// benchRows is the number of input rows of BenchmarkHashAggregate.
const benchRows = 10_000_000

// benchInput makes rows of (k1 int64, k2 int32, s string, v int64, f
// float64, flag string) in batches of DefaultBatchSize rows: k1 has about
// keys1 distinct values (or, for keys1 < 0, is the row number divided by
// -keys1, as in a table sorted by k1), k2 1000, s is one of strs and flag
// "A" or "R".
func benchInput(mem memory.Allocator, rows, keys1 int, strs []string) (*arrow.Schema, []arrow.Record) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k1", Type: arrow.PrimitiveTypes.Int64},
		{Name: "k2", Type: arrow.PrimitiveTypes.Int32},
		{Name: "s", Type: arrow.BinaryTypes.String},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "flag", Type: arrow.BinaryTypes.String},
	}, nil)
	r := rand.New(rand.NewPCG(1, 2))
	var recs []arrow.Record
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for done := 0; done < rows; {
		n := min(DefaultBatchSize, rows-done)
		k1 := b.Field(0).(*array.Int64Builder)
		k2 := b.Field(1).(*array.Int32Builder)
		s := b.Field(2).(*array.StringBuilder)
		v := b.Field(3).(*array.Int64Builder)
		f := b.Field(4).(*array.Float64Builder)
		flag := b.Field(5).(*array.StringBuilder)
		for i := range n {
			if keys1 < 0 {
				k1.Append(int64((done + i) / -keys1))
			} else {
				k1.Append(r.Int64N(int64(keys1)))
			}
			k2.Append(r.Int32N(1000))
			s.Append(strs[r.IntN(len(strs))])
			v.Append(r.Int64N(1 << 40))
			f.Append(r.Float64())
			flag.Append([]string{"A", "R"}[r.IntN(2)])
		}
		recs = append(recs, b.NewRecord())
		done += n
	}
	return schema, recs
}

func BenchmarkHashAggregate(b *testing.B) {
	strs100 := make([]string, 100)
	for i := range strs100 {
		strs100[i] = fmt.Sprintf("segment-%03d", i)
	}
	cases := []struct {
		name  string
		keys  []string
		keys1 int
		strs  []string
	}{
		{"no keys", nil, 1, []string{"x"}},
		{"string key 4 groups", []string{"s"}, 1, []string{"AIR", "MAIL", "SHIP", "TRUCK"}},
		{"int64 key 1M groups", []string{"k1"}, 1 << 20, []string{"x"}},
		{"sorted int64 key 2.5M groups", []string{"k1"}, -4, []string{"x"}},
		{"int32 and string keys 100K groups", []string{"k2", "s"}, 1, strs100},
	}
	mem := memory.NewGoAllocator()
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			schema, recs := benchInput(mem, benchRows, tc.keys1, tc.strs)
			defer releaseRecords(recs)
			aggs := []Aggregate{
				agg(b, schema, AggCount, -1, false),
				agg(b, schema, AggSum, 3, false),
				agg(b, schema, AggAvg, 4, false),
			}
			op := newAggregate(schema, recs, columnIndexes(schema, tc.keys...), aggs)
			for _, par := range []int{1, 2} {
				b.Run(fmt.Sprintf("par=%d", par), func(b *testing.B) {
					groups := 0
					cpu := processCPU()
					for b.Loop() {
						groups = 0
						rr, err := Run(context.Background(), op, &Exec{Mem: mem, Parallelism: par})
						if err != nil {
							b.Fatal(err)
						}
						for rr.Next() {
							groups += int(rr.Record().NumRows())
						}
						if err := rr.Err(); err != nil {
							b.Fatal(err)
						}
						rr.Release()
					}
					reportRows(b, cpu)
					b.ReportMetric(float64(groups), "groups")
				})
			}
		})
	}
}

// BenchmarkGroupTable measures the group tables alone: finding the groups
// of benchRows keys, in batches.
func BenchmarkGroupTable(b *testing.B) {
	long := make([]string, 1<<20)
	for i := range long {
		long[i] = fmt.Sprintf("customer#%09d", i)
	}
	short := make([]string, 100)
	for i := range short {
		short[i] = fmt.Sprintf("seg-%02d", i)
	}
	cases := []struct {
		name  string
		keys  []string
		keys1 int
		strs  []string
	}{
		{"int64 4 groups", []string{"k1"}, 4, []string{"x"}},
		{"int64 1M groups", []string{"k1"}, 1 << 20, []string{"x"}},
		{"short string 4 groups", []string{"s"}, 1, []string{"AIR", "MAIL", "SHIP", "TRUCK"}},
		{"long string 4 groups", []string{"s"}, 1, long[:4]},
		{"long string 1M groups", []string{"s"}, 1, long},
		{"int32 and string 100K groups", []string{"k2", "s"}, 1, short},
		{"two strings 4 groups", []string{"s", "flag"}, 1, []string{"F", "O"}},
	}
	mem := memory.NewGoAllocator()
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			schema, recs := benchInput(mem, benchRows, tc.keys1, tc.strs)
			defer releaseRecords(recs)
			keys := columnIndexes(schema, tc.keys...)
			types := make([]arrow.DataType, len(keys))
			for i, k := range keys {
				types[i] = schema.Field(k).Type
			}
			ids := make([]int32, DefaultBatchSize)
			cols := make([]arrow.Array, len(keys))
			cpu := processCPU()
			for b.Loop() {
				t, err := newGroupTable(types, maphash.MakeSeed())
				if err != nil {
					b.Fatal(err)
				}
				for _, rec := range recs {
					for i, k := range keys {
						cols[i] = rec.Column(k)
					}
					if err := t.find(cols, ids[:rec.NumRows()]); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportRows(b, cpu)
		})
	}
}

// reportRows reports the rows per second (wall time) and the CPU time
// per row of a benchmark that read benchRows rows per iteration; cpu is
// processCPU() at the start.
func reportRows(b *testing.B, cpu time.Duration) {
	rows := float64(benchRows) * float64(b.N)
	b.ReportMetric(rows/b.Elapsed().Seconds()/1e6, "Mrows/s")
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/rows, "cpu-ns/row")
	}
}
