package main

import (
	"encoding/hex"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// jsonFunc appends row i of a column as a JSON value.
type jsonFunc func(dst []byte, i int) []byte

// jsonFormatter returns a function appending col's values as JSON:
//
//   - NULL as null, booleans as true and false;
//   - integers as numbers, and decimals as exact numbers written from
//     their decimal text ("12.50"), whatever their size: a reader that
//     keeps numbers as text (json.Decoder.UseNumber, Python's
//     parse_float=Decimal) gets every digit;
//   - floats as numbers in the form of appendFloat; NaN and the
//     infinities, which JSON has no numbers for, as null (as JavaScript's
//     JSON.stringify writes them);
//   - strings as strings (invalid UTF-8 replaced by U+FFFD); timestamps,
//     dates and times as strings in the text formats' form; binary values
//     as strings of lowercase hexadecimal;
//   - lists as arrays, structs as objects (see jsonKeys), and maps as
//     objects whose keys are the text of the map's keys.
//
// The type of col is looked at once; the returned function only formats.
func jsonFormatter(col arrow.Array) jsonFunc {
	return orNull(col, jsonValues(col))
}

// orNull makes f write null for the NULL rows of col.
func orNull(col arrow.Array, f jsonFunc) jsonFunc {
	if col.NullN() == 0 {
		return f
	}
	isNull := nullMask(col)
	return func(dst []byte, i int) []byte {
		if isNull(i) {
			return append(dst, "null"...)
		}
		return f(dst, i)
	}
}

// jsonValues is jsonFormatter for rows that are not NULL.
func jsonValues(col arrow.Array) jsonFunc {
	switch a := col.(type) {
	case *array.Null:
		return func(dst []byte, _ int) []byte { return append(dst, "null"...) }
	case *array.String:
		return func(dst []byte, i int) []byte { return appendJSONString(dst, a.Value(i)) }
	case *array.LargeString:
		return func(dst []byte, i int) []byte { return appendJSONString(dst, a.Value(i)) }
	case *array.Int8:
		return appendInts(a.Int8Values())
	case *array.Int16:
		return appendInts(a.Int16Values())
	case *array.Int32:
		return appendInts(a.Int32Values())
	case *array.Int64:
		return appendInts(a.Int64Values())
	case *array.Uint8:
		return appendUints(a.Uint8Values())
	case *array.Uint16:
		return appendUints(a.Uint16Values())
	case *array.Uint32:
		return appendUints(a.Uint32Values())
	case *array.Uint64:
		return appendUints(a.Uint64Values())
	case *array.Float32:
		v := a.Float32Values()
		return func(dst []byte, i int) []byte { return appendJSONFloat(dst, float64(v[i]), 32) }
	case *array.Float64:
		v := a.Float64Values()
		return func(dst []byte, i int) []byte { return appendJSONFloat(dst, v[i], 64) }
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(dst []byte, i int) []byte { return appendDecimal128(dst, a.Value(i), scale) }
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		return func(dst []byte, i int) []byte { return appendDecimal256(dst, a.Value(i), scale) }
	case *array.Timestamp, *array.Date32, *array.Date64, *array.Time32, *array.Time64:
		return quoted(appendTime(col))
	case *array.Binary:
		return quoted(func(dst []byte, i int) []byte { return hex.AppendEncode(dst, a.Value(i)) })
	case *array.LargeBinary:
		return quoted(func(dst []byte, i int) []byte { return hex.AppendEncode(dst, a.Value(i)) })
	case *array.FixedSizeBinary:
		return quoted(func(dst []byte, i int) []byte { return hex.AppendEncode(dst, a.Value(i)) })
	case *array.Dictionary:
		values := jsonFormatter(a.Dictionary())
		return func(dst []byte, i int) []byte { return values(dst, a.GetValueIndex(i)) }
	case *array.Map:
		keys := textFormatter(a.Keys())
		items := jsonFormatter(a.Items())
		return func(dst []byte, i int) []byte {
			start, end := a.ValueOffsets(i)
			dst = append(dst, '{')
			for j := int(start); j < int(end); j++ {
				if j > int(start) {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, keys(j))
				dst = append(dst, ':')
				dst = items(dst, j)
			}
			return append(dst, '}')
		}
	case array.ListLike:
		elems := jsonFormatter(a.ListValues())
		return func(dst []byte, i int) []byte {
			start, end := a.ValueOffsets(i)
			dst = append(dst, '[')
			for j := int(start); j < int(end); j++ {
				if j > int(start) {
					dst = append(dst, ',')
				}
				dst = elems(dst, j)
			}
			return append(dst, ']')
		}
	case *array.Struct:
		fields := a.DataType().(*arrow.StructType).Fields()
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name
		}
		keys := jsonKeys(names)
		values := make([]jsonFunc, len(fields))
		for i := range values {
			values[i] = jsonFormatter(a.Field(i))
		}
		return func(dst []byte, i int) []byte {
			return appendJSONObject(dst, keys, values, i)
		}
	}
	return func(dst []byte, i int) []byte { return appendJSONString(dst, col.ValueStr(i)) }
}

// quoted makes a JSON string of the text f appends.
func quoted(f func(dst []byte, i int) []byte) jsonFunc {
	return func(dst []byte, i int) []byte {
		dst = append(dst, '"')
		return append(f(dst, i), '"')
	}
}

// appendJSONFloat appends f as a JSON number, or null for NaN and the
// infinities.
func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	return appendFloat(dst, f, bits)
}

// appendJSONObject appends row i as an object with the keys of jsonKeys
// and the values of the formatters.
func appendJSONObject(dst []byte, keys [][]byte, values []jsonFunc, i int) []byte {
	dst = append(dst, '{')
	for c, f := range values {
		if c > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, keys[c]...)
		dst = f(dst, i)
	}
	return append(dst, '}')
}

// jsonKeys returns the object keys of columns with the names, each
// written as a JSON string followed by a colon. Names must be unique
// within an object, and a result's column names need not be: a name that
// has been used already gets the first suffix "_2", "_3", ... that makes
// it unique, so SELECT a.id, b.id gives {"id":...,"id_2":...}.
func jsonKeys(names []string) [][]byte {
	used := make(map[string]bool, len(names))
	for _, n := range names {
		used[n] = true
	}
	seen := make(map[string]bool, len(names))
	keys := make([][]byte, len(names))
	for i, n := range names {
		key := n
		if seen[n] {
			for k := 2; ; k++ {
				key = n + "_" + strconv.Itoa(k)
				if !used[key] {
					break
				}
			}
			used[key] = true
		}
		seen[n] = true
		keys[i] = append(appendJSONString(nil, key), ':')
	}
	return keys
}

// appendJSONString appends s as a JSON string. Quotes, backslashes and
// control characters are escaped, as are U+2028 and U+2029 (which
// JavaScript does not allow in strings); invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, `\n`...)
			case '\r':
				dst = append(dst, `\r`...)
			case '\t':
				dst = append(dst, `\t`...)
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
