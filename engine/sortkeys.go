package engine

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
)

// SortKey orders by one input column.
type SortKey struct {
	// Col is the index of the column in the input.
	Col int
	// Desc orders from the largest value to the smallest.
	Desc bool
	// NullsFirst puts NULLs before every value, whatever the direction;
	// otherwise they come after every value. DuckDB's default is NULLS
	// LAST for both directions.
	NullsFirst bool
}

// describeKeys renders sort keys for EXPLAIN: "a, b DESC NULLS FIRST".
func describeKeys(schema *arrow.Schema, keys []SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := fmt.Sprintf("#%d", k.Col)
		if k.Col >= 0 && k.Col < schema.NumFields() {
			name = schema.Field(k.Col).Name
		}
		if k.Desc {
			name += " DESC"
		}
		if k.NullsFirst {
			name += " NULLS FIRST"
		}
		parts[i] = name
	}
	return strings.Join(parts, ", ")
}

// keyValues holds the non-NULL values of one sort key column over the
// chunks (batches) an operator keeps, numbered in the order they were
// added. Values compare in ascending SQL order: numbers and decimals by
// value, NaN above every other float, strings byte-wise, booleans false
// before true.
//
// For radix sorting, values map to order-preserving 64-bit prefixes at
// increasing depths: a < b implies prefix(a) <= prefix(b) at depth 0, and
// values with equal prefixes at every depth up to d are ordered by their
// prefixes at depth d+1. Fixed-width values need one depth, strings one per
// seven bytes, decimals up to three.
type keyValues interface {
	// add appends a chunk and returns the bytes of Go memory its view
	// takes (a copy of booleans).
	add(arr arrow.Array) int64
	// drop forgets chunk c.
	drop(c int)
	// reset forgets every chunk; the next one added is chunk 0.
	reset()
	// cmp compares row r1 of chunk c1 with row r2 of chunk c2.
	cmp(c1, r1, c2, r2 int) int
	// prefixes sets out[k] to the prefix at depth of row rows[k] of
	// chunk c, or of row k when rows is nil. NULL rows get any prefix.
	prefixes(c int, rows []int32, depth int, out []uint64)
	// prefix returns the prefix at depth 0 of one row.
	prefix(c, r int) uint64
	// deeper reports whether values whose prefixes at depth equal p may
	// still differ.
	deeper(p uint64, depth int) bool
}

// newKeyValues returns the keyValues for a column of type dt.
func newKeyValues(dt arrow.DataType) (keyValues, error) {
	switch dt.ID() {
	case arrow.INT8:
		return &signedValues[int8]{view: func(a arrow.Array) []int8 { return a.(*array.Int8).Int8Values() }}, nil
	case arrow.INT16:
		return &signedValues[int16]{view: func(a arrow.Array) []int16 { return a.(*array.Int16).Int16Values() }}, nil
	case arrow.INT32:
		return &signedValues[int32]{view: func(a arrow.Array) []int32 { return a.(*array.Int32).Int32Values() }}, nil
	case arrow.INT64:
		return &signedValues[int64]{view: func(a arrow.Array) []int64 { return a.(*array.Int64).Int64Values() }}, nil
	case arrow.DATE32:
		return &signedValues[arrow.Date32]{view: func(a arrow.Array) []arrow.Date32 { return a.(*array.Date32).Date32Values() }}, nil
	case arrow.DATE64:
		return &signedValues[arrow.Date64]{view: func(a arrow.Array) []arrow.Date64 { return a.(*array.Date64).Date64Values() }}, nil
	case arrow.TIMESTAMP:
		return &signedValues[arrow.Timestamp]{view: func(a arrow.Array) []arrow.Timestamp { return a.(*array.Timestamp).TimestampValues() }}, nil
	case arrow.TIME32:
		return &signedValues[arrow.Time32]{view: func(a arrow.Array) []arrow.Time32 { return a.(*array.Time32).Time32Values() }}, nil
	case arrow.TIME64:
		return &signedValues[arrow.Time64]{view: func(a arrow.Array) []arrow.Time64 { return a.(*array.Time64).Time64Values() }}, nil
	case arrow.DURATION:
		return &signedValues[arrow.Duration]{view: func(a arrow.Array) []arrow.Duration { return a.(*array.Duration).DurationValues() }}, nil
	case arrow.UINT8:
		return &unsignedValues[uint8]{view: func(a arrow.Array) []uint8 { return a.(*array.Uint8).Uint8Values() }}, nil
	case arrow.UINT16:
		return &unsignedValues[uint16]{view: func(a arrow.Array) []uint16 { return a.(*array.Uint16).Uint16Values() }}, nil
	case arrow.UINT32:
		return &unsignedValues[uint32]{view: func(a arrow.Array) []uint32 { return a.(*array.Uint32).Uint32Values() }}, nil
	case arrow.UINT64:
		return &unsignedValues[uint64]{view: func(a arrow.Array) []uint64 { return a.(*array.Uint64).Uint64Values() }}, nil
	case arrow.BOOL:
		return &unsignedValues[uint8]{view: boolBytes, copies: true}, nil
	case arrow.FLOAT32:
		return &floatValues[float32]{view: func(a arrow.Array) []float32 { return a.(*array.Float32).Float32Values() }}, nil
	case arrow.FLOAT64:
		return &floatValues[float64]{view: func(a arrow.Array) []float64 { return a.(*array.Float64).Float64Values() }}, nil
	case arrow.DECIMAL128:
		return &decimalValues{}, nil
	case arrow.STRING, arrow.BINARY:
		return &binaryValues[int32]{cast: arrow.Int32Traits.CastFromBytes}, nil
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return &binaryValues[int64]{cast: arrow.Int64Traits.CastFromBytes}, nil
	}
	return nil, fmt.Errorf("engine: cannot sort by values of type %s", dt)
}

// boolBytes copies booleans into bytes, 0 for false and 1 for true.
func boolBytes(a arrow.Array) []uint8 {
	b := a.(*array.Boolean)
	out := make([]uint8, b.Len())
	for i := range out {
		if b.Value(i) {
			out[i] = 1
		}
	}
	return out
}

type signedValues[T ~int8 | ~int16 | ~int32 | ~int64] struct {
	vals [][]T
	view func(arrow.Array) []T
}

func (v *signedValues[T]) add(a arrow.Array) int64 { v.vals = append(v.vals, v.view(a)); return 0 }
func (v *signedValues[T]) drop(c int)              { v.vals[c] = nil }
func (v *signedValues[T]) reset()                  { v.vals = v.vals[:0] }

func (v *signedValues[T]) cmp(c1, r1, c2, r2 int) int {
	a, b := v.vals[c1][r1], v.vals[c2][r2]
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (v *signedValues[T]) prefixes(c int, rows []int32, _ int, out []uint64) {
	vals := v.vals[c]
	if rows == nil {
		for i, x := range vals {
			out[i] = uint64(int64(x)) ^ 1<<63
		}
		return
	}
	for k, r := range rows {
		x := vals[r]
		out[k] = uint64(int64(x)) ^ 1<<63
	}
}

func (v *signedValues[T]) prefix(c, r int) uint64  { return uint64(int64(v.vals[c][r])) ^ 1<<63 }
func (v *signedValues[T]) deeper(uint64, int) bool { return false }

type unsignedValues[T ~uint8 | ~uint16 | ~uint32 | ~uint64] struct {
	vals [][]T
	view func(arrow.Array) []T
	// copies says view copies the values into Go memory.
	copies bool
}

func (v *unsignedValues[T]) add(a arrow.Array) int64 {
	v.vals = append(v.vals, v.view(a))
	if v.copies {
		return int64(a.Len())
	}
	return 0
}

func (v *unsignedValues[T]) drop(c int) { v.vals[c] = nil }
func (v *unsignedValues[T]) reset()     { v.vals = v.vals[:0] }

func (v *unsignedValues[T]) cmp(c1, r1, c2, r2 int) int {
	a, b := v.vals[c1][r1], v.vals[c2][r2]
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (v *unsignedValues[T]) prefixes(c int, rows []int32, _ int, out []uint64) {
	vals := v.vals[c]
	if rows == nil {
		for i, x := range vals {
			out[i] = uint64(x)
		}
		return
	}
	for k, r := range rows {
		x := vals[r]
		out[k] = uint64(x)
	}
}

func (v *unsignedValues[T]) prefix(c, r int) uint64  { return uint64(v.vals[c][r]) }
func (v *unsignedValues[T]) deeper(uint64, int) bool { return false }

type floatValues[T ~float32 | ~float64] struct {
	vals [][]T
	view func(arrow.Array) []T
}

func (v *floatValues[T]) add(a arrow.Array) int64 { v.vals = append(v.vals, v.view(a)); return 0 }
func (v *floatValues[T]) drop(c int)              { v.vals[c] = nil }
func (v *floatValues[T]) reset()                  { v.vals = v.vals[:0] }

func (v *floatValues[T]) cmp(c1, r1, c2, r2 int) int {
	a, b := v.vals[c1][r1], v.vals[c2][r2]
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	// At least one is NaN, which sorts above every other value.
	switch an, bn := a != a, b != b; {
	case an && bn:
		return 0
	case an:
		return 1
	}
	return -1
}

func (v *floatValues[T]) prefixes(c int, rows []int32, _ int, out []uint64) {
	vals := v.vals[c]
	if rows == nil {
		for i, x := range vals {
			out[i] = floatPrefix(float64(x))
		}
		return
	}
	for k, r := range rows {
		x := vals[r]
		out[k] = floatPrefix(float64(x))
	}
}

func (v *floatValues[T]) prefix(c, r int) uint64  { return floatPrefix(float64(v.vals[c][r])) }
func (v *floatValues[T]) deeper(uint64, int) bool { return false }

// floatPrefix maps floats to integers in the same order, with -0 equal to 0
// and every NaN above +Inf.
func floatPrefix(x float64) uint64 {
	if x != x {
		return math.MaxUint64
	}
	if x == 0 {
		return 1 << 63
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

type decimalValues struct{ vals [][]decimal128.Num }

func (v *decimalValues) add(a arrow.Array) int64 {
	v.vals = append(v.vals, a.(*array.Decimal128).Values())
	return 0
}

func (v *decimalValues) drop(c int) { v.vals[c] = nil }
func (v *decimalValues) reset()     { v.vals = v.vals[:0] }

func (v *decimalValues) cmp(c1, r1, c2, r2 int) int { return v.vals[c1][r1].Cmp(v.vals[c2][r2]) }

func (v *decimalValues) prefixes(c int, rows []int32, depth int, out []uint64) {
	vals := v.vals[c]
	if rows == nil {
		for i, x := range vals {
			out[i] = decimalPrefix(x, depth)
		}
		return
	}
	for k, r := range rows {
		x := vals[r]
		out[k] = decimalPrefix(x, depth)
	}
}

func (v *decimalValues) prefix(c, r int) uint64 { return decimalPrefix(v.vals[c][r], 0) }

// deeper: at depth 0 only the clamped prefixes may hide different values.
func (v *decimalValues) deeper(p uint64, depth int) bool {
	return depth == 1 || depth == 0 && (p == 0 || p == math.MaxUint64)
}

// decimalPrefix orders decimals first by their unscaled value clamped to
// the int64 range (exact for most decimals), then by the high and the low
// 64 bits of the 128-bit value.
func decimalPrefix(x decimal128.Num, depth int) uint64 {
	hi, lo := x.HighBits(), x.LowBits()
	switch depth {
	case 0:
		switch {
		case hi == 0 && lo < 1<<63, hi == -1 && lo >= 1<<63:
			return lo ^ 1<<63
		case hi < 0:
			return 0
		}
		return math.MaxUint64
	case 1:
		return uint64(hi) ^ 1<<63
	}
	return lo
}

// binaryValues reads strings and binaries, whose offsets are of type O,
// straight from their Arrow buffers.
type binaryValues[O int32 | int64] struct {
	offs [][]O
	data [][]byte
	cast func([]byte) []O
}

func (v *binaryValues[O]) add(a arrow.Array) int64 {
	d := a.Data()
	var data []byte
	if b := d.Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	v.offs = append(v.offs, v.cast(d.Buffers()[1].Bytes())[d.Offset():d.Offset()+d.Len()+1])
	v.data = append(v.data, data)
	return 0
}

func (v *binaryValues[O]) drop(c int) { v.offs[c], v.data[c] = nil, nil }
func (v *binaryValues[O]) reset()     { v.offs, v.data = v.offs[:0], v.data[:0] }

func (v *binaryValues[O]) value(c, r int) []byte {
	o := v.offs[c]
	return v.data[c][o[r]:o[r+1]]
}

func (v *binaryValues[O]) cmp(c1, r1, c2, r2 int) int {
	return bytes.Compare(v.value(c1, r1), v.value(c2, r2))
}

func (v *binaryValues[O]) prefixes(c int, rows []int32, depth int, out []uint64) {
	offs, data, from := v.offs[c], v.data[c], depth*7
	if rows == nil {
		for i := range out {
			out[i] = stringPrefix(data[offs[i]:offs[i+1]], from)
		}
		return
	}
	for k, r := range rows {
		out[k] = stringPrefix(data[offs[r]:offs[r+1]], from)
	}
}

func (v *binaryValues[O]) prefix(c, r int) uint64 { return stringPrefix(v.value(c, r), 0) }

// deeper reports whether the strings are eight bytes or longer from where
// the prefix starts.
func (v *binaryValues[O]) deeper(p uint64, _ int) bool { return p&0xff == 8 }

// stringPrefix packs seven bytes of s from byte from on, zero-padded, above
// the number of bytes left capped at eight. The packing keeps byte-wise
// order, and strings whose prefixes are equal and end below eight are
// equal.
func stringPrefix(s []byte, from int) uint64 {
	if from >= len(s) {
		return 0
	}
	s = s[from:]
	if len(s) >= 8 {
		_ = s[7]
		return uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 |
			uint64(s[4])<<24 | uint64(s[5])<<16 | uint64(s[6])<<8 | 8
	}
	var p uint64
	for i := 0; i < len(s); i++ {
		p |= uint64(s[i]) << (56 - 8*i)
	}
	return p | uint64(len(s))
}

// orderKey is one sort key over the chunks an operator keeps: the key's
// values, their NULLs, its direction and where NULLs go.
type orderKey struct {
	SortKey
	typ   arrow.DataType
	vals  keyValues
	valid [][]byte // validity bitmap of each chunk, nil when it has no NULLs
	offs  []int
}

func (k *orderKey) isNull(c, r int) bool {
	v := k.valid[c]
	return v != nil && !bitutil.BitIsSet(v, k.offs[c]+r)
}

// compare compares two rows in the key's order.
func (k *orderKey) compare(c1, r1, c2, r2 int) int {
	if k.valid[c1] != nil || k.valid[c2] != nil {
		if n1, n2 := k.isNull(c1, r1), k.isNull(c2, r2); n1 || n2 {
			switch {
			case n1 && n2:
				return 0
			case n1 == k.NullsFirst:
				return -1
			}
			return 1
		}
	}
	c := k.vals.cmp(c1, r1, c2, r2)
	if k.Desc {
		return -c
	}
	return c
}

// prefixes fills out with the prefixes at depth of rows of chunk c (see
// keyValues.prefixes), inverted for a descending key.
func (k *orderKey) prefixes(c int, rows []int32, depth int, out []uint64) {
	k.vals.prefixes(c, rows, depth, out)
	if k.Desc {
		for i := range out {
			out[i] = ^out[i]
		}
	}
}

func (k *orderKey) prefix(c, r int) uint64 {
	p := k.vals.prefix(c, r)
	if k.Desc {
		return ^p
	}
	return p
}

// deeper reports whether rows whose prefixes at depth equal p may differ.
func (k *orderKey) deeper(p uint64, depth int) bool {
	if k.Desc {
		p = ^p
	}
	return k.vals.deeper(p, depth)
}

// rowOrder compares rows by a list of sort keys.
type rowOrder []*orderKey

// newRowOrder prepares the keys over columns of schema.
func newRowOrder(schema *arrow.Schema, keys []SortKey) (rowOrder, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("engine: no sort keys")
	}
	o := make(rowOrder, len(keys))
	for i, k := range keys {
		if k.Col < 0 || k.Col >= schema.NumFields() {
			return nil, fmt.Errorf("engine: sort key column %d out of range (%d columns)", k.Col, schema.NumFields())
		}
		dt := schema.Field(k.Col).Type
		vals, err := newKeyValues(dt)
		if err != nil {
			return nil, err
		}
		o[i] = &orderKey{SortKey: k, typ: dt, vals: vals}
	}
	return o, nil
}

// add appends rec as the next chunk and returns the bytes the keys' views
// of it take.
func (o rowOrder) add(rec arrow.Record) (int64, error) {
	for _, k := range o {
		if got := rec.Column(k.Col).DataType(); got.ID() != k.typ.ID() {
			return 0, fmt.Errorf("engine: sort key %d is %s, expected %s", k.Col, got, k.typ)
		}
	}
	var n int64
	for _, k := range o {
		a := rec.Column(k.Col)
		var valid []byte
		if a.NullN() > 0 {
			valid = a.NullBitmapBytes()
		}
		k.valid = append(k.valid, valid)
		k.offs = append(k.offs, a.Data().Offset())
		n += k.vals.add(a)
	}
	return n, nil
}

// drop forgets chunk c.
func (o rowOrder) drop(c int) {
	for _, k := range o {
		k.vals.drop(c)
		k.valid[c] = nil
	}
}

// compare compares two rows by every key.
func (o rowOrder) compare(c1, r1, c2, r2 int) int {
	for _, k := range o {
		if c := k.compare(c1, r1, c2, r2); c != 0 {
			return c
		}
	}
	return 0
}
