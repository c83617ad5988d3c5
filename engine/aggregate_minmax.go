package engine

import (
	"math"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// newMinMax returns the MIN (or MAX) accumulator of values of type t, or
// nil when t has none. Each group's value starts at the identity of the
// comparison (the greatest value for MIN), so that the loops compare and
// store without testing whether the group has a value yet; the null counts
// say which groups have one.
func newMinMax(max bool, t arrow.DataType, nc nullCounts) accumulator {
	switch t.ID() {
	case arrow.INT8:
		return newMinMaxInt[int8](t, max, nc, math.MinInt8, math.MaxInt8)
	case arrow.INT16:
		return newMinMaxInt[int16](t, max, nc, math.MinInt16, math.MaxInt16)
	case arrow.INT32, arrow.DATE32:
		return newMinMaxInt[int32](t, max, nc, math.MinInt32, math.MaxInt32)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		return newMinMaxInt[int64](t, max, nc, math.MinInt64, math.MaxInt64)
	case arrow.FLOAT32:
		return &minMaxFloat[float32]{nullCounts: nc, typ: t, max: max}
	case arrow.FLOAT64:
		return &minMaxFloat[float64]{nullCounts: nc, typ: t, max: max}
	case arrow.DECIMAL128:
		return &minMaxDec{nullCounts: nc, typ: t, max: max}
	case arrow.BOOL:
		return &minMaxBool{nullCounts: nc, max: max}
	case arrow.STRING, arrow.BINARY:
		return &minMaxBytes{typ: t, max: max}
	}
	return nil
}

// minMaxInt is MIN or MAX of integers, dates and timestamps.
type minMaxInt[T ~int8 | ~int16 | ~int32 | ~int64] struct {
	nullCounts
	typ  arrow.DataType
	max  bool
	init T
	vals []T
}

func newMinMaxInt[T ~int8 | ~int16 | ~int32 | ~int64](t arrow.DataType, max bool, nc nullCounts, least, greatest T) *minMaxInt[T] {
	a := &minMaxInt[T]{nullCounts: nc, typ: t, max: max, init: greatest}
	if max {
		a.init = least
	}
	return a
}

func (a *minMaxInt[T]) grow(n int) {
	a.vals = growTo(a.vals, n, a.init)
	a.growNulls(n)
}

func (a *minMaxInt[T]) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	vals := arrow.GetValues[T](arr.Data(), 1)[:len(ids)]
	cur := a.vals
	bm, off := nullBitmap(arr)
	switch {
	case a.single:
		m := cur[0]
		for i, v := range vals {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				if a.max {
					m = max(m, v)
				} else {
					m = min(m, v)
				}
			}
		}
		cur[0] = m
	case a.max:
		for i, g := range ids {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				cur[g] = max(cur[g], vals[i])
			}
		}
	default:
		for i, g := range ids {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				cur[g] = min(cur[g], vals[i])
			}
		}
	}
	return nil
}

func (a *minMaxInt[T]) merge(other accumulator, ids []int32) error {
	o := other.(*minMaxInt[T])
	for g, v := range o.vals {
		t := ids[g]
		if a.max {
			a.vals[t] = max(a.vals[t], v)
		} else {
			a.vals[t] = min(a.vals[t], v)
		}
	}
	a.mergeNulls(&o.nullCounts, ids)
	return nil
}

func (a *minMaxInt[T]) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	return fixedArrayOf(mem, a.typ, a.vals, a.valid(rows)), nil
}

func (a *minMaxInt[T]) size() int64 {
	var zero T
	return int64(cap(a.vals))*int64(unsafe.Sizeof(zero)) + a.nullsSize()
}

// minMaxFloat is MIN or MAX of floats, NaN greater than every other value
// as in DuckDB. MIN starts at NaN, MAX at -Inf.
type minMaxFloat[T float32 | float64] struct {
	nullCounts
	typ  arrow.DataType
	max  bool
	vals []T
}

func (a *minMaxFloat[T]) grow(n int) {
	init := T(math.NaN())
	if a.max {
		init = T(math.Inf(-1))
	}
	a.vals = growTo(a.vals, n, init)
	a.growNulls(n)
}

// floatBefore reports whether a orders before b, NaN last.
func floatBefore[T float32 | float64](a, b T) bool {
	return a < b || b != b && a == a
}

func (a *minMaxFloat[T]) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	vals := arrow.GetValues[T](arr.Data(), 1)[:len(ids)]
	cur := a.vals
	bm, off := nullBitmap(arr)
	switch {
	case a.single:
		m := cur[0]
		for i, v := range vals {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				if a.max && (v > m || v != v) || !a.max && (v < m || m != m) {
					m = v
				}
			}
		}
		cur[0] = m
	case a.max:
		for i, g := range ids {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				if v := vals[i]; v > cur[g] || v != v {
					cur[g] = v
				}
			}
		}
	default:
		for i, g := range ids {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				if v := vals[i]; v < cur[g] || cur[g] != cur[g] {
					cur[g] = v
				}
			}
		}
	}
	return nil
}

func (a *minMaxFloat[T]) merge(other accumulator, ids []int32) error {
	o := other.(*minMaxFloat[T])
	for g, v := range o.vals {
		t := ids[g]
		if a.max && floatBefore(a.vals[t], v) || !a.max && floatBefore(v, a.vals[t]) {
			a.vals[t] = v
		}
	}
	a.mergeNulls(&o.nullCounts, ids)
	return nil
}

func (a *minMaxFloat[T]) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	return fixedArrayOf(mem, a.typ, a.vals, a.valid(rows)), nil
}

func (a *minMaxFloat[T]) size() int64 {
	var zero T
	return int64(cap(a.vals))*int64(unsafe.Sizeof(zero)) + a.nullsSize()
}

// minMaxDec is MIN or MAX of decimals.
type minMaxDec struct {
	nullCounts
	typ  arrow.DataType
	max  bool
	vals []int128
}

func (a *minMaxDec) grow(n int) {
	init := int128{math.MaxUint64, math.MaxInt64}
	if a.max {
		init = int128{0, math.MinInt64}
	}
	a.vals = growTo(a.vals, n, init)
	a.growNulls(n)
}

func (a *minMaxDec) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	vals := arrow.GetValues[decimal128.Num](arr.Data(), 1)[:len(ids)]
	cur := a.vals
	bm, off := nullBitmap(arr)
	for i, g := range ids {
		if bm == nil || bitutil.BitIsSet(bm, off+i) {
			v := int128{vals[i].LowBits(), vals[i].HighBits()}
			if a.max && cur[g].less(v) || !a.max && v.less(cur[g]) {
				cur[g] = v
			}
		}
	}
	return nil
}

func (a *minMaxDec) merge(other accumulator, ids []int32) error {
	o := other.(*minMaxDec)
	for g, v := range o.vals {
		t := ids[g]
		if a.max && a.vals[t].less(v) || !a.max && v.less(a.vals[t]) {
			a.vals[t] = v
		}
	}
	a.mergeNulls(&o.nullCounts, ids)
	return nil
}

func (a *minMaxDec) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	vals := make([]decimal128.Num, len(a.vals))
	for g, v := range a.vals {
		vals[g] = v.num()
	}
	return fixedArrayOf(mem, a.typ, vals, a.valid(rows)), nil
}

func (a *minMaxDec) size() int64 { return int64(cap(a.vals))*16 + a.nullsSize() }

// minMaxBool is MIN (AND) or MAX (OR) of booleans.
type minMaxBool struct {
	nullCounts
	max  bool
	vals []bool
}

func (a *minMaxBool) grow(n int) {
	a.vals = growTo(a.vals, n, !a.max)
	a.growNulls(n)
}

func (a *minMaxBool) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	bits, boff := boolBits(arr)
	cur := a.vals
	bm, off := nullBitmap(arr)
	for i, g := range ids {
		if (bm == nil || bitutil.BitIsSet(bm, off+i)) && bitutil.BitIsSet(bits, boff+i) == a.max {
			cur[g] = a.max
		}
	}
	return nil
}

func (a *minMaxBool) merge(other accumulator, ids []int32) error {
	o := other.(*minMaxBool)
	for g, v := range o.vals {
		if v == a.max {
			a.vals[ids[g]] = a.max
		}
	}
	a.mergeNulls(&o.nullCounts, ids)
	return nil
}

func (a *minMaxBool) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	return boolArrayOf(mem, a.vals, a.valid(rows)), nil
}

func (a *minMaxBool) size() int64 { return int64(cap(a.vals)) + a.nullsSize() }

// minMaxBytes is MIN or MAX of strings or binary values, compared byte by
// byte. A group's value is copied when it changes, which after the first
// few rows of a group is rare. Strings have no identity for MIN, so seen
// says which groups have a value.
type minMaxBytes struct {
	typ  arrow.DataType
	max  bool
	vals []string
	seen []bool
	held int64 // bytes of the values
}

func (a *minMaxBytes) grow(n int) {
	a.vals = growTo(a.vals, n, "")
	a.seen = growTo(a.seen, n, false)
}

func (a *minMaxBytes) update(arr arrow.Array, ids []int32) error {
	if arr.NullN() == arr.Len() {
		return nil
	}
	offsets, data := bytesView(arr)
	cur, seen := a.vals, a.seen
	bm, off := nullBitmap(arr)
	for i, g := range ids {
		if bm != nil && !bitutil.BitIsSet(bm, off+i) {
			continue
		}
		v := data[offsets[i]:offsets[i+1]]
		if !seen[g] || a.max && string(v) > cur[g] || !a.max && string(v) < cur[g] {
			a.held += int64(len(v) - len(cur[g]))
			cur[g] = string(v)
			seen[g] = true
		}
	}
	return nil
}

func (a *minMaxBytes) merge(other accumulator, ids []int32) error {
	o := other.(*minMaxBytes)
	for g, ok := range o.seen {
		if !ok {
			continue
		}
		t, v := ids[g], o.vals[g]
		if !a.seen[t] || a.max && v > a.vals[t] || !a.max && v < a.vals[t] {
			a.held += int64(len(v) - len(a.vals[t]))
			a.vals[t] = v
			a.seen[t] = true
		}
	}
	return nil
}

func (a *minMaxBytes) build(mem memory.Allocator, _ []int64) (arrow.Array, error) {
	if a.held > math.MaxInt32 {
		return nil, errKeysTooLarge
	}
	offsets := make([]int32, 1, len(a.vals)+1)
	data := make([]byte, 0, a.held)
	for _, v := range a.vals {
		data = append(data, v...)
		offsets = append(offsets, int32(len(data)))
	}
	return bytesArrayOf(mem, a.typ, offsets, data, a.seen), nil
}

func (a *minMaxBytes) size() int64 { return int64(cap(a.vals))*16 + int64(cap(a.seen)) + a.held }
