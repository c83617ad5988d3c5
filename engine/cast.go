package engine

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Cast converts its operand to T. The conversions, and the rules they follow
// (DuckDB's unless noted):
//
//   - Between integer widths; a value out of range is an error.
//   - Integers, decimals and floats into each other. Decimal to integer and
//     decimal rescaling round half away from zero; float to integer rounds
//     half to even (DuckDB's nearbyint: 2.5 becomes 2); float to decimal
//     rounds half away from zero. Out-of-range values, NaN and infinities
//     are errors.
//   - VARCHAR to integers, floats, decimals, DATE, TIMESTAMP and BOOLEAN.
//     Surrounding white space is ignored. Numbers may have a sign, a
//     fraction and an exponent ("1.5e3"); a fraction cast to an integer
//     rounds half away from zero. DATE accepts YYYY-MM-DD (one-digit months
//     and days too) and ignores a valid time part after it; TIMESTAMP
//     accepts YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][Z|±HH[:MM]] (an offset
//     converts to UTC). BOOLEAN accepts true/false, t/f, yes/no, y/n and
//     1/0 in any case. Text that does not convert is an error quoting it:
//     could not convert 'abc' to BIGINT.
//   - Everything to VARCHAR, in canonical text: decimals with exactly their
//     scale (1.50), floats in shortest round-trip form with ".0" for whole
//     numbers and exponents from 1e16 and below 1e-4 (1e+16, 1.5e-05, inf,
//     nan), dates YYYY-MM-DD, timestamps YYYY-MM-DD HH:MM:SS with
//     microseconds when not zero (trailing zeros dropped: .5, .123456),
//     booleans true/false. Years before 1 print as "YYYY-MM-DD (BC)".
//   - DATE to TIMESTAMP (midnight UTC) and back (the date part), and
//     between timestamp units.
//   - BOOLEAN to and from integers and floats (true is 1, non-zero is
//     true).
//   - VARCHAR and BLOB into each other (BLOB to VARCHAR requires UTF-8).
//   - NULL (arrow.Null) to anything.
//
// The conversions are the engine's own kernels rather than Arrow's cast,
// which truncates or rejects where SQL rounds (decimal rescaling, float to
// integer) and reads and writes text in other forms. A NULL row never causes
// an error.
type Cast struct {
	X Expr
	T arrow.DataType
}

// Type implements Expr.
func (c *Cast) Type() arrow.DataType { return c.T }

// String implements Expr.
func (c *Cast) String() string { return fmt.Sprintf("CAST(%s AS %s)", c.X, sqlTypeName(c.T)) }

// Eval implements Expr.
func (c *Cast) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	d, err := c.X.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	mem := compute.GetAllocator(ctx)
	switch d := d.(type) {
	case *compute.ScalarDatum:
		if !d.Value.IsValid() {
			return compute.NewDatum(scalar.MakeNullScalar(c.T)), nil
		}
		if arrow.TypeEqual(d.Value.DataType(), c.T) {
			return compute.NewDatum(d.Value), nil
		}
		a, err := scalar.MakeArrayFromScalar(d.Value, 1, mem)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		out, err := castArray(mem, a, c.T)
		if err != nil {
			return nil, err
		}
		return finishDatum(out, true)
	case *compute.ArrayDatum:
		a := d.MakeArray()
		defer a.Release()
		out, err := castArray(mem, a, c.T)
		if err != nil {
			return nil, err
		}
		return datumOf(out, nil)
	}
	return nil, fmt.Errorf("engine: CAST over %s", d.Kind())
}

// CastType reports whether Cast can convert values of type from to type to,
// with an error saying why not.
func CastType(from, to arrow.DataType) error {
	if castable(from, to) {
		return nil
	}
	return fmt.Errorf("cannot cast %s to %s", sqlTypeName(from), sqlTypeName(to))
}

func castable(from, to arrow.DataType) bool {
	basic := func(t arrow.DataType) bool {
		return isNumeric(t) || isString(t) || isDate(t) || isTimestamp(t) || t.ID() == arrow.BOOL
	}
	switch {
	case arrow.TypeEqual(from, to), isNull(from):
		return true
	case isString(to):
		return basic(from) || from.ID() == arrow.BINARY
	case isString(from):
		return basic(to) || to.ID() == arrow.BINARY
	case isNumeric(from) && isNumeric(to):
		return true
	case from.ID() == arrow.BOOL:
		return isInteger(to) || isFloat(to)
	case to.ID() == arrow.BOOL:
		return isInteger(from) || isFloat(from)
	case (isDate(from) || isTimestamp(from)) && (isDate(to) || isTimestamp(to)):
		return true
	}
	return false
}

// castArray converts a to type to (a new reference, also when the types
// are equal). Rows that are NULL never cause errors.
func castArray(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	from := a.DataType()
	switch {
	case arrow.TypeEqual(from, to):
		a.Retain()
		return a, nil
	case isNull(from):
		return array.MakeArrayOfNull(mem, to, a.Len()), nil
	case !castable(from, to):
		return nil, CastType(from, to)
	case isString(to):
		return formatArray(mem, a)
	case isString(from):
		return parseArray(mem, a.(*array.String), to)
	}
	switch to.ID() {
	case arrow.INT8:
		return castToInt[int8](mem, a, to, math.MinInt8, math.MaxInt8)
	case arrow.INT16:
		return castToInt[int16](mem, a, to, math.MinInt16, math.MaxInt16)
	case arrow.INT32:
		return castToInt[int32](mem, a, to, math.MinInt32, math.MaxInt32)
	case arrow.INT64:
		return castToInt[int64](mem, a, to, math.MinInt64, math.MaxInt64)
	case arrow.FLOAT32:
		return castToFloat[float32](mem, a, to)
	case arrow.FLOAT64:
		return castToFloat[float64](mem, a, to)
	case arrow.DECIMAL128:
		return castToDecimal(mem, a, to.(*arrow.Decimal128Type))
	case arrow.BOOL:
		return castToBool(mem, a)
	case arrow.DATE32, arrow.TIMESTAMP:
		return castTemporal(mem, a, to)
	}
	return nil, CastType(from, to)
}

// copyValidity returns a copy of a's validity bitmap, or nil if a has no
// NULLs.
func copyValidity(mem memory.Allocator, a arrow.Array) *memory.Buffer {
	if a.NullN() == 0 {
		return nil
	}
	b := memory.NewResizableBuffer(mem)
	b.Resize(int(bitutil.BytesForBits(int64(a.Len()))))
	bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), a.Len(), b.Bytes(), 0)
	return b
}

// newCastOut starts a fixed-width result with a's NULLs.
func newCastOut[T any](mem memory.Allocator, a arrow.Array) *fixedOut[T] {
	o := newFixedOutN[T](mem, a.Len())
	o.valid = copyValidity(mem, a)
	return o
}

func rangeError(a arrow.Array, i int, to arrow.DataType) error {
	return fmt.Errorf("value %s is out of range for %s", valueText(a, i), sqlTypeName(to))
}

// valueText renders row i of a for error messages.
func valueText(a arrow.Array, i int) string {
	switch a := a.(type) {
	case *array.Decimal128:
		return string(appendDecimal(nil, i128{lo: a.Value(i).LowBits(), hi: a.Value(i).HighBits()}, a.DataType().(*arrow.Decimal128Type).Scale))
	case *array.Float64:
		return string(appendFloat(nil, a.Value(i), 64))
	case *array.Float32:
		return string(appendFloat(nil, float64(a.Value(i)), 32))
	}
	return a.ValueStr(i)
}

type signedInt interface {
	~int8 | ~int16 | ~int32 | ~int64
}

func castToInt[D signedInt](mem memory.Allocator, a arrow.Array, to arrow.DataType, lo, hi int64) (arrow.Array, error) {
	out := newCastOut[D](mem, a)
	bad := -1
	switch a.DataType().ID() {
	case arrow.INT8:
		bad = intsToInts(values[int8](a), out, lo, hi)
	case arrow.INT16:
		bad = intsToInts(values[int16](a), out, lo, hi)
	case arrow.INT32:
		bad = intsToInts(values[int32](a), out, lo, hi)
	case arrow.INT64:
		bad = intsToInts(values[int64](a), out, lo, hi)
	case arrow.FLOAT32:
		bad = floatsToInts(values[float32](a), out, lo)
	case arrow.FLOAT64:
		bad = floatsToInts(values[float64](a), out, lo)
	case arrow.DECIMAL128:
		scale := int(a.DataType().(*arrow.Decimal128Type).Scale)
		for i, v := range values[i128](a) {
			u := v.abs().roundPow10(scale)
			r := u.signed(v.isNeg())
			if u.hi != 0 || !r.fitsInt64() || int64(r.lo) < lo || int64(r.lo) > hi {
				if !out.isNull(i) {
					bad = i
					break
				}
				continue
			}
			out.vals[i] = D(int64(r.lo))
		}
	case arrow.BOOL:
		b := a.(*array.Boolean)
		for i := range out.vals {
			if b.Value(i) {
				out.vals[i] = 1
			}
		}
	default:
		out.release()
		return nil, CastType(a.DataType(), to)
	}
	if bad >= 0 {
		out.release()
		return nil, rangeError(a, bad, to)
	}
	return out.finish(to), nil
}

func intsToInts[S, D signedInt](src []S, out *fixedOut[D], lo, hi int64) int {
	dst := out.vals
	for i, v := range src {
		w := int64(v)
		if w < lo || w > hi {
			if !out.isNull(i) {
				return i
			}
			continue
		}
		dst[i] = D(w)
	}
	return -1
}

// floatsToInts rounds half to even into a signed type whose smallest value
// is lo.
func floatsToInts[S float32 | float64, D signedInt](src []S, out *fixedOut[D], lo int64) int {
	dst := out.vals
	// The range is [lo, -lo): powers of two, which floats hold exactly.
	flo, fhi := float64(lo), -float64(lo)
	for i, v := range src {
		r := math.RoundToEven(float64(v))
		if !(r >= flo && r < fhi) {
			if !out.isNull(i) {
				return i
			}
			continue
		}
		dst[i] = D(int64(r))
	}
	return -1
}

func castToFloat[D float32 | float64](mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	out := newCastOut[D](mem, a)
	dst := out.vals
	switch a.DataType().ID() {
	case arrow.INT8:
		numsToFloats(values[int8](a), dst)
	case arrow.INT16:
		numsToFloats(values[int16](a), dst)
	case arrow.INT32:
		numsToFloats(values[int32](a), dst)
	case arrow.INT64:
		numsToFloats(values[int64](a), dst)
	case arrow.FLOAT32:
		numsToFloats(values[float32](a), dst)
	case arrow.FLOAT64:
		for i, v := range values[float64](a) {
			dst[i] = D(v)
			if math.IsInf(float64(dst[i]), 0) && !math.IsInf(v, 0) && !out.isNull(i) {
				out.release()
				return nil, rangeError(a, i, to)
			}
		}
	case arrow.DECIMAL128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i, v := range values[i128](a) {
			dst[i] = D(v.float64(scale))
		}
	case arrow.BOOL:
		b := a.(*array.Boolean)
		for i := range dst {
			if b.Value(i) {
				dst[i] = 1
			}
		}
	default:
		out.release()
		return nil, CastType(a.DataType(), to)
	}
	return out.finish(to), nil
}

func numsToFloats[S signedInt | float32 | float64, D float32 | float64](src []S, dst []D) {
	for i, v := range src {
		dst[i] = D(v)
	}
}

func castToDecimal(mem memory.Allocator, a arrow.Array, to *arrow.Decimal128Type) (arrow.Array, error) {
	out := newCastOut[i128](mem, a)
	bound := pow10u(int(to.Precision))
	scale := int(to.Scale)
	bad := -1
	switch a.DataType().ID() {
	case arrow.INT8:
		bad = intsToDecimals(values[int8](a), out, scale, bound)
	case arrow.INT16:
		bad = intsToDecimals(values[int16](a), out, scale, bound)
	case arrow.INT32:
		bad = intsToDecimals(values[int32](a), out, scale, bound)
	case arrow.INT64:
		bad = intsToDecimals(values[int64](a), out, scale, bound)
	case arrow.FLOAT32:
		bad = floatsToDecimals(values[float32](a), out, scale, bound)
	case arrow.FLOAT64:
		bad = floatsToDecimals(values[float64](a), out, scale, bound)
	case arrow.DECIMAL128:
		from := int(a.DataType().(*arrow.Decimal128Type).Scale)
		for i, v := range values[i128](a) {
			r, ok := rescale(v, from, scale, bound)
			if !ok {
				if !out.isNull(i) {
					bad = i
					break
				}
				continue
			}
			out.vals[i] = r
		}
	default:
		out.release()
		return nil, CastType(a.DataType(), to)
	}
	if bad >= 0 {
		out.release()
		return nil, rangeError(a, bad, to)
	}
	return out.finish(to), nil
}

// rescale converts a decimal from one scale to another, rounding half away
// from zero, and reports whether the result is below bound.
func rescale(v i128, from, to int, bound u128) (i128, bool) {
	if to >= from {
		return v.scaleUp(to-from, bound)
	}
	u := v.abs().roundPow10(from - to)
	return u.signed(v.isNeg()), u.less(bound)
}

func intsToDecimals[S signedInt](src []S, out *fixedOut[i128], scale int, bound u128) int {
	for i, v := range src {
		r, ok := i128From64(int64(v)).scaleUp(scale, bound)
		if !ok {
			if !out.isNull(i) {
				return i
			}
			continue
		}
		out.vals[i] = r
	}
	return -1
}

func floatsToDecimals[S float32 | float64](src []S, out *fixedOut[i128], scale int, bound u128) int {
	limit := math.Pow10(38)
	for i, v := range src {
		r, ok := floatToDecimal(float64(v), scale, bound, limit)
		if !ok {
			if !out.isNull(i) {
				return i
			}
			continue
		}
		out.vals[i] = r
	}
	return -1
}

// floatToDecimal returns round(v * 10^scale) (half away from zero) when it
// is below bound.
func floatToDecimal(v float64, scale int, bound u128, limit float64) (i128, bool) {
	x := math.Round(v * math.Pow10(scale))
	if !(x > -limit && x < limit) {
		return i128{}, false
	}
	var r i128
	if x > -(1<<63) && x < 1<<63 {
		r = i128From64(int64(x))
	} else {
		b, _ := big.NewFloat(x).Int(nil)
		neg := b.Sign() < 0
		b.Abs(b)
		words := b.Bits()
		var u u128
		u.lo = uint64(words[0])
		if len(words) > 1 {
			u.hi = uint64(words[1])
		}
		r = u.signed(neg)
	}
	return r, r.fits(bound)
}

func castToBool(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	out := newBoolOutN(mem, a.Len())
	out.valid = copyValidity(mem, a)
	switch a.DataType().ID() {
	case arrow.INT8:
		nonZero(values[int8](a), out)
	case arrow.INT16:
		nonZero(values[int16](a), out)
	case arrow.INT32:
		nonZero(values[int32](a), out)
	case arrow.INT64:
		nonZero(values[int64](a), out)
	case arrow.FLOAT32:
		nonZero(values[float32](a), out)
	case arrow.FLOAT64:
		nonZero(values[float64](a), out)
	default:
		out.bits.Release()
		if out.valid != nil {
			out.valid.Release()
		}
		return nil, CastType(a.DataType(), arrow.FixedWidthTypes.Boolean)
	}
	return out.finish(), nil
}

func nonZero[S signedInt | float32 | float64](src []S, out *boolOut) {
	bits := out.bits.Bytes()
	for i, v := range src {
		if v != 0 {
			bitutil.SetBit(bits, i)
		}
	}
}

// unitsPerSecond returns how many units of a timestamp type make a second.
func unitsPerSecond(t arrow.DataType) int64 {
	switch t.(*arrow.TimestampType).Unit {
	case arrow.Second:
		return 1
	case arrow.Millisecond:
		return 1e3
	case arrow.Nanosecond:
		return 1e9
	}
	return 1e6
}

// castTemporal converts between DATE and timestamps of any unit.
func castTemporal(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	from := a.DataType()
	if isDate(to) {
		out := newCastOut[int32](mem, a)
		day := 86400 * unitsPerSecond(from)
		for i, v := range values[int64](a) {
			out.vals[i] = int32(floorDiv(v, day))
		}
		return out.finish(to), nil
	}
	out := newCastOut[int64](mem, a)
	per := unitsPerSecond(to)
	if isDate(from) {
		day := 86400 * per
		for i, v := range values[int32](a) {
			r, ok := mulInt64(int64(v), day)
			if !ok && !out.isNull(i) {
				out.release()
				return nil, rangeError(a, i, to)
			}
			out.vals[i] = r
		}
		return out.finish(to), nil
	}
	fromPer := unitsPerSecond(from)
	for i, v := range values[int64](a) {
		if per >= fromPer {
			r, ok := mulInt64(v, per/fromPer)
			if !ok && !out.isNull(i) {
				out.release()
				return nil, rangeError(a, i, to)
			}
			out.vals[i] = r
		} else {
			out.vals[i] = floorDiv(v, fromPer/per)
		}
	}
	return out.finish(to), nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
