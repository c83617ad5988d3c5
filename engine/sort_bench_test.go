package engine

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// sortBenchInput makes rows rows of (key, payload) with random keys:
// int64s, strings that differ early, or strings sharing a long prefix.
func sortBenchInput(mem memory.Allocator, kind string, rows int, seed uint64) (*arrow.Schema, []arrow.Record) {
	r := rand.New(rand.NewPCG(seed, 1))
	keyType := arrow.DataType(arrow.BinaryTypes.String)
	if kind == "int64" {
		keyType = arrow.PrimitiveTypes.Int64
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: keyType},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	var recs []arrow.Record
	for lo := 0; lo < rows; lo += DefaultBatchSize {
		hi := min(lo+DefaultBatchSize, rows)
		b := array.NewRecordBuilder(mem, schema)
		for i := lo; i < hi; i++ {
			switch kb := b.Field(0).(type) {
			case *array.Int64Builder:
				kb.Append(r.Int64())
			case *array.StringBuilder:
				if kind == "string" {
					kb.Append(fmt.Sprintf("%016x", r.Uint64()))
				} else {
					kb.Append(fmt.Sprintf("customer#%09d", r.IntN(rows)))
				}
			}
			b.Field(1).(*array.Int64Builder).Append(int64(i))
		}
		recs = append(recs, b.NewRecord())
		b.Release()
	}
	return schema, recs
}

// BenchmarkSort sorts 1M rows by one key.
func BenchmarkSort(b *testing.B) {
	const rows = 1 << 20
	for _, kind := range []string{"int64", "string", "string-common-prefix"} {
		b.Run(kind, func(b *testing.B) {
			mem := memory.NewGoAllocator()
			schema, recs := sortBenchInput(mem, kind, rows, 1)
			defer releaseBatches(recs)
			op := &Sort{Input: &Values{Out: schema, Records: recs}, Keys: []SortKey{{Col: 0}}}
			b.ResetTimer()
			for range b.N {
				if n := drainCount(b, op, &Exec{Mem: mem}); n != rows {
					b.Fatalf("got %d rows", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
		})
	}
}

// repeatOp yields its batches over and over, times times.
type repeatOp struct {
	schema *arrow.Schema
	recs   []arrow.Record
	times  int
}

func (o *repeatOp) Schema() *arrow.Schema { return o.schema }
func (o *repeatOp) Children() []Operator  { return nil }
func (o *repeatOp) Describe() string      { return "repeat" }

func (o *repeatOp) Open(context.Context, *Exec) (Stream, error) { return &repeatStream{o: o}, nil }

type repeatStream struct {
	o *repeatOp
	i int
}

func (s *repeatStream) Next() (arrow.Record, error) {
	if s.i >= len(s.o.recs)*s.o.times {
		return nil, io.EOF
	}
	r := s.o.recs[s.i%len(s.o.recs)]
	s.i++
	r.Retain()
	return r, nil
}

func (s *repeatStream) Close() error { return nil }

// BenchmarkTopN finds the first 100 of 10M rows.
func BenchmarkTopN(b *testing.B) {
	const distinct, times = 1 << 20, 10
	for _, kind := range []string{"int64", "string"} {
		for _, desc := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/desc=%v", kind, desc), func(b *testing.B) {
				mem := memory.NewGoAllocator()
				schema, recs := sortBenchInput(mem, kind, distinct, 2)
				defer releaseBatches(recs)
				op := &TopN{
					Input: &repeatOp{schema: schema, recs: recs, times: times},
					Keys:  []SortKey{{Col: 0, Desc: desc}}, Limit: 100,
				}
				b.ResetTimer()
				for range b.N {
					if n := drainCount(b, op, &Exec{Mem: mem}); n != 100 {
						b.Fatalf("got %d rows", n)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(distinct*times), "ns/row")
			})
		}
	}
}
