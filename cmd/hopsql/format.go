package main

import (
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"

	"github.com/hopsql/hopsql/driver"
)

// textColumn is a column of a batch ready to be written as text.
type textColumn struct {
	isNull func(i int) bool
	text   textFunc
}

// textColumns returns the columns of rec ready to be written as text,
// reusing the space of cols.
func textColumns(cols []textColumn, rec arrow.Record) []textColumn {
	cols = cols[:0]
	for _, col := range rec.Columns() {
		cols = append(cols, textColumn{isNull: nullMask(col), text: textFormatter(col)})
	}
	return cols
}

// nullMask returns a function reporting whether row i of col is NULL.
// Arrays of the null type have no validity bitmap (their IsNull is always
// false) and all their rows are NULL.
func nullMask(col arrow.Array) func(i int) bool {
	switch {
	case col.DataType().ID() == arrow.NULL:
		return func(int) bool { return true }
	case col.NullN() == 0:
		return func(int) bool { return false }
	}
	return col.IsNull
}

// textFunc returns the text of row i of a column. Row i must not be NULL:
// each format shows NULL its own way.
type textFunc func(i int) string

// textFormatter returns the text of col's values as the text formats
// (table, csv, tsv and markdown) show them:
//
//   - integers in decimal, and decimals exactly, with all the digits of
//     their scale ("12.50");
//   - floats in the shortest form that reads back to the same value, in
//     positional notation from 1e-6 to 1e21 and in exponent notation
//     outside it (as encoding/json writes them); NaN, Infinity, -Infinity;
//   - booleans as true and false;
//   - timestamps in UTC as "2024-01-02 03:04:05.123456", without the
//     fraction when it is zero and with trailing zeros trimmed, dates
//     as "2024-01-02", and times of day as "03:04:05.123456";
//   - binary values in lowercase hexadecimal, without a prefix;
//   - lists, structs and maps as JSON text (see jsonFormatter).
//
// The type of col is looked at once; the returned function only formats.
// Strings are returned as they are: they point into col's memory and must
// be copied to outlive it.
func textFormatter(col arrow.Array) textFunc {
	var buf []byte // reused by the formatters that append
	text := func(appendValue func(dst []byte, i int) []byte) textFunc {
		return func(i int) string {
			buf = appendValue(buf[:0], i)
			return string(buf)
		}
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value
	case *array.LargeString:
		return a.Value
	case *array.Int8:
		return text(appendInts(a.Int8Values()))
	case *array.Int16:
		return text(appendInts(a.Int16Values()))
	case *array.Int32:
		return text(appendInts(a.Int32Values()))
	case *array.Int64:
		return text(appendInts(a.Int64Values()))
	case *array.Uint8:
		return text(appendUints(a.Uint8Values()))
	case *array.Uint16:
		return text(appendUints(a.Uint16Values()))
	case *array.Uint32:
		return text(appendUints(a.Uint32Values()))
	case *array.Uint64:
		return text(appendUints(a.Uint64Values()))
	case *array.Float32:
		v := a.Float32Values()
		return text(func(dst []byte, i int) []byte { return appendFloat(dst, float64(v[i]), 32) })
	case *array.Float64:
		v := a.Float64Values()
		return text(func(dst []byte, i int) []byte { return appendFloat(dst, v[i], 64) })
	case *array.Boolean:
		return func(i int) string { return strconv.FormatBool(a.Value(i)) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return text(func(dst []byte, i int) []byte { return appendDecimal128(dst, a.Value(i), scale) })
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		return text(func(dst []byte, i int) []byte { return appendDecimal256(dst, a.Value(i), scale) })
	case *array.Timestamp, *array.Date32, *array.Date64, *array.Time32, *array.Time64:
		return text(appendTime(col))
	case *array.Binary:
		return text(func(dst []byte, i int) []byte { return hex.AppendEncode(dst, a.Value(i)) })
	case *array.LargeBinary:
		return text(func(dst []byte, i int) []byte { return hex.AppendEncode(dst, a.Value(i)) })
	case *array.FixedSizeBinary:
		return text(func(dst []byte, i int) []byte { return hex.AppendEncode(dst, a.Value(i)) })
	case *array.Dictionary:
		values := textFormatter(a.Dictionary())
		return func(i int) string { return values(a.GetValueIndex(i)) }
	case array.ListLike, *array.Struct:
		return text(jsonFormatter(col))
	}
	return col.ValueStr
}

// appendInts returns a function appending values of v in decimal.
func appendInts[T int8 | int16 | int32 | int64](v []T) func(dst []byte, i int) []byte {
	return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(v[i]), 10) }
}

// appendUints returns a function appending values of v in decimal.
func appendUints[T uint8 | uint16 | uint32 | uint64](v []T) func(dst []byte, i int) []byte {
	return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(v[i]), 10) }
}

// appendFloat appends f (of bits 32 or 64) in the shortest form that reads
// back to f: positional from 1e-6 to 1e21, exponent notation outside, as
// encoding/json does. NaN and the infinities are NaN, Infinity and
// -Infinity, as PostgreSQL writes them and strconv.ParseFloat reads them.
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// Write 1e-07 as 1e-7, as encoding/json does.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// appendDecimal128 appends n with scale digits after the point, exactly.
func appendDecimal128(dst []byte, n decimal128.Num, scale int32) []byte {
	lo := n.LowBits()
	if hi := n.HighBits(); hi == int64(lo)>>63 { // n fits in an int64
		v := int64(lo)
		var digits [20]byte
		if v < 0 {
			return appendScaled(dst, true, strconv.AppendUint(digits[:0], -uint64(v), 10), scale)
		}
		return appendScaled(dst, false, strconv.AppendUint(digits[:0], uint64(v), 10), scale)
	}
	return appendBigDecimal(dst, n.BigInt(), scale)
}

// appendDecimal256 appends n with scale digits after the point, exactly.
func appendDecimal256(dst []byte, n decimal256.Num, scale int32) []byte {
	return appendBigDecimal(dst, n.BigInt(), scale)
}

func appendBigDecimal(dst []byte, n *big.Int, scale int32) []byte {
	neg := n.Sign() < 0
	return appendScaled(dst, neg, n.Abs(n).Append(nil, 10), scale)
}

// appendScaled appends the decimal whose unscaled absolute value has the
// decimal digits, placing the point scale digits from the right (or
// appending -scale zeros when scale is negative).
func appendScaled(dst []byte, neg bool, digits []byte, scale int32) []byte {
	if neg {
		dst = append(dst, '-')
	}
	if scale <= 0 {
		dst = append(dst, digits...)
		if len(digits) == 1 && digits[0] == '0' {
			return dst
		}
		for ; scale < 0; scale++ {
			dst = append(dst, '0')
		}
		return dst
	}
	s := int(scale)
	if len(digits) <= s {
		dst = append(dst, '0', '.')
		for range s - len(digits) {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-s]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-s:]...)
}

// appendTime returns a function appending the values of col, a timestamp,
// date or time of day array: timestamps in UTC as "2006-01-02 15:04:05"
// with as many fraction digits as their unit has, trailing zeros trimmed.
func appendTime(col arrow.Array) func(dst []byte, i int) []byte {
	switch a := col.(type) {
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		layout := "2006-01-02 15:04:05" + fractionLayout(unit)
		v := a.TimestampValues()
		return func(dst []byte, i int) []byte { return v[i].ToTime(unit).UTC().AppendFormat(dst, layout) }
	case *array.Date32:
		v := a.Date32Values()
		return func(dst []byte, i int) []byte {
			return time.Unix(int64(v[i])*86400, 0).UTC().AppendFormat(dst, time.DateOnly)
		}
	case *array.Date64:
		v := a.Date64Values()
		return func(dst []byte, i int) []byte {
			return time.UnixMilli(int64(v[i])).UTC().AppendFormat(dst, time.DateOnly)
		}
	case *array.Time32:
		unit := a.DataType().(*arrow.Time32Type).Unit
		layout := time.TimeOnly + fractionLayout(unit)
		v := a.Time32Values()
		return func(dst []byte, i int) []byte { return v[i].ToTime(unit).UTC().AppendFormat(dst, layout) }
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		layout := time.TimeOnly + fractionLayout(unit)
		v := a.Time64Values()
		return func(dst []byte, i int) []byte { return v[i].ToTime(unit).UTC().AppendFormat(dst, layout) }
	}
	return func(dst []byte, i int) []byte { return append(dst, col.ValueStr(i)...) }
}

// fractionLayout is the layout of the fraction of a second of a time
// unit, trailing zeros trimmed.
func fractionLayout(u arrow.TimeUnit) string {
	switch u {
	case arrow.Millisecond:
		return ".999"
	case arrow.Microsecond:
		return ".999999"
	case arrow.Nanosecond:
		return ".999999999"
	}
	return ""
}

// rightAligned reports whether a column's values read best aligned right.
func rightAligned(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.UINT64, arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	case arrow.DICTIONARY:
		return rightAligned(t.(*arrow.DictionaryType).ValueType)
	}
	return false
}

// typeLabel is the column type shown under a column's name: its Hopsworks
// type name.
func typeLabel(t arrow.DataType) string {
	return driver.TypeName(t)
}
