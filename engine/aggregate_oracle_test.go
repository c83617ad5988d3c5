package engine

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// This file holds the brute-force oracle the aggregation tests check
// against: random columns as Go values (nil for NULL), grouped with a Go
// map and aggregated with math/big.

// aggColumn is a random test column.
type aggColumn struct {
	name string
	typ  arrow.DataType
	gen  func(r *rand.Rand) any // a non-NULL value
}

var (
	dec12 = &arrow.Decimal128Type{Precision: 12, Scale: 2}
	tsUS  = &arrow.TimestampType{Unit: arrow.Microsecond}
	words = []string{"", "a", "ab", "b", "hopsworks", "feature", "store", "zz", "Ä", "a\x00b"}
)

// aggColumns returns one column of every type aggregates accept; card
// bounds the number of distinct values of the key-like ones.
func aggColumns(card int) []aggColumn {
	return []aggColumn{
		{"i8", arrow.PrimitiveTypes.Int8, func(r *rand.Rand) any { return int64(int8(r.IntN(256) - 128)) }},
		{"i16", arrow.PrimitiveTypes.Int16, func(r *rand.Rand) any { return int64(r.IntN(2000) - 1000) }},
		{"i32", arrow.PrimitiveTypes.Int32, func(r *rand.Rand) any { return int64(r.IntN(card) - card/2) }},
		{"i64", arrow.PrimitiveTypes.Int64, func(r *rand.Rand) any {
			if r.IntN(3) == 0 {
				return int64(r.Uint64()) // sums leave int64
			}
			return int64(r.IntN(card))
		}},
		{"f32", arrow.PrimitiveTypes.Float32, func(r *rand.Rand) any { return float64(float32(r.IntN(800)-400) / 4) }},
		{"f64", arrow.PrimitiveTypes.Float64, func(r *rand.Rand) any {
			switch r.IntN(40) {
			case 0:
				return math.NaN()
			case 1:
				return math.Copysign(0, -1)
			}
			return float64(r.IntN(800)-400) / 4 // sums are exact in any order
		}},
		{"dec", dec12, func(r *rand.Rand) any { return big.NewInt(r.Int64N(2e11) - 1e11) }},
		{"s", arrow.BinaryTypes.String, func(r *rand.Rand) any {
			if r.IntN(4) == 0 {
				return fmt.Sprintf("w%d", r.IntN(card))
			}
			return words[r.IntN(len(words))]
		}},
		{"bin", arrow.BinaryTypes.Binary, func(r *rand.Rand) any { return words[r.IntN(len(words))] }},
		{"b", arrow.FixedWidthTypes.Boolean, func(r *rand.Rand) any { return r.IntN(3) == 0 }},
		{"d", arrow.FixedWidthTypes.Date32, func(r *rand.Rand) any { return int64(r.IntN(card) + 19000) }},
		{"ts", tsUS, func(r *rand.Rand) any { return r.Int64N(1e15) - 5e14 }},
	}
}

// aggData is a table of random values, column-major.
type aggData struct {
	cols   []aggColumn
	values [][]any
	schema *arrow.Schema
}

// genAggData draws n rows; each value is NULL with probability nulls, and
// some stretches of each column are NULL throughout.
func genAggData(r *rand.Rand, cols []aggColumn, n int, nulls float64) *aggData {
	d := &aggData{cols: cols, values: make([][]any, len(cols))}
	fields := make([]arrow.Field, len(cols))
	for c, col := range cols {
		fields[c] = arrow.Field{Name: col.name, Type: col.typ, Nullable: true}
		vals := make([]any, n)
		for i := range vals {
			if r.Float64() >= nulls {
				vals[i] = col.gen(r)
			}
		}
		if n > 0 && r.IntN(2) == 0 {
			start := r.IntN(n)
			for i := start; i < min(n, start+r.IntN(200)); i++ {
				vals[i] = nil
			}
		}
		d.values[c] = vals
	}
	d.schema = arrow.NewSchema(fields, nil)
	return d
}

// record builds the rows as one record.
func (d *aggData) record(mem memory.Allocator) arrow.Record {
	b := array.NewRecordBuilder(mem, d.schema)
	defer b.Release()
	for c, vals := range d.values {
		fb := b.Field(c)
		for _, v := range vals {
			if v == nil {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int8Builder:
				fb.Append(int8(v.(int64)))
			case *array.Int16Builder:
				fb.Append(int16(v.(int64)))
			case *array.Int32Builder:
				fb.Append(int32(v.(int64)))
			case *array.Int64Builder:
				fb.Append(v.(int64))
			case *array.Float32Builder:
				fb.Append(float32(v.(float64)))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.Decimal128Builder:
				fb.Append(decimal128.FromBigInt(v.(*big.Int)))
			case *array.StringBuilder:
				fb.Append(v.(string))
			case *array.BinaryBuilder:
				fb.Append([]byte(v.(string)))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			case *array.Date32Builder:
				fb.Append(arrow.Date32(v.(int64)))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(v.(int64)))
			default:
				panic(fmt.Sprintf("no builder for %T", fb))
			}
		}
	}
	return b.NewRecord()
}

// batches cuts the rows into slices of the one record (so that arrays have
// offsets) of random sizes up to max rows.
func (d *aggData) batches(mem memory.Allocator, r *rand.Rand, max int) []arrow.Record {
	rec := d.record(mem)
	defer rec.Release()
	var out []arrow.Record
	for i := int64(0); i < rec.NumRows(); {
		n := int64(1 + r.IntN(max))
		j := min(rec.NumRows(), i+n)
		out = append(out, rec.NewSlice(i, j))
		i = j
	}
	return out
}

// cellValue returns row i of arr as the oracle holds values.
func cellValue(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		return a.Value(i).BigInt()
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return string(a.Value(i))
	case *array.Boolean:
		return a.Value(i)
	case *array.Date32:
		return int64(a.Value(i))
	case *array.Timestamp:
		return int64(a.Value(i))
	}
	panic(fmt.Sprintf("no oracle value for %s", arr.DataType()))
}

// canon renders a value so that values SQL groups together render alike:
// NULLs, NaNs, and -0 with 0.
func canon(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case float64:
		if v != v {
			return "NaN"
		}
		if v == 0 {
			return "0.0"
		}
		return fmt.Sprintf("%v", v)
	case *big.Int:
		return "dec:" + v.String()
	}
	return fmt.Sprintf("%#v", v)
}

// oracleAggregate groups the rows by keys, in order of first appearance,
// and computes aggs; it returns one row of values per group.
func oracleAggregate(d *aggData, keys []int, aggs []Aggregate) [][]any {
	groups := map[string]int{}
	var rowsOf [][]int
	var out [][]any
	n := 0
	if len(d.values) > 0 {
		n = len(d.values[0])
	}
	for i := range n {
		parts := make([]string, len(keys))
		for k, c := range keys {
			parts[k] = canon(d.values[c][i])
		}
		key := strings.Join(parts, "|")
		g, ok := groups[key]
		if !ok {
			g = len(out)
			groups[key] = g
			row := make([]any, len(keys))
			for k, c := range keys {
				row[k] = d.values[c][i]
			}
			out = append(out, row)
			rowsOf = append(rowsOf, nil)
		}
		rowsOf[g] = append(rowsOf[g], i)
	}
	if len(keys) == 0 && len(out) == 0 {
		out = append(out, nil)
		rowsOf = append(rowsOf, nil)
	}
	for g := range out {
		for _, a := range aggs {
			out[g] = append(out[g], oracleValue(d, a, rowsOf[g]))
		}
	}
	return out
}

// oracleValue computes one aggregate over the given rows.
func oracleValue(d *aggData, a Aggregate, rows []int) any {
	if a.Arg < 0 {
		return int64(len(rows))
	}
	var vals []any
	seen := map[string]bool{}
	for _, i := range rows {
		v := d.values[a.Arg][i]
		if v == nil {
			continue
		}
		if a.Distinct {
			if seen[canon(v)] {
				continue
			}
			seen[canon(v)] = true
		}
		vals = append(vals, v)
	}
	if a.Func == AggCount {
		return int64(len(vals))
	}
	if len(vals) == 0 {
		return nil
	}
	typ := d.cols[a.Arg].typ
	scale := int32(0)
	if dt, ok := typ.(*arrow.Decimal128Type); ok {
		scale = dt.Scale
	}
	switch a.Func {
	case AggSum, AggAvg:
		if floatType(typ) {
			var s float64
			for _, v := range vals {
				s += v.(float64)
			}
			if a.Func == AggAvg {
				return s / float64(len(vals))
			}
			return s
		}
		s := new(big.Int)
		for _, v := range vals {
			switch v := v.(type) {
			case int64:
				s.Add(s, big.NewInt(v))
			case *big.Int:
				s.Add(s, v)
			}
		}
		if a.Func == AggSum {
			return s
		}
		den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
		den.Mul(den, big.NewInt(int64(len(vals))))
		f, _ := new(big.Rat).SetFrac(s, den).Float64()
		return f
	}
	best := vals[0]
	for _, v := range vals[1:] {
		c := oracleCompare(v, best)
		if a.Func == AggMin && c < 0 || a.Func == AggMax && c > 0 {
			best = v
		}
	}
	return best
}

// oracleCompare orders two non-NULL values of one type, NaN last.
func oracleCompare(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmpOrdered(a, b.(int64))
	case float64:
		b := b.(float64)
		switch {
		case a != a && b != b:
			return 0
		case a != a:
			return 1
		case b != b:
			return -1
		}
		return cmpOrdered(a, b)
	case *big.Int:
		return a.Cmp(b.(*big.Int))
	case string:
		return strings.Compare(a, b.(string))
	case bool:
		switch {
		case a == b.(bool):
			return 0
		case a:
			return 1
		}
		return -1
	}
	panic(fmt.Sprintf("cannot compare %T", a))
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sameValue reports whether the engine's value equals the oracle's: floats
// exactly (NaN equal to NaN, -0 to 0), decimals by value.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case float64:
		g, ok := got.(float64)
		return ok && (g == w || g != g && w != w)
	case *big.Int:
		g, ok := got.(*big.Int)
		return ok && g.Cmp(w) == 0
	}
	return got == want
}
