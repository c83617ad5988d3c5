package duckref

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	arrow18 "github.com/apache/arrow-go/v18/arrow"
	array18 "github.com/apache/arrow-go/v18/arrow/array"
	decimal18 "github.com/apache/arrow-go/v18/arrow/decimal128"
	memory18 "github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/hopsql/hopsql/planner/plantest"
)

// TestWrapRecord re-labels a v18 record, sliced so that its arrays have an
// offset, and reads it back through plantest; the v18 buffers live as long
// as the v15 record does, and not longer.
func TestWrapRecord(t *testing.T) {
	mem := memory18.NewCheckedAllocator(memory18.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema18 := arrow18.NewSchema([]arrow18.Field{
		{Name: "i", Type: arrow18.PrimitiveTypes.Int64, Nullable: true},
		{Name: "d", Type: &arrow18.Decimal128Type{Precision: 38, Scale: 2}, Nullable: true},
		{Name: "s", Type: arrow18.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow18.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "day", Type: arrow18.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: &arrow18.TimestampType{Unit: arrow18.Microsecond}, Nullable: true},
		{Name: "f", Type: arrow18.PrimitiveTypes.Float64, Nullable: true},
		{Name: "n", Type: arrow18.Null, Nullable: true},
	}, nil)
	b := array18.NewRecordBuilder(mem, schema18)
	defer b.Release()
	valid := []bool{true, false, true}
	b.Field(0).(*array18.Int64Builder).AppendValues([]int64{1, 0, -3}, valid)
	b.Field(1).(*array18.Decimal128Builder).AppendValues([]decimal18.Num{decimal18.FromI64(1050), {}, decimal18.FromI64(-1)}, valid)
	b.Field(2).(*array18.StringBuilder).AppendValues([]string{"x", "", "Åsa"}, valid)
	b.Field(3).(*array18.BooleanBuilder).AppendValues([]bool{true, false, false}, valid)
	b.Field(4).(*array18.Date32Builder).AppendValues([]arrow18.Date32{20454, 0, 0}, valid)
	b.Field(5).(*array18.TimestampBuilder).AppendValues([]arrow18.Timestamp{1767225683915433, 0, -1}, valid)
	b.Field(6).(*array18.Float64Builder).AppendValues([]float64{0.5, 0, -2}, valid)
	b.Field(7).(*array18.NullBuilder).AppendNulls(3)
	full := b.NewRecordBatch()
	rec18 := full.NewSlice(1, 3) // rows 1 and 2
	full.Release()

	schema, err := schemaV15(schema18)
	require.NoError(t, err)
	rec, err := wrapRecord(schema, rec18)
	require.NoError(t, err)
	rec18.Release() // the v15 record keeps the buffers
	assert.NotZero(t, mem.CurrentAlloc())

	rows := make([][]string, rec.NumRows())
	for i := range rows {
		for _, col := range rec.Columns() {
			v, err := plantest.ArrowValue(col, i)
			if col.DataType().ID() == arrow.NULL {
				v, err = plantest.NullValue, nil
			}
			require.NoError(t, err, col.DataType())
			rows[i] = append(rows[i], v.String())
		}
	}
	assert.Equal(t, [][]string{
		{"NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"-3", "-0.01", "Åsa", "false", "1970-01-01", "1969-12-31 23:59:59.999999", "-2", "NULL"},
	}, rows)
	// An array outlives its record.
	col := rec.Column(2)
	col.Retain()
	rec.Release()
	assert.NotZero(t, mem.CurrentAlloc())
	col.Release()
}

func TestWrapUnsupported(t *testing.T) {
	_, err := schemaV15(arrow18.NewSchema([]arrow18.Field{{Name: "l", Type: arrow18.ListOf(arrow18.PrimitiveTypes.Int64)}}, nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "column l")

	// A nested column of a supported outer type is refused, leaking
	// nothing.
	mem := memory18.NewCheckedAllocator(memory18.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s18 := arrow18.NewSchema([]arrow18.Field{{Name: "i", Type: arrow18.PrimitiveTypes.Int64}, {Name: "l", Type: arrow18.ListOf(arrow18.PrimitiveTypes.Int64)}}, nil)
	b := array18.NewRecordBuilder(mem, s18)
	defer b.Release()
	b.Field(0).(*array18.Int64Builder).Append(1)
	lb := b.Field(1).(*array18.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array18.Int64Builder).Append(2)
	rec18 := b.NewRecordBatch()
	defer rec18.Release()
	schema, err := schemaV15(arrow18.NewSchema([]arrow18.Field{{Name: "i", Type: arrow18.PrimitiveTypes.Int64}, {Name: "l", Type: arrow18.PrimitiveTypes.Int64}}, nil))
	require.NoError(t, err)
	_, err = wrapRecord(schema, rec18)
	assert.ErrorContains(t, err, "column l: nested")
}
