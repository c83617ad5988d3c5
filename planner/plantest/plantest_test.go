package plantest

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteReadRoundTrip(t *testing.T) {
	r := &Result{
		Columns: []Column{{"id", "BIGINT"}, {"amount", "DECIMAL(38,2)"}, {"count_star()", "BIGINT"}, {`say "hi", x`, "VARCHAR"}},
		Rows: [][]Value{
			{Text("1"), Text("12.50"), Text("3"), Text("tab\there\nnew \\ line")},
			{NullValue, NullValue, Text("0"), Text("NULL")},
			{Text("2"), Text("-0.01"), Text("1"), Text("")},
		},
	}
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r))
	assert.Equal(t, "# columns: id BIGINT, amount DECIMAL(38,2), \"count_star()\" BIGINT, \"say \"\"hi\"\", x\" VARCHAR\n", strings.SplitAfter(buf.String(), "\n")[0])
	assert.Contains(t, buf.String(), "NULL\tNULL\t0\t\\NULL\n")
	got, err := Read(&buf)
	require.NoError(t, err)
	assert.Equal(t, r, got)
}

func TestReadErrors(t *testing.T) {
	for _, text := range []string{
		"",
		"id BIGINT\n1\n",
		"# columns: id BIGINT\n1\t2\n",
		"# columns: id\n",
		"# columns: s VARCHAR\nbad\\x\n",
		"# columns: s VARCHAR\nbad\\\n",
	} {
		_, err := Read(strings.NewReader(text))
		assert.Error(t, err, "%q", text)
	}
}

func TestFormat(t *testing.T) {
	assert.Equal(t, "12.50", FormatDecimal(big.NewInt(1250), 2))
	assert.Equal(t, "-0.05", FormatDecimal(big.NewInt(-5), 2))
	assert.Equal(t, "0.000", FormatDecimal(big.NewInt(0), 3))
	assert.Equal(t, "1200", FormatDecimal(big.NewInt(12), -2))
	assert.Equal(t, "7", FormatDecimal(big.NewInt(7), 0))
	assert.Equal(t, "0.10000000000000001", FormatFloat(0.1))
	assert.Equal(t, "nan", FormatFloat(nan()))
	ts := time.Date(2026, 3, 1, 12, 0, 5, 123456000, time.FixedZone("X", 3600))
	assert.Equal(t, "2026-03-01 11:00:05.123456", FormatTimestamp(ts))
	assert.Equal(t, "2026-03-01", FormatDate(ts))
}

func nan() float64 { z := 0.0; return z / z }

func result(types string, rows ...string) *Result {
	r := &Result{}
	for i, typ := range strings.Split(types, ";") {
		r.Columns = append(r.Columns, Column{Name: string(rune('a' + i)), Type: typ})
	}
	for _, row := range rows {
		var vals []Value
		for _, f := range strings.Split(row, "|") {
			if f == "NULL" {
				vals = append(vals, NullValue)
			} else {
				vals = append(vals, Text(f))
			}
		}
		r.Rows = append(r.Rows, vals)
	}
	return r
}

func TestCompareValues(t *testing.T) {
	tests := []struct {
		name        string
		wantT, gotT string
		want, got   string
		equal       bool
	}{
		{"decimal scales", "DECIMAL(38,2)", "DECIMAL(12,0)", "3.00", "3", true},
		{"decimal differs", "DECIMAL(38,2)", "DECIMAL(38,3)", "3.00", "3.001", false},
		{"hugeint and decimal", "HUGEINT", "DECIMAL(20,0)", "5000050000", "5000050000", true},
		{"int and decimal", "BIGINT", "DECIMAL(10,4)", "2", "2.0001", false},
		{"double within 1e-9", "DOUBLE", "DOUBLE", "369.56391880000001", "369.5639188000001", true},
		{"double outside", "DOUBLE", "DOUBLE", "369.5639188", "369.56392", false},
		{"double near zero", "DOUBLE", "DOUBLE", "0", "1e-13", true},
		{"decimal of MySQL's AVG", "DOUBLE", "DECIMAL(16,6)", "369.56391880000001", "369.563919", true},
		{"decimal of MySQL's AVG, wrong", "DOUBLE", "DECIMAL(16,6)", "369.56391880000001", "369.563920", false},
		{"boolean and integer", "BOOLEAN", "BIGINT", "true", "1", true},
		{"boolean and integer differ", "BOOLEAN", "BIGINT", "false", "1", false},
		{"date and midnight", "TIMESTAMP", "DATE", "2025-10-18 00:00:00.000000", "2025-10-18", true},
		{"date and not midnight", "TIMESTAMP", "DATE", "2025-10-18 00:00:01.000000", "2025-10-18", false},
		{"strings exact", "VARCHAR", "VARCHAR", "Åsa", "Åsa", true},
		{"strings case", "VARCHAR", "VARCHAR", "SE", "se", false},
		{"null and null", "BIGINT", "VARCHAR", "NULL", "NULL", true},
		{"null and zero", "BIGINT", "BIGINT", "NULL", "0", false},
		{"null and empty", "VARCHAR", "VARCHAR", "NULL", "", false},
	}
	for _, tc := range tests {
		err := Compare(result(tc.wantT, tc.want), result(tc.gotT, tc.got), true)
		if tc.equal {
			assert.NoError(t, err, tc.name)
		} else {
			assert.Error(t, err, tc.name)
		}
	}
}

func TestCompareRows(t *testing.T) {
	want := result("VARCHAR;DOUBLE;BIGINT", "SE|0.1|3", "NO|NULL|1", "DK|2.5|2")
	// Unordered: any order of the same rows; floats paired within tolerance.
	got := result("VARCHAR;DECIMAL(10,4);BIGINT", "DK|2.5000|2", "SE|0.1000|3", "NO|NULL|1")
	assert.NoError(t, Compare(want, got, false))
	// Ordered: the order is the answer.
	err := Compare(want, got, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "row 1 differs in column 1")
	// Missing and extra rows.
	err = Compare(want, result("VARCHAR;DOUBLE;BIGINT", "SE|0.1|3", "DK|2.5|2"), false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 rows, want 3")
	assert.Error(t, Compare(want, result("VARCHAR;DOUBLE;BIGINT", "SE|0.1|3", "NO|NULL|1", "DK|2.5|2", "DK|2.5|2"), false))
	// Duplicates count.
	assert.Error(t, Compare(result("BIGINT", "1", "1", "2"), result("BIGINT", "1", "2", "2"), false))
	// Columns.
	err = Compare(want, result("VARCHAR;DOUBLE", "SE|0.1"), false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 columns, want 3")
	// Rows that tie on exact columns pair up by their float values.
	assert.NoError(t, Compare(
		result("VARCHAR;DOUBLE", "a|1.0000000001", "a|2"),
		result("VARCHAR;DOUBLE", "a|2.0000000001", "a|1"), false))
}

func TestFromArrow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{7, 0}, []bool{true, false})
	b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(-1250), {}}, []bool{true, false})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"x\ty", ""}, []bool{true, false})
	b.Field(3).(*array.Date32Builder).AppendValues([]arrow.Date32{20454, 0}, []bool{true, false})
	b.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1767225683915433, 0}, []bool{true, false})
	b.Field(5).(*array.BooleanBuilder).AppendValues([]bool{true, false}, []bool{true, false})
	b.Field(6).(*array.Float64Builder).AppendValues([]float64{0.5, 0}, []bool{true, false})
	rec := b.NewRecord()
	defer rec.Release()
	rr, err := array.NewRecordReader(schema, []arrow.Record{rec})
	require.NoError(t, err)
	defer rr.Release()
	got, err := FromArrow(rr)
	require.NoError(t, err)
	assert.Equal(t, []Column{{"i", "INTEGER"}, {"d", "DECIMAL(12,2)"}, {"s", "VARCHAR"}, {"day", "DATE"}, {"ts", "TIMESTAMP"}, {"b", "BOOLEAN"}, {"f", "DOUBLE"}}, got.Columns)
	assert.Equal(t, []Value{Text("7"), Text("-12.50"), Text("x\ty"), Text("2026-01-01"), Text("2026-01-01 00:01:23.915433"), Text("true"), Text("0.5")}, got.Rows[0])
	for _, v := range got.Rows[1] {
		assert.True(t, v.Null)
	}
}

func TestSortRows(t *testing.T) {
	r := result("VARCHAR;BIGINT", "b|2", "NULL|1", "a|3", "a|10")
	SortRows(r)
	assert.Equal(t, result("VARCHAR;BIGINT", "NULL|1", "a|10", "a|3", "b|2"), r)
}

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(`-- what this covers
-- project: Bank
-- ordered
-- duckdb: SELECT a
-- duckdb:   FROM t;

SELECT a
FROM t -- a comment in the body stays
;
`)
	require.NoError(t, err)
	assert.Equal(t, &Query{Project: "bank", Ordered: true, DuckDB: "SELECT a\n  FROM t", SQL: "SELECT a\nFROM t -- a comment in the body stays"}, q)

	q, err = ParseQuery("SELECT 1\r\n;")
	require.NoError(t, err)
	assert.Equal(t, &Query{Project: DefaultProject, SQL: "SELECT 1"}, q)

	for _, bad := range []string{"", "-- project: x\n", "-- project:\nSELECT 1"} {
		_, err := ParseQuery(bad)
		assert.Error(t, err, "%q", bad)
	}
}
