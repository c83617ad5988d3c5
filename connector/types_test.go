package connector

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseType(t *testing.T) {
	ts := &arrow.TimestampType{Unit: arrow.Microsecond}
	field := func(name string, t arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: t, Nullable: true}
	}
	tests := []struct {
		in   string
		want arrow.DataType
		name string // TypeName of the result
	}{
		{"bigint", arrow.PrimitiveTypes.Int64, "bigint"},
		{"int", arrow.PrimitiveTypes.Int32, "int"},
		{"integer", arrow.PrimitiveTypes.Int32, "int"},
		{"smallint", arrow.PrimitiveTypes.Int16, "smallint"},
		{"tinyint", arrow.PrimitiveTypes.Int8, "tinyint"},
		{"double", arrow.PrimitiveTypes.Float64, "double"},
		{"float", arrow.PrimitiveTypes.Float32, "float"},
		{"boolean", arrow.FixedWidthTypes.Boolean, "boolean"},
		{"string", arrow.BinaryTypes.String, "string"},
		{"binary", arrow.BinaryTypes.Binary, "binary"},
		{"date", arrow.FixedWidthTypes.Date32, "date"},
		{"timestamp", ts, "timestamp"},
		{"decimal", &arrow.Decimal128Type{Precision: 10, Scale: 0}, "decimal(10,0)"},
		{"decimal(12,2)", &arrow.Decimal128Type{Precision: 12, Scale: 2}, "decimal(12,2)"},
		{"decimal(38,38)", &arrow.Decimal128Type{Precision: 38, Scale: 38}, "decimal(38,38)"},
		{"decimal(5)", &arrow.Decimal128Type{Precision: 5, Scale: 0}, "decimal(5,0)"},
		{"DECIMAL ( 12 , 2 )", &arrow.Decimal128Type{Precision: 12, Scale: 2}, "decimal(12,2)"},
		{"  BigInt\t\n", arrow.PrimitiveTypes.Int64, "bigint"},
		{"TIMESTAMP", ts, "timestamp"},
		{"array<int>", arrow.ListOf(arrow.PrimitiveTypes.Int32), "array<int>"},
		{"ARRAY < STRING >", arrow.ListOf(arrow.BinaryTypes.String), "array<string>"},
		{"array<array<double>>", arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Float64)), "array<array<double>>"},
		{"struct<a:int,b:string>", arrow.StructOf(field("a", arrow.PrimitiveTypes.Int32), field("b", arrow.BinaryTypes.String)), "struct<a:int,b:string>"},
		{"Struct< A : Int , b_2:timestamp >", arrow.StructOf(field("a", arrow.PrimitiveTypes.Int32), field("b_2", ts)), "struct<a:int,b_2:timestamp>"},
		{"array<struct<k:string,v:array<decimal(3,1)>>>",
			arrow.ListOf(arrow.StructOf(field("k", arrow.BinaryTypes.String), field("v", arrow.ListOf(&arrow.Decimal128Type{Precision: 3, Scale: 1})))),
			"array<struct<k:string,v:array<decimal(3,1)>>>"},
		{"struct<s:struct<x:date>>", arrow.StructOf(field("s", arrow.StructOf(field("x", arrow.FixedWidthTypes.Date32)))), "struct<s:struct<x:date>>"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseType(tt.in)
			require.NoError(t, err)
			assert.True(t, arrow.TypeEqual(tt.want, got), "ParseType(%q) = %s, want %s", tt.in, got, tt.want)
			name, err := TypeName(got)
			require.NoError(t, err)
			assert.Equal(t, tt.name, name)
			again, err := ParseType(name)
			require.NoError(t, err)
			assert.True(t, arrow.TypeEqual(got, again), "round trip of %q", name)
		})
	}
}

func TestParseTypeErrors(t *testing.T) {
	deep := strings.Repeat("array<", 40) + "int" + strings.Repeat(">", 40)
	tests := []struct {
		in     string
		offset int
		reason string
	}{
		{"", 0, "expected a type name, found the end"},
		{"   ", 3, "expected a type name, found the end"},
		{"long", 0, `unknown type "long"`},
		{"varchar(10)", 0, `unknown type "varchar"`},
		{"?", 0, `expected a type name, found '?'`},
		{"int extra", 4, `unexpected "extra" after the type`},
		{"int>", 3, `unexpected ">" after the type`},
		{"array", 5, `expected '<', found the end`},
		{"array<int", 9, `expected '>', found the end`},
		{"array<int,string>", 9, `expected '>', found ','`},
		{"array<>", 6, `expected a type name, found '>'`},
		{"decimal(", 8, "expected a number"},
		{"decimal(a)", 8, "expected a number"},
		{"decimal(12,", 11, "expected a number"},
		{"decimal(12,2", 12, `expected ')', found the end`},
		{"decimal(0)", 0, "decimal precision 0 is not between 1 and 38"},
		{"decimal(39,2)", 0, "decimal precision 39 is not between 1 and 38"},
		{"  decimal(5,6)", 2, "decimal scale 6 is larger than precision 5"},
		{"decimal(99999999999999999999)", 8, `number "99999999999999999999" out of range`},
		{"decimal(1001)", 8, `number "1001" out of range`},
		{"struct<>", 7, "expected a struct field name"},
		{"struct<a int>", 9, `expected ':', found 'i'`},
		{"struct<a:int,a:string>", 13, `struct field "a" appears twice`},
		{"struct<a:int,A:string>", 13, `struct field "a" appears twice`},
		{"struct<a:int,>", 13, "expected a struct field name"},
		{"struct<a:map<int,int>>", 9, `unknown type "map"`},
		{deep, 198, "type nested more than 32 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseType(tt.in)
			require.Error(t, err)
			var te *TypeError
			require.True(t, errors.As(err, &te), "%T", err)
			assert.Equal(t, tt.in, te.Type)
			assert.Equal(t, tt.offset, te.Offset, "offset")
			assert.Equal(t, tt.reason, te.Reason)
			assert.Contains(t, err.Error(), tt.reason)
			assert.Contains(t, err.Error(), "types are bigint")
		})
	}
}

func TestTypeNameInference(t *testing.T) {
	tests := []struct {
		in   arrow.DataType
		want string
	}{
		{arrow.PrimitiveTypes.Uint8, "int"},
		{arrow.PrimitiveTypes.Uint16, "int"},
		{arrow.PrimitiveTypes.Uint32, "bigint"},
		{arrow.FixedWidthTypes.Float16, "float"},
		{arrow.BinaryTypes.LargeString, "string"},
		{arrow.BinaryTypes.LargeBinary, "binary"},
		{arrow.FixedWidthTypes.Date64, "date"},
		{&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Stockholm"}, "timestamp"},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, "string"},
		{arrow.ListOf(arrow.BinaryTypes.LargeString), "array<string>"},
	}
	for _, tt := range tests {
		got, err := TypeName(tt.in)
		require.NoError(t, err, "%s", tt.in)
		assert.Equal(t, tt.want, got, "%s", tt.in)
	}
	for _, bad := range []arrow.DataType{
		arrow.Null,
		arrow.PrimitiveTypes.Uint64,
		arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32),
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.PrimitiveTypes.Int64},
		arrow.ListOf(arrow.PrimitiveTypes.Uint64),
		arrow.StructOf(arrow.Field{Name: "a", Type: arrow.Null}),
		&arrow.Decimal256Type{Precision: 40, Scale: 2},
	} {
		_, err := TypeName(bad)
		assert.Error(t, err, "%s", bad)
	}
}

func FuzzParseType(f *testing.F) {
	for _, s := range []string{
		"bigint", "DECIMAL(12, 2)", "decimal", "array<struct<a:int,b:array<string>>>", "struct<a:int,a:int>",
		"decimal(99999999999999999999)", " timestamp ", "array<" + strings.Repeat("array<", 33) + "int",
		"struct<x:decimal(38,0),y:binary,z:boolean>", "\x00", "struct<é:int>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := ParseType(s)
		if err != nil {
			var te *TypeError
			require.True(t, errors.As(err, &te))
			require.GreaterOrEqual(t, te.Offset, 0)
			require.LessOrEqual(t, te.Offset, len(s))
			return
		}
		name, err := TypeName(typ)
		require.NoError(t, err, "TypeName(%s) from %q", typ, s)
		again, err := ParseType(name)
		require.NoError(t, err, "ParseType(%q) from %q", name, s)
		require.True(t, arrow.TypeEqual(typ, again), "%q: %s, then %q: %s", s, typ, name, again)
		canonical, err := TypeName(again)
		require.NoError(t, err)
		require.Equal(t, name, canonical)
	})
}
