package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
)

// Helpers shared by the sort, top-N, union and join tests. Rows are held as
// []any, nil standing for NULL, and turned into Arrow batches by appendValue.

// valueGen makes random values of one Arrow type, NULL with probability
// nullPct/100.
type valueGen struct {
	name    string
	typ     arrow.DataType
	nullPct int
	gen     func(r *rand.Rand) any
}

func (g valueGen) value(r *rand.Rand) any {
	if r.IntN(100) < g.nullPct {
		return nil
	}
	return g.gen(r)
}

var decType = &arrow.Decimal128Type{Precision: 38, Scale: 2}

// sortGens cover every sort key type, with many ties and the edge values
// of each (NaN, -0, infinities, huge decimals, long strings with common
// prefixes, embedded zero bytes).
var sortGens = []valueGen{
	{"int8", arrow.PrimitiveTypes.Int8, 15, func(r *rand.Rand) any { return int8(r.IntN(256) - 128) }},
	{"int16", arrow.PrimitiveTypes.Int16, 15, func(r *rand.Rand) any { return int16(r.IntN(21) - 10) }},
	{"int32", arrow.PrimitiveTypes.Int32, 15, func(r *rand.Rand) any { return int32(r.IntN(21) - 10) }},
	{"int64", arrow.PrimitiveTypes.Int64, 15, func(r *rand.Rand) any {
		switch r.IntN(10) {
		case 0:
			return int64(math.MinInt64)
		case 1:
			return int64(math.MaxInt64)
		}
		return int64(r.IntN(41) - 20)
	}},
	{"uint8", arrow.PrimitiveTypes.Uint8, 15, func(r *rand.Rand) any { return uint8(r.IntN(256)) }},
	{"uint64", arrow.PrimitiveTypes.Uint64, 15, func(r *rand.Rand) any {
		if r.IntN(5) == 0 {
			return math.MaxUint64 - uint64(r.IntN(3))
		}
		return uint64(r.IntN(20))
	}},
	{"float32", arrow.PrimitiveTypes.Float32, 15, func(r *rand.Rand) any { return float32(floatEdge(r)) }},
	{"float64", arrow.PrimitiveTypes.Float64, 15, func(r *rand.Rand) any { return floatEdge(r) }},
	{"decimal", decType, 15, func(r *rand.Rand) any {
		v := decimal128.FromI64(int64(r.IntN(41) - 20))
		switch r.IntN(6) {
		case 0: // beyond int64
			return v.Mul(decimal128.FromU64(math.MaxUint64))
		case 1:
			return decimal128.FromI64(math.MinInt64 + int64(r.IntN(2)))
		}
		return v
	}},
	{"string", arrow.BinaryTypes.String, 15, stringEdge},
	{"large_string", arrow.BinaryTypes.LargeString, 15, stringEdge},
	{"binary", arrow.BinaryTypes.Binary, 15, func(r *rand.Rand) any { return []byte(stringEdge(r).(string)) }},
	{"date32", arrow.FixedWidthTypes.Date32, 15, func(r *rand.Rand) any { return arrow.Date32(r.IntN(41) - 20) }},
	{"timestamp", &arrow.TimestampType{Unit: arrow.Microsecond}, 15, func(r *rand.Rand) any {
		return arrow.Timestamp(int64(r.IntN(41)-20) * 1_000_000_000)
	}},
	{"bool", arrow.FixedWidthTypes.Boolean, 15, func(r *rand.Rand) any { return r.IntN(2) == 0 }},
}

func floatEdge(r *rand.Rand) float64 {
	switch r.IntN(12) {
	case 0:
		return math.NaN()
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return math.Inf(1)
	case 3:
		return math.Inf(-1)
	case 4:
		return 0
	}
	return float64(r.IntN(21)-10) / 4
}

func stringEdge(r *rand.Rand) any {
	parts := []string{"", "a", "a\x00", "ab", "b", "abcdefg", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgz", "customer#0001", "customer#0002", "\xff", "Z"}
	return parts[r.IntN(len(parts))]
}

// cmpValues is the tests' own SQL ordering of two non-NULL values of one
// type, written independently of the engine's.
func cmpValues(a, b any) int {
	switch a := a.(type) {
	case int8:
		return cmpInt(int64(a), int64(b.(int8)))
	case int16:
		return cmpInt(int64(a), int64(b.(int16)))
	case int32:
		return cmpInt(int64(a), int64(b.(int32)))
	case int64:
		return cmpInt(a, b.(int64))
	case uint8:
		return cmpInt(int64(a), int64(b.(uint8)))
	case uint64:
		bb := b.(uint64)
		switch {
		case a < bb:
			return -1
		case a > bb:
			return 1
		}
		return 0
	case float32:
		return cmpFloat(float64(a), float64(b.(float32)))
	case float64:
		return cmpFloat(a, b.(float64))
	case decimal128.Num:
		return a.BigInt().Cmp(b.(decimal128.Num).BigInt())
	case string:
		return strings.Compare(a, b.(string))
	case []byte:
		return strings.Compare(string(a), string(b.([]byte)))
	case arrow.Date32:
		return cmpInt(int64(a), int64(b.(arrow.Date32)))
	case arrow.Timestamp:
		return cmpInt(int64(a), int64(b.(arrow.Timestamp)))
	case bool:
		bb := b.(bool)
		switch {
		case a == bb:
			return 0
		case bb:
			return -1
		}
		return 1
	}
	panic(fmt.Sprintf("cmpValues: %T", a))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpFloat orders floats with NaN above everything and -0 equal to 0.
func cmpFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// keyEqualValues is SQL equality of two non-NULL join keys (NaN equal to
// NaN, as DuckDB has it).
func keyEqualValues(a, b any) bool { return cmpValues(a, b) == 0 }

// appendValue appends v (nil for NULL) to a builder.
func appendValue(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(v.(int8))
	case *array.Int16Builder:
		b.Append(v.(int16))
	case *array.Int32Builder:
		b.Append(v.(int32))
	case *array.Int64Builder:
		b.Append(v.(int64))
	case *array.Uint8Builder:
		b.Append(v.(uint8))
	case *array.Uint64Builder:
		b.Append(v.(uint64))
	case *array.Float32Builder:
		b.Append(v.(float32))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case *array.Decimal128Builder:
		b.Append(v.(decimal128.Num))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.LargeStringBuilder:
		b.Append(v.(string))
	case *array.BinaryBuilder:
		b.Append(v.([]byte))
	case *array.Date32Builder:
		b.Append(v.(arrow.Date32))
	case *array.TimestampBuilder:
		b.Append(v.(arrow.Timestamp))
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	default:
		panic(fmt.Sprintf("appendValue: %T", b))
	}
}

// makeBatches cuts rows into batches of the given sizes (cycling through
// them; a size of 0 makes an empty batch). Each batch is a slice of a
// larger record, with a junk row before and after, so that operators meet
// arrays with offsets.
func makeBatches(mem memory.Allocator, schema *arrow.Schema, rows [][]any, sizes ...int) []arrow.Record {
	var recs []arrow.Record
	for at, k := 0, 0; at < len(rows) || k == 0; k++ {
		n := min(sizes[k%len(sizes)], len(rows)-at)
		b := array.NewRecordBuilder(mem, schema)
		batch := rows[at : at+n]
		if len(rows) > 0 {
			junk := rows[(at+n)%len(rows)]
			batch = append(append([][]any{junk}, batch...), junk)
		}
		for _, row := range batch {
			for c, v := range row {
				appendValue(b.Field(c), v)
			}
		}
		rec := b.NewRecord()
		b.Release()
		if len(rows) > 0 {
			sliced := rec.NewSlice(1, int64(n)+1)
			rec.Release()
			rec = sliced
		}
		recs = append(recs, rec)
		at += n
		if len(rows) == 0 {
			break
		}
	}
	return recs
}

// rowStrings renders every row of the batches as strings, NULL as "NULL".
func rowStrings(recs ...arrow.Record) [][]string {
	var rows [][]string
	for _, rec := range recs {
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
	return rows
}

// collect runs op to the end and returns its rows as strings, checking
// that batches are non-empty and no larger than the batch size.
func collect(t *testing.T, op Operator, x *Exec) [][]string {
	t.Helper()
	s, err := op.Open(context.Background(), x)
	require.NoError(t, err)
	defer s.Close()
	var rows [][]string
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.True(t, rec.Schema().Equal(op.Schema()), "batch schema %s, operator schema %s", rec.Schema(), op.Schema())
		require.Positive(t, rec.NumRows(), "empty batch")
		rows = append(rows, rowStrings(rec)...)
		rec.Release()
	}
	require.NoError(t, s.Close())
	return rows
}

func newMem(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// source is a test input: it yields its batches, checks its context before
// each, calls cancel (when set) after yielding cancelAfter batches, counts
// how often it was opened and closed, and can fail on open.
type source struct {
	schema      *arrow.Schema
	recs        []arrow.Record
	cancel      context.CancelFunc
	cancelAfter int
	failOpen    bool
	opened      atomic.Int32
	closed      atomic.Int32
}

func (s *source) Schema() *arrow.Schema { return s.schema }
func (s *source) Children() []Operator  { return nil }
func (s *source) Describe() string      { return "source" }

func (s *source) Open(ctx context.Context, _ *Exec) (Stream, error) {
	if s.failOpen {
		return nil, errors.New("source: open failed")
	}
	s.opened.Add(1)
	return &sourceStream{ctx: ctx, s: s}, nil
}

type sourceStream struct {
	ctx    context.Context
	s      *source
	i      int
	closed bool
}

func (st *sourceStream) Next() (arrow.Record, error) {
	if err := st.ctx.Err(); err != nil {
		return nil, err
	}
	if st.i >= len(st.s.recs) {
		return nil, io.EOF
	}
	r := st.s.recs[st.i]
	st.i++
	if st.s.cancel != nil && st.i == st.s.cancelAfter {
		st.s.cancel()
	}
	r.Retain()
	return r, nil
}

func (st *sourceStream) Close() error {
	if !st.closed {
		st.closed = true
		st.s.closed.Add(1)
	}
	return nil
}

func releaseAllRecs(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
