package planner

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// errInexact reports that a constant has no exact value in a type.
var errInexact = fmt.Errorf("value does not fit exactly")

// castConst converts a constant to type to. It fails when the value cannot
// be represented exactly (an integer out of range, a fraction cast to an
// integer, digits beyond a decimal's scale) or the text does not parse.
func castConst(v scalar.Scalar, to arrow.DataType) (scalar.Scalar, error) {
	if arrow.TypeEqual(v.DataType(), to) {
		return v, nil
	}
	if !v.IsValid() {
		return scalar.MakeNullScalar(to), nil
	}
	switch v := v.(type) {
	case *scalar.String:
		return parseConst(string(v.Value.Bytes()), to)
	case *scalar.Int64:
		return intConst(v.Value, to)
	case *scalar.Int32:
		return intConst(int64(v.Value), to)
	case *scalar.Int16:
		return intConst(int64(v.Value), to)
	case *scalar.Int8:
		return intConst(int64(v.Value), to)
	case *scalar.Decimal128:
		return decimalConst(v.Value, v.DataType().(*arrow.Decimal128Type).Scale, to)
	case *scalar.Float64:
		return floatConst(v.Value, to)
	case *scalar.Float32:
		return floatConst(float64(v.Value), to)
	case *scalar.Date32:
		if ts, ok := to.(*arrow.TimestampType); ok && ts.Unit == arrow.Microsecond {
			return scalar.NewTimestampScalar(arrow.Timestamp(int64(v.Value)*86400_000_000), to), nil
		}
	case *scalar.Timestamp:
		if to.ID() == arrow.DATE32 {
			us := int64(v.Value)
			if us%86400_000_000 != 0 {
				return nil, errInexact
			}
			return scalar.NewDate32Scalar(arrow.Date32(us / 86400_000_000)), nil
		}
	}
	return nil, fmt.Errorf("cannot convert %s to %s", typeName(v.DataType()), typeName(to))
}

func intConst(n int64, to arrow.DataType) (scalar.Scalar, error) {
	switch to := to.(type) {
	case *arrow.Int64Type:
		return scalar.NewInt64Scalar(n), nil
	case *arrow.Int32Type:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, errInexact
		}
		return scalar.NewInt32Scalar(int32(n)), nil
	case *arrow.Int16Type:
		if n < math.MinInt16 || n > math.MaxInt16 {
			return nil, errInexact
		}
		return scalar.NewInt16Scalar(int16(n)), nil
	case *arrow.Int8Type:
		if n < math.MinInt8 || n > math.MaxInt8 {
			return nil, errInexact
		}
		return scalar.NewInt8Scalar(int8(n)), nil
	case *arrow.Float64Type:
		return scalar.NewFloat64Scalar(float64(n)), nil
	case *arrow.Float32Type:
		return scalar.NewFloat32Scalar(float32(n)), nil
	case *arrow.Decimal128Type:
		return decimalConst(decimal128.FromI64(n), 0, to)
	}
	return nil, fmt.Errorf("cannot convert BIGINT to %s", typeName(to))
}

func decimalConst(n decimal128.Num, scale int32, to arrow.DataType) (scalar.Scalar, error) {
	switch to := to.(type) {
	case *arrow.Decimal128Type:
		out, err := n.Rescale(scale, to.Scale)
		if err != nil || !out.FitsInPrecision(to.Precision) {
			return nil, errInexact
		}
		return scalar.NewDecimal128Scalar(out, to), nil
	case *arrow.Float64Type:
		return scalar.NewFloat64Scalar(n.ToFloat64(scale)), nil
	case *arrow.Float32Type:
		return scalar.NewFloat32Scalar(n.ToFloat32(scale)), nil
	}
	if isInteger(to) {
		i, err := n.Rescale(scale, 0)
		if err != nil || !i.FitsInPrecision(18) {
			return nil, errInexact
		}
		return intConst(int64(i.LowBits()), to)
	}
	return nil, fmt.Errorf("cannot convert DECIMAL to %s", typeName(to))
}

func floatConst(f float64, to arrow.DataType) (scalar.Scalar, error) {
	switch to := to.(type) {
	case *arrow.Float64Type:
		return scalar.NewFloat64Scalar(f), nil
	case *arrow.Float32Type:
		if float64(float32(f)) != f {
			return nil, errInexact
		}
		return scalar.NewFloat32Scalar(float32(f)), nil
	case *arrow.Decimal128Type:
		n, err := decimal128.FromFloat64(f, to.Precision, to.Scale)
		if err != nil || n.ToFloat64(to.Scale) != f {
			return nil, errInexact
		}
		return scalar.NewDecimal128Scalar(n, to), nil
	}
	if isInteger(to) {
		if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return nil, errInexact
		}
		return intConst(int64(f), to)
	}
	return nil, fmt.Errorf("cannot convert DOUBLE to %s", typeName(to))
}

// Layouts accepted for date and timestamp text, as in SQL literals.
var timestampLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseConst reads text as a value of type to.
func parseConst(s string, to arrow.DataType) (scalar.Scalar, error) {
	t := strings.TrimSpace(s)
	switch to := to.(type) {
	case *arrow.StringType:
		return scalar.NewStringScalar(s), nil
	case *arrow.Date32Type:
		d, err := time.Parse("2006-01-02", t)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date: write 'YYYY-MM-DD'", s)
		}
		return scalar.NewDate32Scalar(arrow.Date32FromTime(d)), nil
	case *arrow.TimestampType:
		for _, layout := range timestampLayouts {
			if ts, err := time.Parse(layout, t); err == nil {
				v, err := arrow.TimestampFromTime(ts.UTC(), to.Unit)
				if err != nil {
					return nil, err
				}
				return scalar.NewTimestampScalar(v, to), nil
			}
		}
		return nil, fmt.Errorf("%q is not a timestamp: write 'YYYY-MM-DD HH:MM:SS[.ffffff]'", s)
	case *arrow.Decimal128Type:
		n, err := decimal128.FromString(t, to.Precision, to.Scale)
		if err != nil {
			return nil, fmt.Errorf("%q is not a %s", s, typeName(to))
		}
		return scalar.NewDecimal128Scalar(n, to), nil
	}
	if isNumeric(to) {
		var f float64
		if _, err := fmt.Sscan(t, &f); err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return floatConst(f, to)
	}
	return nil, fmt.Errorf("cannot convert VARCHAR to %s", typeName(to))
}
