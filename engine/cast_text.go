package engine

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Conversions between values and their canonical text (see Cast).

// Formatting.

// formatArray renders every value of a as text.
func formatArray(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	var buf []byte
	appendRow := func(i int, f func([]byte) []byte) {
		if a.IsNull(i) {
			b.AppendNull()
			return
		}
		buf = f(buf[:0])
		b.BinaryBuilder.Append(buf)
	}
	switch a := a.(type) {
	case *array.Int8:
		formatInts(a.Int8Values(), appendRow)
	case *array.Int16:
		formatInts(a.Int16Values(), appendRow)
	case *array.Int32:
		formatInts(a.Int32Values(), appendRow)
	case *array.Int64:
		formatInts(a.Int64Values(), appendRow)
	case *array.Float32:
		for i, v := range a.Float32Values() {
			appendRow(i, func(d []byte) []byte { return appendFloat(d, float64(v), 32) })
		}
	case *array.Float64:
		for i, v := range a.Float64Values() {
			appendRow(i, func(d []byte) []byte { return appendFloat(d, v, 64) })
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i, v := range values[i128](a) {
			appendRow(i, func(d []byte) []byte { return appendDecimal(d, v, scale) })
		}
	case *array.Boolean:
		for i := 0; i < n; i++ {
			appendRow(i, func(d []byte) []byte { return strconv.AppendBool(d, a.Value(i)) })
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			appendRow(i, func(d []byte) []byte { return appendDate(d, int64(v)) })
		}
	case *array.Timestamp:
		per := unitsPerSecond(a.DataType())
		for i, v := range a.TimestampValues() {
			appendRow(i, func(d []byte) []byte { return appendTimestamp(d, int64(v), per) })
		}
	case *array.Binary:
		for i := 0; i < n; i++ {
			if a.IsValid(i) && !utf8.Valid(a.Value(i)) {
				return nil, fmt.Errorf("could not convert BLOB %q to VARCHAR: not UTF-8", a.Value(i))
			}
			appendRow(i, func(d []byte) []byte { return append(d, a.Value(i)...) })
		}
	default:
		return nil, CastType(a.DataType(), arrow.BinaryTypes.String)
	}
	return b.NewArray(), nil
}

func formatInts[T signedInt](vals []T, appendRow func(int, func([]byte) []byte)) {
	for i, v := range vals {
		appendRow(i, func(d []byte) []byte { return strconv.AppendInt(d, int64(v), 10) })
	}
}

// appendFloat renders a float the way DuckDB does: the shortest text that
// reads back to the same value, in positional notation with at least one
// fractional digit when the decimal exponent is in [-4, 16), otherwise in
// exponent notation with a signed two-digit (or longer) exponent.
func appendFloat(dst []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	var scratch [32]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', -1, bitSize)
	// e is [-]d[.ddd]e±XX; read the exponent.
	exp := 0
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == 'e' {
			exp, _ = strconv.Atoi(string(e[i+1:]))
			break
		}
	}
	if exp < -4 || exp >= 16 {
		return append(dst, e...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, bitSize)
	for _, c := range dst[start:] {
		if c == '.' {
			return dst
		}
	}
	return append(dst, ".0"...)
}

// appendDecimal renders a decimal with exactly scale fractional digits.
func appendDecimal(dst []byte, v i128, scale int32) []byte {
	if v.isNeg() {
		dst = append(dst, '-')
	}
	var digits [40]byte
	i := len(digits)
	u := v.abs()
	for u.hi != 0 || u.lo != 0 || len(digits)-i <= int(scale) {
		var r uint64
		u, r = u.divSmall(10)
		i--
		digits[i] = byte('0' + r)
	}
	intLen := len(digits) - i - int(scale)
	dst = append(dst, digits[i:i+intLen]...)
	if scale > 0 {
		dst = append(dst, '.')
		dst = append(dst, digits[i+intLen:]...)
	}
	return dst
}

// appendDate renders days since 1970-01-01 as YYYY-MM-DD.
func appendDate(dst []byte, days int64) []byte {
	y, m, d := civil(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(m), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(d), 2)
	if bc {
		dst = append(dst, " (BC)"...)
	}
	return dst
}

// appendTimestamp renders a timestamp of per units a second as
// YYYY-MM-DD HH:MM:SS[.ffffff], dropping trailing zeros of the fraction.
func appendTimestamp(dst []byte, v, per int64) []byte {
	day := 86400 * per
	days := floorDiv(v, day)
	rem := v - days*day
	secs, frac := rem/per, rem%per
	y, m, d := civil(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(m), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(d), 2)
	dst = append(dst, ' ')
	dst = appendPadded(dst, secs/3600, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, secs/60%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, secs%60, 2)
	if frac != 0 {
		width := 0
		for p := per; p > 1; p /= 10 {
			width++
		}
		for frac%10 == 0 {
			frac /= 10
			width--
		}
		dst = append(dst, '.')
		dst = appendPadded(dst, frac, width)
	}
	if bc {
		dst = append(dst, " (BC)"...)
	}
	return dst
}

// appendPadded appends a non-negative number with at least width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
