package main

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureColumn is a column of test data: its field and its values, nil
// for NULL. Values are int64 (bigint), int32 (int), float64, string (also
// decimals, as their exact text with all the digits of their scale), bool
// and time.Time (dates and timestamps).
type fixtureColumn struct {
	field  arrow.Field
	values []any
}

func ts(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture has a column of every type of the demo store, with NULLs, an
// empty string, strings that need escaping in every format, the
// extremes of the integer types, floats that need both notations, and
// decimals of every size up to 38 digits.
func fixture() []fixtureColumn {
	field := func(name string, t arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return []fixtureColumn{
		{field("id", arrow.PrimitiveTypes.Int64), []any{int64(1), int64(2), int64(math.MaxInt64), int64(math.MinInt64), int64(0), nil, int64(-7)}},
		{field("age", arrow.PrimitiveTypes.Int32), []any{int32(42), nil, int32(math.MaxInt32), int32(math.MinInt32), int32(0), int32(-1), int32(7)}},
		{field("score", arrow.PrimitiveTypes.Float64), []any{0.1, -2.5e-7, 1e21, 123456789.125, nil, math.Copysign(0, -1), 5e-324}},
		{field("amount", &arrow.Decimal128Type{Precision: 12, Scale: 2}), []any{"12.50", "-0.05", "9999999999.99", "0.00", "-1234.56", nil, "7.00"}},
		{field("big", &arrow.Decimal128Type{Precision: 38, Scale: 10}), []any{"9999999999999999999999999999.9999999999", "-0.0000000001", nil, "12345678901234567890.1234567890", "0.0000000000", "-9223372036854775808.0000000001", "-922337203.6854775808"}},
		{field("name", arrow.BinaryTypes.String), []any{"plain", "", nil, "NULL", "comma, \"quote\"\nnew line\ttab\\back|pipe", "ünïcödé 日本 \u2028 \x1b[31m", `\N`}},
		{field("flag", arrow.FixedWidthTypes.Boolean), []any{true, false, nil, true, false, true, false}},
		{field("signup", arrow.FixedWidthTypes.Date32), []any{day("2024-01-02"), day("1970-01-01"), day("1969-12-31"), nil, day("2026-03-31"), day("0001-01-01"), day("9999-12-31")}},
		{field("ts", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}), []any{ts("2024-01-02 03:04:05"), ts("2024-01-02 03:04:05.123456"), ts("1969-12-31 23:59:59.999999"), ts("2026-01-01 00:00:00.5"), nil, ts("2000-02-29 12:00:00.000001"), ts("1970-01-01 00:00:00")}},
	}
}

// fixtureSchema is the schema of the columns.
func fixtureSchema(cols []fixtureColumn) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field
	}
	return arrow.NewSchema(fields, nil)
}

// fixtureRecord builds rows [from, to) of the columns as a record.
func fixtureRecord(t testing.TB, mem memory.Allocator, cols []fixtureColumn, from, to int) arrow.Record {
	t.Helper()
	b := array.NewRecordBuilder(mem, fixtureSchema(cols))
	defer b.Release()
	for c, col := range cols {
		for _, v := range col.values[from:to] {
			if v == nil {
				b.Field(c).AppendNull()
				continue
			}
			switch fb := b.Field(c).(type) {
			case *array.Int64Builder:
				fb.Append(v.(int64))
			case *array.Int32Builder:
				fb.Append(v.(int32))
			case *array.Float64Builder:
				fb.Append(v.(float64))
			case *array.Decimal128Builder:
				dt := col.field.Type.(*arrow.Decimal128Type)
				n, err := decimal128.FromString(v.(string), dt.Precision, dt.Scale)
				require.NoError(t, err)
				fb.Append(n)
			case *array.StringBuilder:
				fb.Append(v.(string))
			case *array.BooleanBuilder:
				fb.Append(v.(bool))
			case *array.Date32Builder:
				fb.Append(arrow.Date32FromTime(v.(time.Time)))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(v.(time.Time).UnixMicro()))
			default:
				t.Fatalf("no builder for %T", fb)
			}
		}
	}
	return b.NewRecord()
}

// fixtureReader returns a reader of the columns' rows in batches that end
// at the bounds (the last at the number of rows), and the batches, which
// the caller releases.
func fixtureReader(t testing.TB, mem memory.Allocator, cols []fixtureColumn, bounds ...int) (array.RecordReader, []arrow.Record) {
	t.Helper()
	n := len(cols[0].values)
	bounds = append(bounds, n)
	var recs []arrow.Record
	from := 0
	for _, to := range bounds {
		recs = append(recs, fixtureRecord(t, mem, cols, from, to))
		from = to
	}
	rr, err := array.NewRecordReader(fixtureSchema(cols), recs)
	require.NoError(t, err)
	return rr, recs
}

// releaseAll releases a reader and batches.
func releaseAll(rr array.RecordReader, recs []arrow.Record) {
	rr.Release()
	for _, r := range recs {
		r.Release()
	}
}

// assertText checks that got is the text of want, a fixture value (not
// NULL), by reading got back: numbers must read back to the same value,
// decimals and strings must be the same text, timestamps and dates the
// same instant. where says which value it is.
func assertText(t *testing.T, want any, got string, where string) {
	t.Helper()
	var back any
	var err error
	switch want := want.(type) {
	case int64:
		back, err = strconv.ParseInt(got, 10, 64)
	case int32:
		var n int64
		n, err = strconv.ParseInt(got, 10, 32)
		back = int32(n)
	case float64:
		var f float64
		f, err = strconv.ParseFloat(got, 64)
		if assert.NoError(t, err, where) {
			// Compare bits: -0 and 0 differ, NaN equals NaN.
			assert.Equal(t, math.Float64bits(want), math.Float64bits(f), "%s: %q", where, got)
		}
		return
	case string:
		back = got
	case bool:
		back, err = strconv.ParseBool(got)
	case time.Time:
		layout := "2006-01-02 15:04:05.999999999"
		if len(got) == len(time.DateOnly) {
			layout = time.DateOnly
		}
		var tm time.Time
		tm, err = time.Parse(layout, got)
		if assert.NoError(t, err, where) {
			assert.True(t, want.Equal(tm), "%s: %s read back as %s", where, want, tm)
		}
		return
	default:
		t.Fatalf("%s: no check for %T", where, want)
	}
	if assert.NoError(t, err, where) {
		assert.Equal(t, want, back, "%s: %q", where, got)
	}
}
