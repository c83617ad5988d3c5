package plantest

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// FromArrow reads every record of rr into a Result, naming each column's
// type as DuckDB would (BIGINT, DECIMAL(p,s), VARCHAR, TIMESTAMP, ...).
// It does not release rr.
func FromArrow(rr array.RecordReader) (*Result, error) {
	schema := rr.Schema()
	res := &Result{}
	for _, f := range schema.Fields() {
		t, err := TypeName(f.Type)
		if err != nil {
			return nil, fmt.Errorf("plantest: column %s: %w", f.Name, err)
		}
		res.Columns = append(res.Columns, Column{Name: f.Name, Type: t})
	}
	for rr.Next() {
		rec := rr.Record()
		n := int(rec.NumRows())
		base := len(res.Rows)
		for i := 0; i < n; i++ {
			res.Rows = append(res.Rows, make([]Value, rec.NumCols()))
		}
		for j, col := range rec.Columns() {
			for i := 0; i < n; i++ {
				v, err := ArrowValue(col, i)
				if err != nil {
					return nil, fmt.Errorf("plantest: column %s: %w", schema.Field(j).Name, err)
				}
				res.Rows[base+i][j] = v
			}
		}
	}
	if err := rr.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// TypeName returns DuckDB's name for an Arrow type.
func TypeName(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.Int8Type:
		return "TINYINT", nil
	case *arrow.Int16Type:
		return "SMALLINT", nil
	case *arrow.Int32Type:
		return "INTEGER", nil
	case *arrow.Int64Type:
		return "BIGINT", nil
	case *arrow.Uint8Type:
		return "UTINYINT", nil
	case *arrow.Uint16Type:
		return "USMALLINT", nil
	case *arrow.Uint32Type:
		return "UINTEGER", nil
	case *arrow.Uint64Type:
		return "UBIGINT", nil
	case *arrow.Float32Type:
		return "FLOAT", nil
	case *arrow.Float64Type:
		return "DOUBLE", nil
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	case *arrow.Decimal256Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	case *arrow.StringType, *arrow.LargeStringType:
		return "VARCHAR", nil
	case *arrow.BooleanType:
		return "BOOLEAN", nil
	case *arrow.Date32Type, *arrow.Date64Type:
		return "DATE", nil
	case *arrow.TimestampType:
		return "TIMESTAMP", nil
	case *arrow.NullType:
		return "NULL", nil
	}
	return "", fmt.Errorf("type %s has no canonical form", t)
}

// ArrowValue returns the canonical text of row i of col.
func ArrowValue(col arrow.Array, i int) (Value, error) {
	if col.IsNull(i) {
		return NullValue, nil
	}
	switch a := col.(type) {
	case *array.Int8:
		return Text(FormatInt(int64(a.Value(i)))), nil
	case *array.Int16:
		return Text(FormatInt(int64(a.Value(i)))), nil
	case *array.Int32:
		return Text(FormatInt(int64(a.Value(i)))), nil
	case *array.Int64:
		return Text(FormatInt(a.Value(i))), nil
	case *array.Uint8:
		return Text(FormatInt(int64(a.Value(i)))), nil
	case *array.Uint16:
		return Text(FormatInt(int64(a.Value(i)))), nil
	case *array.Uint32:
		return Text(FormatInt(int64(a.Value(i)))), nil
	case *array.Uint64:
		return Text(new(big.Int).SetUint64(a.Value(i)).String()), nil
	case *array.Float32:
		return Text(FormatFloat(float64(a.Value(i)))), nil
	case *array.Float64:
		return Text(FormatFloat(a.Value(i))), nil
	case *array.Decimal128:
		scale := int(a.DataType().(*arrow.Decimal128Type).Scale)
		return Text(FormatDecimal(a.Value(i).BigInt(), scale)), nil
	case *array.Decimal256:
		scale := int(a.DataType().(*arrow.Decimal256Type).Scale)
		return Text(FormatDecimal(a.Value(i).BigInt(), scale)), nil
	case *array.String:
		// A copy: the array's memory may be reused once it is released.
		return Text(strings.Clone(a.Value(i))), nil
	case *array.LargeString:
		return Text(strings.Clone(a.Value(i))), nil
	case *array.Boolean:
		return Text(FormatBool(a.Value(i))), nil
	case *array.Date32:
		return Text(FormatDate(a.Value(i).ToTime())), nil
	case *array.Date64:
		return Text(FormatDate(a.Value(i).ToTime())), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return Text(FormatTimestamp(a.Value(i).ToTime(unit).In(time.UTC))), nil
	}
	return Value{}, fmt.Errorf("type %s has no canonical form", col.DataType())
}
