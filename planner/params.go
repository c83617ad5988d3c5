package planner

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// paramValues converts the arguments of ? placeholders to constants of
// their natural types; binding then converts each to the type its place
// needs, exactly or with an error.
func paramValues(args []any) ([]scalar.Scalar, error) {
	out := make([]scalar.Scalar, len(args))
	for i, a := range args {
		var v scalar.Scalar
		switch a := a.(type) {
		case nil:
			v = scalar.ScalarNull
		case int:
			v = scalar.NewInt64Scalar(int64(a))
		case int8:
			v = scalar.NewInt64Scalar(int64(a))
		case int16:
			v = scalar.NewInt64Scalar(int64(a))
		case int32:
			v = scalar.NewInt64Scalar(int64(a))
		case int64:
			v = scalar.NewInt64Scalar(a)
		case uint8:
			v = scalar.NewInt64Scalar(int64(a))
		case uint16:
			v = scalar.NewInt64Scalar(int64(a))
		case uint32:
			v = scalar.NewInt64Scalar(int64(a))
		case uint:
			if uint64(a) > 1<<63-1 {
				return nil, fmt.Errorf("argument %d: %d does not fit a BIGINT", i+1, a)
			}
			v = scalar.NewInt64Scalar(int64(a))
		case uint64:
			if a > 1<<63-1 {
				return nil, fmt.Errorf("argument %d: %d does not fit a BIGINT", i+1, a)
			}
			v = scalar.NewInt64Scalar(int64(a))
		case float32:
			v = scalar.NewFloat64Scalar(float64(a))
		case float64:
			v = scalar.NewFloat64Scalar(a)
		case bool:
			v = scalar.NewBooleanScalar(a)
		case string:
			v = scalar.NewStringScalar(a)
		case []byte:
			v = scalar.NewBinaryScalar(memory.NewBufferBytes(append([]byte(nil), a...)), arrow.BinaryTypes.Binary)
		case time.Time:
			ts, err := arrow.TimestampFromTime(a.UTC(), arrow.Microsecond)
			if err != nil {
				return nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
			v = scalar.NewTimestampScalar(ts, &arrow.TimestampType{Unit: arrow.Microsecond})
		default:
			return nil, fmt.Errorf("argument %d: hopsql cannot bind a %T; use an integer, float, bool, string, []byte or time.Time", i+1, a)
		}
		out[i] = v
	}
	return out, nil
}
