package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/hopsql/hopsql/connector"
)

// resultRows streams a query's batches as rows. It pulls a batch from the
// engine only when the current one is used up.
type resultRows struct {
	rr     array.RecordReader
	cancel context.CancelFunc
	schema *arrow.Schema
	cols   []cellFunc // readers of the current batch's columns
	i, n   int        // next row and rows in the current batch
}

// cellFunc returns the value of row i of a column of the current batch.
type cellFunc func(i int) (driver.Value, error)

var (
	_ driver.RowsColumnTypeScanType         = (*resultRows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*resultRows)(nil)
	_ driver.RowsColumnTypeNullable         = (*resultRows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*resultRows)(nil)
	_ driver.RowsColumnTypeLength           = (*resultRows)(nil)
)

func newRows(rr array.RecordReader, cancel context.CancelFunc) *resultRows {
	return &resultRows{rr: rr, cancel: cancel, schema: rr.Schema()}
}

// Columns returns the names of the result's columns.
func (r *resultRows) Columns() []string {
	names := make([]string, r.schema.NumFields())
	for i, f := range r.schema.Fields() {
		names[i] = f.Name
	}
	return names
}

// Close releases the reader, which stops the query. It is idempotent.
func (r *resultRows) Close() error {
	if r.rr != nil {
		r.rr.Release()
		r.rr = nil
		r.cols = nil
		r.cancel()
	}
	return nil
}

// Next fills dest with the next row.
func (r *resultRows) Next(dest []driver.Value) error {
	for r.i >= r.n {
		if r.rr == nil {
			return io.EOF
		}
		if !r.rr.Next() {
			if err := r.rr.Err(); err != nil {
				return err
			}
			return io.EOF
		}
		rec := r.rr.Record()
		r.i, r.n = 0, int(rec.NumRows())
		r.cols = r.cols[:0]
		for _, col := range rec.Columns() {
			r.cols = append(r.cols, cellReader(col))
		}
	}
	for j, read := range r.cols {
		v, err := read(r.i)
		if err != nil {
			return fmt.Errorf("hopsql: column %s: %w", r.schema.Field(j).Name, err)
		}
		dest[j] = v
	}
	r.i++
	return nil
}

// cellReader returns the reader of a column's cells, chosen once per batch.
func cellReader(col arrow.Array) cellFunc {
	switch a := col.(type) {
	case *array.Int64:
		return intCells(a, a.Int64Values())
	case *array.Int32:
		return intCells(a, a.Int32Values())
	case *array.Int16:
		return intCells(a, a.Int16Values())
	case *array.Int8:
		return intCells(a, a.Int8Values())
	case *array.Uint32:
		return intCells(a, a.Uint32Values())
	case *array.Uint16:
		return intCells(a, a.Uint16Values())
	case *array.Uint8:
		return intCells(a, a.Uint8Values())
	case *array.Uint64:
		vals := a.Uint64Values()
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			if vals[i] > math.MaxInt64 {
				return nil, fmt.Errorf("%d is out of the range of int64", vals[i])
			}
			return int64(vals[i]), nil
		}
	case *array.Float64:
		return floatCells(a, a.Float64Values())
	case *array.Float32:
		return floatCells(a, a.Float32Values())
	case *array.Float16:
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return float64(a.Value(i).Float32()), nil
		}
	case *array.Boolean:
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return a.Value(i), nil
		}
	case *array.String:
		// The string would alias Arrow memory, which the next batch may reuse.
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return strings.Clone(a.Value(i)), nil
		}
	case *array.LargeString:
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return strings.Clone(a.Value(i)), nil
		}
	case *array.Binary:
		// database/sql copies []byte except into sql.RawBytes, which is
		// valid until the next call to Next, as this slice is.
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return a.Value(i), nil
		}
	case *array.LargeBinary:
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return a.Value(i), nil
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return formatDecimal(a.Value(i), scale), nil
		}
	case *array.Date32:
		vals := a.Date32Values()
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return vals[i].ToTime(), nil
		}
	case *array.Date64:
		vals := a.Date64Values()
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return vals[i].ToTime(), nil
		}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		vals := a.TimestampValues()
		return func(i int) (driver.Value, error) {
			if a.IsNull(i) {
				return nil, nil
			}
			return vals[i].ToTime(unit).UTC(), nil
		}
	case *array.Null:
		return func(int) (driver.Value, error) { return nil, nil }
	default:
		// Arrays, structs and other nested types: Arrow's text form.
		return func(i int) (driver.Value, error) {
			if col.IsNull(i) {
				return nil, nil
			}
			return col.ValueStr(i), nil
		}
	}
}

func intCells[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32](a arrow.Array, vals []T) cellFunc {
	return func(i int) (driver.Value, error) {
		if a.IsNull(i) {
			return nil, nil
		}
		return int64(vals[i]), nil
	}
}

func floatCells[T float32 | float64](a arrow.Array, vals []T) cellFunc {
	return func(i int) (driver.Value, error) {
		if a.IsNull(i) {
			return nil, nil
		}
		return float64(vals[i]), nil
	}
}

var (
	typeInt64       = reflect.TypeFor[int64]()
	typeFloat64     = reflect.TypeFor[float64]()
	typeBool        = reflect.TypeFor[bool]()
	typeString      = reflect.TypeFor[string]()
	typeBytes       = reflect.TypeFor[[]byte]()
	typeTime        = reflect.TypeFor[time.Time]()
	typeNullInt64   = reflect.TypeFor[sql.NullInt64]()
	typeNullFloat64 = reflect.TypeFor[sql.NullFloat64]()
	typeNullBool    = reflect.TypeFor[sql.NullBool]()
	typeNullString  = reflect.TypeFor[sql.NullString]()
	typeNullTime    = reflect.TypeFor[sql.NullTime]()
	typeAny         = reflect.TypeFor[any]()
)

// ColumnTypeScanType returns the Go type a column scans into: int64,
// float64, bool, string (also decimals), time.Time or []byte, or the
// matching sql.Null* type when the column is nullable.
func (r *resultRows) ColumnTypeScanType(index int) reflect.Type {
	f := r.schema.Field(index)
	plain, null := typeString, typeNullString
	switch f.Type.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		plain, null = typeInt64, typeNullInt64
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		plain, null = typeFloat64, typeNullFloat64
	case arrow.BOOL:
		plain, null = typeBool, typeNullBool
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		plain, null = typeTime, typeNullTime
	case arrow.BINARY, arrow.LARGE_BINARY:
		return typeBytes
	case arrow.NULL:
		return typeAny
	}
	if f.Nullable {
		return null
	}
	return plain
}

// ColumnTypeDatabaseTypeName returns the Hopsworks offline type name of a
// column in upper case, without parameters: BIGINT, DECIMAL, ARRAY, ...
func (r *resultRows) ColumnTypeDatabaseTypeName(index int) string {
	name, err := connector.TypeName(r.schema.Field(index).Type)
	if err != nil {
		return ""
	}
	if i := strings.IndexAny(name, "(<"); i >= 0 {
		name = name[:i]
	}
	return strings.ToUpper(name)
}

// ColumnTypeNullable reports whether a column may hold NULLs.
func (r *resultRows) ColumnTypeNullable(index int) (nullable, ok bool) {
	return r.schema.Field(index).Nullable, true
}

// ColumnTypePrecisionScale returns the precision and scale of decimal
// columns.
func (r *resultRows) ColumnTypePrecisionScale(index int) (precision, scale int64, ok bool) {
	if t, isDec := r.schema.Field(index).Type.(arrow.DecimalType); isDec {
		return int64(t.GetPrecision()), int64(t.GetScale()), true
	}
	return 0, 0, false
}

// ColumnTypeLength returns math.MaxInt64 for strings and binary, whose
// length is not bounded, as database/sql documents; other types have no
// length.
func (r *resultRows) ColumnTypeLength(index int) (length int64, ok bool) {
	switch r.schema.Field(index).Type.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return math.MaxInt64, true
	}
	return 0, false
}

// formatDecimal formats n with scale digits after the point, as
// decimal128.Num.ToString does, without big.Float for values that fit in
// an int64.
func formatDecimal(n decimal128.Num, scale int32) string {
	lo, hi := n.LowBits(), n.HighBits()
	if scale < 0 || scale > 18 || hi != int64(lo)>>63 {
		return n.ToString(scale)
	}
	v := int64(lo)
	var buf [48]byte
	i := len(buf)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	for d := int32(0); ; d++ { // d digits written so far
		if d == scale && scale > 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 && d >= scale {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
