package hopsworks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local/localtest"
)

// features returns features of the given offline types, named f0, f1, ...
func features(t *testing.T, types ...string) []connector.Feature {
	t.Helper()
	out := make([]connector.Feature, len(types))
	for i, typ := range types {
		dt, err := connector.ParseType(typ)
		require.NoError(t, err)
		out[i] = connector.Feature{Name: "f" + string(rune('0'+i)), Type: typ, DataType: dt}
	}
	return out
}

// wireRecord builds a one-column record of type dt from JSON.
func wireRecord(t *testing.T, mem memory.Allocator, name string, dt arrow.DataType, values string) arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: name, Type: dt, Nullable: true}}, nil)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(values))
	require.NoError(t, err)
	return rec
}

// texts renders a column's values as text with localtest's oracle
// conversion.
func texts(col arrow.Array) []string {
	out := make([]string, col.Len())
	for i := range out {
		out[i] = localtest.Text(localtest.Value(col, i))
	}
	return out
}

func TestConvertWireTypes(t *testing.T) {
	noon := time.Date(2026, 1, 31, 12, 0, 0, 123456000, time.UTC)
	day := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		typ   string // the feature's offline type
		wire  arrow.DataType
		json  string
		want  []string // localtest.Text of the converted values
		alias string   // the wire column's name; "" for the feature's
	}{
		{"large string", "string", arrow.BinaryTypes.LargeString, `[{"f0":"a"},{"f0":null},{"f0":"é"}]`, []string{"a", "NULL", "é"}, ""},
		{"timestamp in nanoseconds with a zone", "timestamp", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
			`[{"f0":"2026-01-31T12:00:00.123456789Z"},{"f0":null}]`, []string{noon.Format(time.RFC3339Nano), "NULL"}, ""},
		{"timestamp in milliseconds", "timestamp", &arrow.TimestampType{Unit: arrow.Millisecond},
			`[{"f0":"2026-01-31T12:00:00.123"}]`, []string{noon.Truncate(time.Millisecond).Format(time.RFC3339Nano)}, ""},
		{"date64", "date", arrow.FixedWidthTypes.Date64, `[{"f0":"2026-01-31"},{"f0":null}]`, []string{day.Format(time.RFC3339Nano), "NULL"}, ""},
		{"timestamp in microseconds with a zone", "timestamp", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
			`[{"f0":"2026-01-31T12:00:00.123456Z"},{"f0":null}]`, []string{noon.Format(time.RFC3339Nano), "NULL"}, ""},
		{"timestamp in microseconds with another zone", "timestamp", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "Europe/Paris"},
			`[{"f0":"2026-01-31T13:00:00.123456+01:00"}]`, []string{noon.Format(time.RFC3339Nano)}, ""},
		{"narrower decimal", "decimal(12,2)", &arrow.Decimal128Type{Precision: 5, Scale: 2}, `[{"f0":"125.50"},{"f0":null},{"f0":"-0.05"}]`, []string{"125.50", "NULL", "-0.05"}, ""},
		{"wider decimal", "decimal(12,2)", &arrow.Decimal128Type{Precision: 38, Scale: 2}, `[{"f0":"12.50"},{"f0":"-0.05"}]`, []string{"12.50", "-0.05"}, ""},
		{"int64 for int", "int", arrow.PrimitiveTypes.Int64, `[{"f0":7},{"f0":null}]`, []string{"7", "NULL"}, ""},
		{"upper-case alias", "bigint", arrow.PrimitiveTypes.Int64, `[{"F0":7}]`, []string{"7"}, "F0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			name := tt.alias
			if name == "" {
				name = "f0"
			}
			rec := wireRecord(t, mem, name, tt.wire, tt.json)
			defer rec.Release()
			fs := features(t, tt.typ)
			plan, err := planColumns(rec.Schema(), fs, fs)
			require.NoError(t, err)
			out, err := plan.convert(context.Background(), mem, rec)
			require.NoError(t, err)
			defer out.Release()
			assert.True(t, out.Schema().Equal(connector.FeatureSchema(fs)), "schema %s", out.Schema())
			assert.Equal(t, tt.want, texts(out.Column(0)))
		})
	}
}

// TestConvertRelabels checks that timestamps of the feature's unit in
// any zone, and decimals of its scale and a precision that fits, keep
// their buffers: the converted column shares the wire column's memory,
// also for a slice of the batch, and outlives the batch.
func TestConvertRelabels(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		typ  string
		wire arrow.DataType
		json string
		want []string
	}{
		{"timestamp", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
			`[{"f0":"2026-01-31T12:00:00Z"},{"f0":null},{"f0":"2026-02-01T00:00:00.5Z"}]`,
			[]string{"NULL", "2026-02-01T00:00:00.5Z"}},
		{"decimal(12,2)", &arrow.Decimal128Type{Precision: 10, Scale: 2}, `[{"f0":"1.00"},{"f0":null},{"f0":"-7.25"}]`,
			[]string{"NULL", "-7.25"}},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			rec := wireRecord(t, mem, "f0", tt.wire, tt.json)
			sliced := rec.NewSlice(1, 3)
			rec.Release()
			fs := features(t, tt.typ)
			plan, err := planColumns(sliced.Schema(), fs, fs)
			require.NoError(t, err)
			assert.Equal(t, []bool{true}, plan.cast)
			out, err := plan.convert(context.Background(), mem, sliced)
			require.NoError(t, err)
			defer out.Release()
			in := sliced.Column(0).Data().Buffers()[1].Bytes()
			got := out.Column(0).Data().Buffers()[1].Bytes()
			assert.Same(t, &in[0], &got[0], "the values are not copied")
			sliced.Release()
			assert.True(t, arrow.TypeEqual(fs[0].DataType, out.Column(0).DataType()))
			assert.Equal(t, tt.want, texts(out.Column(0)))
		})
	}
	t.Run("a decimal of a larger precision is cast, and checked", func(t *testing.T) {
		wide := &arrow.Decimal128Type{Precision: 20, Scale: 2}
		assert.False(t, relabels(wide, &arrow.Decimal128Type{Precision: 12, Scale: 2}))
		rec := wireRecord(t, mem, "f0", wide, `[{"f0":"123456789012345.00"}]`)
		defer rec.Release()
		fs := features(t, "decimal(12,2)")
		plan, err := planColumns(rec.Schema(), fs, fs)
		require.NoError(t, err)
		_, err = plan.convert(context.Background(), mem, rec)
		require.Error(t, err)
	})
	t.Run("a kernel that panics is an error", func(t *testing.T) {
		// Arrow 15's cast between zones of one unit panics; convertArray
		// relabels instead, and castArray turns the panic into an error.
		// Its allocations are lost with the panic: a plain allocator.
		// (An Arrow release that fixes the cast fails this test: find
		// another panicking cast or drop the test then.)
		goMem := memory.NewGoAllocator()
		rec := wireRecord(t, goMem, "f0", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, `[{"f0":"2026-01-31T12:00:00Z"}]`)
		defer rec.Release()
		_, err := castArray(context.Background(), goMem, rec.Column(0), &arrow.TimestampType{Unit: arrow.Microsecond})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cast failed")
	})
	assert.False(t, relabels(&arrow.TimestampType{Unit: arrow.Nanosecond}, &arrow.TimestampType{Unit: arrow.Microsecond}))
	assert.False(t, relabels(&arrow.Decimal128Type{Precision: 10, Scale: 3}, &arrow.Decimal128Type{Precision: 12, Scale: 2}))
}

func TestConvertViewsDictionariesAndNesting(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()

	t.Run("string view", func(t *testing.T) {
		b := array.NewStringViewBuilder(mem)
		b.Append("a long string that does not fit inline")
		b.AppendNull()
		b.Append("b")
		a := b.NewArray()
		b.Release()
		defer a.Release()
		out, err := convertArray(ctx, mem, a, arrow.BinaryTypes.String)
		require.NoError(t, err)
		defer out.Release()
		assert.Equal(t, []string{"a long string that does not fit inline", "NULL", "b"}, texts(out))
	})
	t.Run("dictionary", func(t *testing.T) {
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		require.NoError(t, b.AppendString("x"))
		b.AppendNull()
		require.NoError(t, b.AppendString("x"))
		a := b.NewArray()
		b.Release()
		defer a.Release()
		require.True(t, convertible(a.DataType(), arrow.BinaryTypes.String))
		out, err := convertArray(ctx, mem, a, arrow.BinaryTypes.String)
		require.NoError(t, err)
		defer out.Release()
		assert.Equal(t, []string{"x", "NULL", "x"}, texts(out))
	})
	t.Run("list of non-nullable large strings", func(t *testing.T) {
		wire := arrow.LargeListOfNonNullable(arrow.BinaryTypes.LargeString)
		rec := wireRecord(t, mem, "f0", wire, `[{"f0":["a","b"]},{"f0":null},{"f0":[]}]`)
		defer rec.Release()
		fs := features(t, "array<string>")
		plan, err := planColumns(rec.Schema(), fs, fs)
		require.NoError(t, err)
		out, err := plan.convert(ctx, mem, rec)
		require.NoError(t, err)
		defer out.Release()
		assert.True(t, arrow.TypeEqual(fs[0].DataType, out.Column(0).DataType()))
		assert.Equal(t, `[["a" "b"] (null) []]`, out.Column(0).String())
	})
	t.Run("struct with other field names, order and extras", func(t *testing.T) {
		wire := arrow.StructOf(
			arrow.Field{Name: "B", Type: arrow.BinaryTypes.LargeString},
			arrow.Field{Name: "extra", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
			arrow.Field{Name: "A", Type: arrow.PrimitiveTypes.Int32},
		)
		rec := wireRecord(t, mem, "f0", wire, `[{"f0":{"B":"x","extra":1,"A":1}},{"f0":null},{"f0":{"B":"y","extra":null,"A":2}}]`)
		defer rec.Release()
		fs := features(t, "struct<a:int,b:string>")
		plan, err := planColumns(rec.Schema(), fs, fs)
		require.NoError(t, err)
		// A slice, so that the struct has an offset.
		sliced := rec.NewSlice(1, 3)
		defer sliced.Release()
		out, err := plan.convert(ctx, mem, sliced)
		require.NoError(t, err)
		defer out.Release()
		assert.True(t, arrow.TypeEqual(fs[0].DataType, out.Column(0).DataType()))
		assert.Equal(t, `{[(null) 2] [(null) "y"]}`, out.Column(0).String())
		assert.True(t, out.Column(0).IsNull(0))
	})
}

func TestPlanColumns(t *testing.T) {
	fs := features(t, "bigint", "string", "double")
	wire := arrow.NewSchema([]arrow.Field{
		{Name: "f2", Type: arrow.PrimitiveTypes.Float64},
		{Name: "F0", Type: arrow.PrimitiveTypes.Int64},
		{Name: "f1", Type: arrow.BinaryTypes.LargeString},
	}, nil)

	t.Run("by name, ignoring case", func(t *testing.T) {
		p, err := planColumns(wire, fs, fs)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2, 0}, p.src)
		assert.Equal(t, []bool{false, true, false}, p.cast)
	})
	t.Run("a subset in another order", func(t *testing.T) {
		out := []connector.Feature{fs[2], fs[0]}
		p, err := planColumns(wire, fs, out)
		require.NoError(t, err)
		assert.Equal(t, []int{0, 1}, p.src)
	})
	t.Run("by position when the names differ", func(t *testing.T) {
		other := arrow.NewSchema([]arrow.Field{
			{Name: "x", Type: arrow.PrimitiveTypes.Int64},
			{Name: "y", Type: arrow.BinaryTypes.String},
			{Name: "z", Type: arrow.PrimitiveTypes.Float64},
		}, nil)
		p, err := planColumns(other, fs, fs)
		require.NoError(t, err)
		assert.Equal(t, []int{0, 1, 2}, p.src)
	})
	t.Run("a row count reads one column and yields none", func(t *testing.T) {
		one := arrow.NewSchema([]arrow.Field{{Name: "f0", Type: arrow.PrimitiveTypes.Int64}}, nil)
		p, err := planColumns(one, fs[:1], nil)
		require.NoError(t, err)
		assert.Equal(t, 0, p.schema.NumFields())
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rec := wireRecord(t, mem, "f0", arrow.PrimitiveTypes.Int64, `[{"f0":1},{"f0":2},{"f0":null}]`)
		defer rec.Release()
		out, err := p.convert(context.Background(), mem, rec)
		require.NoError(t, err)
		defer out.Release()
		assert.Equal(t, int64(3), out.NumRows())
		assert.Equal(t, int64(0), out.NumCols())
	})
	t.Run("missing column", func(t *testing.T) {
		short := arrow.NewSchema([]arrow.Field{{Name: "f0", Type: arrow.PrimitiveTypes.Int64}}, nil)
		_, err := planColumns(short, fs, fs)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "sent 1 columns")
		wrong := arrow.NewSchema([]arrow.Field{{Name: "q", Type: arrow.PrimitiveTypes.Int64}, {Name: "f1", Type: arrow.BinaryTypes.String}, {Name: "f2", Type: arrow.PrimitiveTypes.Float64}, {Name: "r", Type: arrow.PrimitiveTypes.Int64}}, nil)
		_, err = planColumns(wrong, fs, fs)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `no column for feature "f0"`)
	})
	t.Run("type that does not convert", func(t *testing.T) {
		bad := arrow.NewSchema([]arrow.Field{{Name: "f0", Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64})}}, nil)
		_, err := planColumns(bad, fs[:1], fs[:1])
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot convert")
	})
}

func TestNarrowest(t *testing.T) {
	tests := []struct {
		types []string
		want  string
	}{
		{[]string{"string", "bigint", "int"}, "f2"},
		{[]string{"bigint", "boolean", "tinyint"}, "f1"},
		{[]string{"string", "array<int>", "double"}, "f2"},
		{[]string{"string", "binary"}, "f0"},
		{[]string{"date", "timestamp", "decimal(10,2)"}, "f0"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, narrowest(features(t, tt.types...)).Name, "%v", tt.types)
	}
}
