package answer

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"

	"github.com/hopsql/hopsql/planner/plantest"
)

// mode is how one column of two answers is compared.
type mode int

const (
	modeText   mode = iota // canonical text, byte for byte
	modeExact              // rationals
	modeTime               // microseconds since the epoch
	modeApprox             // float64 within a tolerance
)

// column is how one column of two answers is compared.
type column struct {
	mode mode
	// scales are the decimal scales of the want and got sides (-1 for
	// other types), which widen the tolerance of modeApprox.
	scales [2]int
}

// plan decides how each column of want and got is compared.
func plan(want, got []plantest.Column) []column {
	cols := make([]column, len(want))
	for j := range want {
		wc, ws := plantest.TypeClass(want[j].Type)
		gc, gs := plantest.TypeClass(got[j].Type)
		numeric := func(c plantest.Class) bool {
			return c == plantest.ClassExact || c == plantest.ClassFloat || c == plantest.ClassBool
		}
		c := column{scales: [2]int{ws, gs}}
		switch {
		case numeric(wc) && numeric(gc) && (wc == plantest.ClassFloat || gc == plantest.ClassFloat):
			c.mode = modeApprox
		case numeric(wc) && numeric(gc):
			c.mode = modeExact
		case wc == plantest.ClassTime && gc == plantest.ClassTime:
			c.mode = modeTime
		default:
			c.mode = modeText
		}
		cols[j] = c
	}
	return cols
}

// Tags of the canonical encoding; each value's encoding is self-delimiting,
// so a row's encoding is the concatenation of its values'.
const (
	tagNull   = 0
	tagNumber = 'n' // sign, scale, length and big-endian magnitude of a normalized rational
	tagTime   = 't' // 8 bytes of microseconds
	tagText   = 's' // uvarint length, bytes
	tagFloat  = 'f' // a non-NULL approximate value; the value is kept apart
)

// encoder appends the canonical encoding of row i of one column to b.
type encoder func(b []byte, i int) ([]byte, error)

// floater returns row i of an approximate column as a float64, or null.
type floater func(i int) (f float64, null bool)

// encoderFor returns the encoder of col compared in mode m. Approximate
// columns encode only whether they are NULL.
func encoderFor(col arrow.Array, m mode) (encoder, error) {
	if col.DataType().ID() == arrow.NULL {
		return func(b []byte, _ int) ([]byte, error) { return append(b, tagNull), nil }, nil
	}
	var enc encoder
	switch m {
	case modeExact:
		enc = exactEncoder(col)
	case modeTime:
		enc = timeEncoder(col)
	case modeApprox:
		if f := floaterFor(col); f != nil {
			enc = func(b []byte, i int) ([]byte, error) { return append(b, tagFloat), nil }
		}
	case modeText:
		enc = textEncoder(col)
	}
	if enc == nil {
		return nil, fmt.Errorf("a column of type %s cannot be compared as %s", col.DataType(), m)
	}
	return func(b []byte, i int) ([]byte, error) {
		if col.IsNull(i) {
			return append(b, tagNull), nil
		}
		return enc(b, i)
	}, nil
}

func (m mode) String() string {
	return [...]string{"text", "an exact number", "a date or timestamp", "an approximate number"}[m]
}

func exactEncoder(col arrow.Array) encoder {
	switch a := col.(type) {
	case *array.Int8:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, int64(a.Value(i)), 0), nil }
	case *array.Int16:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, int64(a.Value(i)), 0), nil }
	case *array.Int32:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, int64(a.Value(i)), 0), nil }
	case *array.Int64:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, a.Value(i), 0), nil }
	case *array.Uint8:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, int64(a.Value(i)), 0), nil }
	case *array.Uint16:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, int64(a.Value(i)), 0), nil }
	case *array.Uint32:
		return func(b []byte, i int) ([]byte, error) { return appendInt(b, int64(a.Value(i)), 0), nil }
	case *array.Uint64:
		return func(b []byte, i int) ([]byte, error) {
			if v := a.Value(i); v > 0 {
				return appendNumber(b, 1, v, 0), nil
			}
			return appendNumber(b, 0, 0, 0), nil
		}
	case *array.Boolean:
		return func(b []byte, i int) ([]byte, error) {
			if a.Value(i) {
				return appendNumber(b, 1, 1, 0), nil
			}
			return appendNumber(b, 0, 0, 0), nil
		}
	case *array.Decimal128:
		scale := int(a.DataType().(*arrow.Decimal128Type).Scale)
		return func(b []byte, i int) ([]byte, error) {
			n := a.Value(i)
			if v, ok := int64Of(n); ok && scale >= 0 {
				return appendInt(b, v, scale), nil
			}
			return appendBig(b, n.BigInt(), scale), nil
		}
	case *array.Decimal256:
		scale := int(a.DataType().(*arrow.Decimal256Type).Scale)
		return func(b []byte, i int) ([]byte, error) { return appendBig(b, a.Value(i).BigInt(), scale), nil }
	}
	return nil
}

// int64Of returns n as an int64 if it fits.
func int64Of(n decimal128.Num) (int64, bool) {
	lo, hi := n.LowBits(), n.HighBits()
	if hi == 0 && lo <= math.MaxInt64 || hi == -1 && lo > math.MaxInt64 {
		return int64(lo), true
	}
	return 0, false
}

// appendInt appends the rational v/10^scale (scale >= 0), normalized:
// trailing decimal zeros are dropped, so 300/10^2 encodes as 3.
func appendInt(b []byte, v int64, scale int) []byte {
	for scale > 0 && v%10 == 0 {
		v /= 10
		scale--
	}
	switch {
	case v < 0:
		return appendNumber(b, -1, uint64(^v)+1, scale)
	case v > 0:
		return appendNumber(b, 1, uint64(v), scale)
	}
	return appendNumber(b, 0, 0, 0)
}

// appendNumber appends a normalized rational: sign, scale and the minimal
// big-endian bytes of its magnitude (none for zero).
func appendNumber(b []byte, sign int, mag uint64, scale int) []byte {
	n := (bits.Len64(mag) + 7) / 8
	b = append(b, tagNumber, byte(sign+1))
	b = binary.AppendUvarint(b, uint64(scale))
	b = append(b, byte(n))
	for k := n - 1; k >= 0; k-- {
		b = append(b, byte(mag>>(8*k)))
	}
	return b
}

var (
	bigTen  = big.NewInt(10)
	bigZero = new(big.Int)
)

// appendBig appends the rational v/10^scale, normalized as appendInt does,
// with the same bytes for the same value.
func appendBig(b []byte, v *big.Int, scale int) []byte {
	v = new(big.Int).Set(v)
	if scale < 0 {
		v.Mul(v, new(big.Int).Exp(bigTen, big.NewInt(int64(-scale)), nil))
		scale = 0
	}
	q, r := new(big.Int), new(big.Int)
	for scale > 0 && v.Sign() != 0 {
		q.QuoRem(v, bigTen, r)
		if r.Cmp(bigZero) != 0 {
			break
		}
		v, q = q, v
		scale--
	}
	if v.Sign() == 0 {
		scale = 0
	}
	mag := v.Bytes() // minimal big-endian magnitude
	b = append(b, tagNumber, byte(v.Sign()+1))
	b = binary.AppendUvarint(b, uint64(scale))
	b = append(b, byte(len(mag)))
	return append(b, mag...)
}

const (
	microsPerDay = 86_400_000_000
	msPerDay     = 86_400_000
)

func timeEncoder(col arrow.Array) encoder {
	var micros func(i int) int64
	switch a := col.(type) {
	case *array.Date32:
		micros = func(i int) int64 { return int64(a.Value(i)) * microsPerDay }
	case *array.Date64:
		// plantest reads a date as its day, whatever time it holds.
		micros = func(i int) int64 { return floorDiv(int64(a.Value(i)), msPerDay) * microsPerDay }
	case *array.Timestamp:
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Second:
			micros = func(i int) int64 { return int64(a.Value(i)) * 1_000_000 }
		case arrow.Millisecond:
			micros = func(i int) int64 { return int64(a.Value(i)) * 1_000 }
		case arrow.Microsecond:
			micros = func(i int) int64 { return int64(a.Value(i)) }
		case arrow.Nanosecond:
			// plantest's text keeps microseconds, truncated.
			micros = func(i int) int64 { return floorDiv(int64(a.Value(i)), 1_000) }
		}
	}
	if micros == nil {
		return nil
	}
	return func(b []byte, i int) ([]byte, error) {
		return binary.BigEndian.AppendUint64(append(b, tagTime), uint64(micros(i))), nil
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func textEncoder(col arrow.Array) encoder {
	appendText := func(b []byte, s string) []byte {
		b = binary.AppendUvarint(append(b, tagText), uint64(len(s)))
		return append(b, s...)
	}
	switch a := col.(type) {
	case *array.String:
		return func(b []byte, i int) ([]byte, error) { return appendText(b, a.Value(i)), nil }
	case *array.LargeString:
		return func(b []byte, i int) ([]byte, error) { return appendText(b, a.Value(i)), nil }
	}
	if _, err := plantest.TypeName(col.DataType()); err != nil {
		return nil
	}
	// A number, date or boolean against text compares by its canonical
	// text, as in plantest; no answer of ours has such a column in bulk.
	return func(b []byte, i int) ([]byte, error) {
		v, err := plantest.ArrowValue(col, i)
		if err != nil {
			return b, err
		}
		return appendText(b, v.Text), nil
	}
}

// floaterFor returns the float64 reader of a numeric column, converting as
// plantest does (exactly rounded), or nil for any other column.
func floaterFor(col arrow.Array) floater {
	wrap := func(f func(i int) float64) floater {
		return func(i int) (float64, bool) {
			if col.IsNull(i) {
				return 0, true
			}
			return f(i), false
		}
	}
	switch a := col.(type) {
	case *array.Float64:
		return wrap(a.Value)
	case *array.Float32:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Int8:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Int16:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Int32:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Int64:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Uint8:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Uint16:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Uint32:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Uint64:
		return wrap(func(i int) float64 { return float64(a.Value(i)) })
	case *array.Boolean:
		return wrap(func(i int) float64 {
			if a.Value(i) {
				return 1
			}
			return 0
		})
	case *array.Decimal128:
		scale := int(a.DataType().(*arrow.Decimal128Type).Scale)
		return wrap(func(i int) float64 {
			n := a.Value(i)
			if v, ok := int64Of(n); ok && v > -1<<53 && v < 1<<53 && scale >= 0 && scale <= 22 {
				// Both operands are exact, and IEEE division rounds
				// correctly: the same float64 as big.Rat's.
				return float64(v) / math.Pow10(scale)
			}
			return ratFloat(n.BigInt(), scale)
		})
	case *array.Decimal256:
		scale := int(a.DataType().(*arrow.Decimal256Type).Scale)
		return wrap(func(i int) float64 { return ratFloat(a.Value(i).BigInt(), scale) })
	}
	return nil
}

// ratFloat returns v/10^scale rounded to the nearest float64.
func ratFloat(v *big.Int, scale int) float64 {
	p := new(big.Int).Exp(bigTen, big.NewInt(int64(max(scale, -scale))), nil)
	r := new(big.Rat)
	if scale >= 0 {
		r.SetFrac(v, p)
	} else {
		r.SetInt(new(big.Int).Mul(v, p))
	}
	f, _ := r.Float64()
	return f
}
