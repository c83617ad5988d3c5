package engine

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// An accumulator computes one aggregate for every group of a table. Its
// state is a typed slice indexed by group id, updated a batch at a time in
// one loop over the argument's values. The caller counts the rows of each
// group; accumulators count only the NULLs they skip (see nullCounts), so
// that aggregating a column without NULLs touches one slice per row.
type accumulator interface {
	// grow makes room for groups 0 to n-1; new groups hold no values.
	grow(n int)
	// update adds row i of arr to group ids[i], for every row. arr is nil
	// for COUNT(*).
	update(arr arrow.Array, ids []int32) error
	// merge adds the state of group g of other, an accumulator of the same
	// aggregate, to group ids[g].
	merge(other accumulator, ids []int32) error
	// build returns the result of each group; rows[g] is the number of
	// rows given to group g.
	build(mem memory.Allocator, rows []int64) (arrow.Array, error)
	// size is the number of bytes the state holds.
	size() int64
}

// errSumOverflow is wrapped by the error of a sum beyond decimal(38).
var errSumOverflow = errors.New("sum out of range")

// newAccumulator returns the accumulator of aggregate f over values of
// type t (nil for COUNT(*)), without regard to DISTINCT. With single set,
// every row is in group 0 (an aggregate without keys), and the common
// accumulators keep their one state in registers while they loop.
func newAccumulator(f AggFunc, t arrow.DataType, single bool) (accumulator, error) {
	nc := nullCounts{single: single}
	switch f {
	case AggCount:
		return &countAcc{nullCounts: nc, star: t == nil}, nil
	case AggSum, AggAvg:
		avg := f == AggAvg
		switch t.ID() {
		case arrow.INT8:
			return &intSumAcc[int8]{nullCounts: nc, avg: avg}, nil
		case arrow.INT16:
			return &intSumAcc[int16]{nullCounts: nc, avg: avg}, nil
		case arrow.INT32:
			return &intSumAcc[int32]{nullCounts: nc, avg: avg}, nil
		case arrow.INT64:
			return &intSumAcc[int64]{nullCounts: nc, avg: avg}, nil
		case arrow.DECIMAL128:
			return &decSumAcc{nullCounts: nc, avg: avg, scale: t.(*arrow.Decimal128Type).Scale}, nil
		case arrow.FLOAT32:
			return &floatSumAcc[float32]{nullCounts: nc, avg: avg}, nil
		case arrow.FLOAT64:
			return &floatSumAcc[float64]{nullCounts: nc, avg: avg}, nil
		}
	case AggMin, AggMax:
		if a := newMinMax(f == AggMax, t, nc); a != nil {
			return a, nil
		}
	}
	_, err := AggResultType(f, t)
	if err == nil {
		err = fmt.Errorf("engine: no accumulator for %s of %s", f, t)
	}
	return nil, err
}

// nullCounts counts the NULL arguments of each group: group g aggregated
// rows[g] - nulls[g] values. Batches without NULLs leave it alone.
type nullCounts struct {
	nulls  []int64
	single bool // every row is in group 0
}

func (c *nullCounts) growNulls(n int) { c.nulls = growTo(c.nulls, n, 0) }

// countNulls counts the NULLs of arr, whose row i is in group ids[i].
func (c *nullCounts) countNulls(arr arrow.Array, ids []int32) {
	switch nulls := arr.NullN(); {
	case nulls == 0:
	case c.single:
		c.nulls[0] += int64(nulls)
	case nulls == arr.Len():
		for _, g := range ids {
			c.nulls[g]++
		}
	default:
		bm, off := nullBitmap(arr)
		for i, g := range ids {
			if !bitutil.BitIsSet(bm, off+i) {
				c.nulls[g]++
			}
		}
	}
}

func (c *nullCounts) mergeNulls(o *nullCounts, ids []int32) {
	for g, n := range o.nulls {
		c.nulls[ids[g]] += n
	}
}

// counts returns the number of values of each group.
func (c *nullCounts) counts(rows []int64) []int64 {
	out := make([]int64, len(rows))
	for g, r := range rows {
		out[g] = r - c.nulls[g]
	}
	return out
}

// valid reports which groups have at least one value.
func (c *nullCounts) valid(rows []int64) []bool {
	out := make([]bool, len(rows))
	for g, r := range rows {
		out[g] = r > c.nulls[g]
	}
	return out
}

func (c *nullCounts) nullsSize() int64 { return int64(cap(c.nulls)) * 8 }

// countAcc counts rows, or the non-NULL values of its argument: it needs
// no state but its null counts.
type countAcc struct {
	nullCounts
	star bool
}

func (a *countAcc) grow(n int) {
	if !a.star {
		a.growNulls(n)
	}
}

func (a *countAcc) update(arr arrow.Array, ids []int32) error {
	if !a.star {
		a.countNulls(arr, ids)
	}
	return nil
}

func (a *countAcc) merge(other accumulator, ids []int32) error {
	if !a.star {
		a.mergeNulls(&other.(*countAcc).nullCounts, ids)
	}
	return nil
}

func (a *countAcc) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	counts := rows
	if !a.star {
		counts = a.counts(rows)
	}
	return fixedArrayOf(mem, arrow.PrimitiveTypes.Int64, counts, nil), nil
}

func (a *countAcc) size() int64 { return a.nullsSize() }

// int128 is a two's-complement 128-bit integer, the exact sum of integers
// and decimals. Its layout is decimal128.Num's.
type int128 struct {
	lo uint64
	hi int64
}

// addInt64 adds v; a sum of int64s cannot overflow before 2^64 of them.
func (a *int128) addInt64(v int64) {
	lo, c := bits.Add64(a.lo, uint64(v), 0)
	a.lo = lo
	a.hi += int64(c) + v>>63
}

// add returns a+b and whether the sum overflowed 128 bits.
func (a int128) add(b int128) (int128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi := a.hi + b.hi + int64(c)
	return int128{lo, hi}, (a.hi^hi)&(b.hi^hi) < 0
}

func (a int128) less(b int128) bool {
	return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo
}

func (a int128) num() decimal128.Num { return decimal128.New(a.hi, a.lo) }

// sumArray makes the decimal128(38, scale) array of sums; groups with a
// zero count are NULL. A sum beyond 38 digits is an error.
func sumArray(mem memory.Allocator, sums []int128, counts []int64, scale int32) (arrow.Array, error) {
	vals := make([]decimal128.Num, len(sums))
	valid := make([]bool, len(sums))
	for g, s := range sums {
		vals[g] = s.num()
		valid[g] = counts[g] > 0
		if !vals[g].FitsInPrecision(38) {
			return nil, fmt.Errorf("%w: %s does not fit decimal(38,%d)", errSumOverflow, vals[g].BigInt(), scale)
		}
	}
	return fixedArrayOf(mem, &arrow.Decimal128Type{Precision: 38, Scale: scale}, vals, valid), nil
}

// avgArray makes the float64 array of means sum/count/10^scale, NULL where
// count is zero.
func avgArray(mem memory.Allocator, sums []int128, counts []int64, scale int32) arrow.Array {
	vals := make([]float64, len(sums))
	valid := make([]bool, len(sums))
	for g, s := range sums {
		if counts[g] > 0 {
			vals[g], valid[g] = exactMean(s, counts[g], scale), true
		}
	}
	return fixedArrayOf(mem, arrow.PrimitiveTypes.Float64, vals, valid)
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// exactMean returns sum / (count * 10^scale) rounded once, to the nearest
// float64.
func exactMean(sum int128, count int64, scale int32) float64 {
	const exact = 1 << 53 // integers up to this are exact in a float64
	if (sum.hi == 0 && sum.lo <= exact) || (sum.hi == -1 && sum.lo >= math.MaxUint64-exact+1) {
		s := float64(int64(sum.lo))
		if int(scale) < len(pow10) {
			// Both operands exact: IEEE division rounds once.
			if d := float64(count) * pow10[scale]; d < exact {
				return s / d
			}
		}
	}
	num := new(big.Float).SetInt(sum.num().BigInt())
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	den.Mul(den, big.NewInt(count))
	f, _ := new(big.Float).SetPrec(53).Quo(num, new(big.Float).SetInt(den)).Float64()
	return f
}

// intSumAcc sums or averages integers exactly.
type intSumAcc[T ~int8 | ~int16 | ~int32 | ~int64] struct {
	nullCounts
	sums []int128
	avg  bool
}

func (a *intSumAcc[T]) grow(n int) {
	a.sums = growTo(a.sums, n, int128{})
	a.growNulls(n)
}

func (a *intSumAcc[T]) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	vals := arrow.GetValues[T](arr.Data(), 1)[:len(ids)]
	sums := a.sums
	bm, off := nullBitmap(arr)
	if a.single {
		var sum int128
		for i, v := range vals {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				sum.addInt64(int64(v))
			}
		}
		sums[0], _ = sums[0].add(sum)
		return nil
	}
	for i, g := range ids {
		if bm == nil || bitutil.BitIsSet(bm, off+i) {
			sums[g].addInt64(int64(vals[i]))
		}
	}
	return nil
}

func (a *intSumAcc[T]) merge(other accumulator, ids []int32) error {
	o := other.(*intSumAcc[T])
	for g, s := range o.sums {
		a.sums[ids[g]], _ = a.sums[ids[g]].add(s)
	}
	a.mergeNulls(&o.nullCounts, ids)
	return nil
}

func (a *intSumAcc[T]) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	if a.avg {
		return avgArray(mem, a.sums, a.counts(rows), 0), nil
	}
	return sumArray(mem, a.sums, a.counts(rows), 0)
}

func (a *intSumAcc[T]) size() int64 { return int64(cap(a.sums))*16 + a.nullsSize() }

// decSumAcc sums or averages decimals exactly; a sum that leaves 128 bits
// on the way is an error, as in DuckDB.
type decSumAcc struct {
	nullCounts
	sums  []int128
	avg   bool
	scale int32
}

func (a *decSumAcc) grow(n int) {
	a.sums = growTo(a.sums, n, int128{})
	a.growNulls(n)
}

func (a *decSumAcc) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	vals := arrow.GetValues[decimal128.Num](arr.Data(), 1)[:len(ids)]
	sums := a.sums
	bm, off := nullBitmap(arr)
	overflow := false
	if a.single {
		sum := sums[0]
		for i, v := range vals {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				var o bool
				sum, o = sum.add(int128{v.LowBits(), v.HighBits()})
				overflow = overflow || o
			}
		}
		sums[0] = sum
	} else {
		for i, g := range ids {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				v := vals[i]
				var o bool
				sums[g], o = sums[g].add(int128{v.LowBits(), v.HighBits()})
				overflow = overflow || o
			}
		}
	}
	if overflow {
		return a.overflow()
	}
	return nil
}

func (a *decSumAcc) overflow() error {
	return fmt.Errorf("%w: the sum exceeds decimal(38,%d)", errSumOverflow, a.scale)
}

func (a *decSumAcc) merge(other accumulator, ids []int32) error {
	o := other.(*decSumAcc)
	overflow := false
	for g, s := range o.sums {
		var of bool
		a.sums[ids[g]], of = a.sums[ids[g]].add(s)
		overflow = overflow || of
	}
	a.mergeNulls(&o.nullCounts, ids)
	if overflow {
		return a.overflow()
	}
	return nil
}

func (a *decSumAcc) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	if a.avg {
		return avgArray(mem, a.sums, a.counts(rows), a.scale), nil
	}
	return sumArray(mem, a.sums, a.counts(rows), a.scale)
}

func (a *decSumAcc) size() int64 { return int64(cap(a.sums))*16 + a.nullsSize() }

// floatSumAcc sums or averages floats in float64.
type floatSumAcc[T float32 | float64] struct {
	nullCounts
	sums []float64
	avg  bool
}

func (a *floatSumAcc[T]) grow(n int) {
	a.sums = growTo(a.sums, n, 0)
	a.growNulls(n)
}

func (a *floatSumAcc[T]) update(arr arrow.Array, ids []int32) error {
	a.countNulls(arr, ids)
	if arr.NullN() == arr.Len() {
		return nil
	}
	vals := arrow.GetValues[T](arr.Data(), 1)[:len(ids)]
	sums := a.sums
	bm, off := nullBitmap(arr)
	if a.single {
		sum := sums[0]
		for i, v := range vals {
			if bm == nil || bitutil.BitIsSet(bm, off+i) {
				sum += float64(v)
			}
		}
		sums[0] = sum
		return nil
	}
	for i, g := range ids {
		if bm == nil || bitutil.BitIsSet(bm, off+i) {
			sums[g] += float64(vals[i])
		}
	}
	return nil
}

func (a *floatSumAcc[T]) merge(other accumulator, ids []int32) error {
	o := other.(*floatSumAcc[T])
	for g, s := range o.sums {
		a.sums[ids[g]] += s
	}
	a.mergeNulls(&o.nullCounts, ids)
	return nil
}

func (a *floatSumAcc[T]) build(mem memory.Allocator, rows []int64) (arrow.Array, error) {
	counts := a.counts(rows)
	vals := a.sums
	if a.avg {
		vals = make([]float64, len(a.sums))
		for g, s := range a.sums {
			if counts[g] > 0 {
				vals[g] = s / float64(counts[g])
			}
		}
	}
	valid := make([]bool, len(counts))
	for g, c := range counts {
		valid[g] = c > 0
	}
	return fixedArrayOf(mem, arrow.PrimitiveTypes.Float64, vals, valid), nil
}

func (a *floatSumAcc[T]) size() int64 { return int64(cap(a.sums))*8 + a.nullsSize() }
