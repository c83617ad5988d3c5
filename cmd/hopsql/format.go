package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/hopsql/hopsql/driver"
)

// formatValue renders row i of a column for people: decimals with their
// scale, timestamps as UTC "YYYY-MM-DD HH:MM:SS[.ffffff]", dates as
// YYYY-MM-DD. The caller handles NULL.
func formatValue(col arrow.Array, i int) string {
	switch a := col.(type) {
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		return a.Value(i).FormattedString()
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		t := a.Value(i).ToTime(unit).UTC()
		if t.Nanosecond() == 0 {
			return t.Format(time.DateTime)
		}
		return t.Format("2006-01-02 15:04:05.999999")
	}
	return col.ValueStr(i)
}

// rightAligned reports whether a column's values read best aligned right.
func rightAligned(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128:
		return true
	}
	return false
}

// typeLabel is the column type shown under a column's name.
func typeLabel(t arrow.DataType) string {
	if name, err := driver.TypeName(t), error(nil); err == nil {
		return name
	}
	return strings.ToLower(t.String())
}
