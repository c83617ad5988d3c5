package local

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConform converts arrays of file types to feature types, also when
// the arrays are slices (non-zero offset) of larger ones.
func TestConform(t *testing.T) {
	us := &arrow.TimestampType{Unit: arrow.Microsecond}
	tests := []struct {
		name       string
		have, want arrow.DataType
		in, out    string // JSON of the whole input, and of the expected slice [1:4]
	}{
		{"ns to us", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, us,
			`[0, -1, null, 1999, 5]`, `[-1, null, 1]`},
		{"s to us", &arrow.TimestampType{Unit: arrow.Second}, us,
			`[0, -1, null, 2, 5]`, `[-1000000, null, 2000000]`},
		{"zone dropped", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, us,
			`[0, -1, null, 2, 5]`, `[-1, null, 2]`},
		{"large string", arrow.BinaryTypes.LargeString, arrow.BinaryTypes.String,
			`["a", "bc", null, "", "d"]`, `["bc", null, ""]`},
		{"large binary", arrow.BinaryTypes.LargeBinary, arrow.BinaryTypes.Binary,
			`["AA==", "AQI=", null, "", "Aw=="]`, `["AQI=", null, ""]`},
		{"dictionary", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}, arrow.BinaryTypes.String,
			`["x", "y", null, "x", "z"]`, `["y", null, "x"]`},
		{"int32 dictionary (the one-pass path)", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, arrow.BinaryTypes.String,
			`["x", "a value longer than eight bytes", "yz", null, "", "x"]`, `["a value longer than eight bytes", "yz", null]`},
		{"int32 dictionary, values of 9 to 16 bytes", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, arrow.BinaryTypes.String,
			`["a twelve-byt", "a value that is longer than sixteen bytes", null, "a twelve-byt", "z"]`, `["a value that is longer than sixteen bytes", null, "a twelve-byt"]`},
		{"int32 dictionary of binaries", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.Binary},
			arrow.BinaryTypes.Binary, `["AA==", "AQIDBAUGBwgJ", null, "AA==", "Aw=="]`, `["AQIDBAUGBwgJ", null, "AA=="]`},
		{"large list", arrow.LargeListOf(&arrow.TimestampType{Unit: arrow.Millisecond}), arrow.ListOf(us),
			`[[1], [2, null], null, [], [3]]`, `[[2000, null], null, []]`},
		{"list element name", arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.BinaryTypes.LargeString, Nullable: true}), arrow.ListOf(arrow.BinaryTypes.String),
			`[["a"], ["b", null], null, [], ["c"]]`, `[["b", null], null, []]`},
		{"struct", arrow.StructOf(
			arrow.Field{Name: "B", Type: arrow.BinaryTypes.LargeString, Nullable: true},
			arrow.Field{Name: "extra", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
			arrow.Field{Name: "a", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true}),
			arrow.StructOf(
				arrow.Field{Name: "a", Type: us, Nullable: true},
				arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true}),
			`[{"B": "p", "extra": 1, "a": 1000}, {"B": "q", "extra": 2, "a": 2000}, null, {"B": null, "extra": 3, "a": null}, {"B": "r", "a": 0}]`,
			`[{"a": 2, "b": "q"}, null, {"a": null, "b": null}]`},
		{"same type", &arrow.Decimal128Type{Precision: 5, Scale: 1}, &arrow.Decimal128Type{Precision: 5, Scale: 1},
			`["1.5", "-2.5", null, "0", "3"]`, `["-2.5", null, "0"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			whole, _, err := array.FromJSON(mem, tt.have, strings.NewReader(tt.in))
			require.NoError(t, err)
			defer whole.Release()
			want, _, err := array.FromJSON(mem, tt.want, strings.NewReader(tt.out))
			require.NoError(t, err)
			defer want.Release()

			slice := array.NewSlice(whole, 1, 4)
			defer slice.Release()
			data, err := conform(mem, slice.Data(), tt.want)
			require.NoError(t, err)
			got := array.MakeFromData(data)
			data.Release()
			defer got.Release()
			assert.True(t, arrow.TypeEqual(tt.want, got.DataType()), "type %s", got.DataType())
			assert.True(t, array.Equal(want, got), "got %s, want %s", got, want)

			empty := array.NewSlice(whole, 2, 2)
			defer empty.Release()
			data, err = conform(mem, empty.Data(), tt.want)
			require.NoError(t, err)
			assert.Equal(t, 0, data.Len())
			assert.True(t, arrow.TypeEqual(tt.want, data.DataType()))
			data.Release()
		})
	}
}

func TestConformTimestampOverflow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Second})
	defer b.Release()
	b.AppendValues([]arrow.Timestamp{1, 1 << 62}, nil)
	arr := b.NewArray()
	defer arr.Release()
	_, err := conform(mem, arr.Data(), &arrow.TimestampType{Unit: arrow.Microsecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "out of range")
}

func TestCompatible(t *testing.T) {
	us := &arrow.TimestampType{Unit: arrow.Microsecond}
	st := arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true})
	tests := []struct {
		want, have arrow.DataType
		ok         bool
	}{
		{us, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, true},
		{us, arrow.PrimitiveTypes.Int64, false},
		{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, true},
		{arrow.BinaryTypes.String, arrow.BinaryTypes.Binary, false},
		{arrow.BinaryTypes.Binary, arrow.BinaryTypes.String, false},
		{arrow.BinaryTypes.String, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.LargeString}, true},
		{arrow.BinaryTypes.String, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.PrimitiveTypes.Int32}, false},
		{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32, false},
		{arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64, false},
		{&arrow.Decimal128Type{Precision: 12, Scale: 2}, &arrow.Decimal128Type{Precision: 12, Scale: 2}, true},
		{&arrow.Decimal128Type{Precision: 12, Scale: 2}, &arrow.Decimal128Type{Precision: 11, Scale: 2}, false},
		{&arrow.Decimal128Type{Precision: 12, Scale: 2}, &arrow.Decimal256Type{Precision: 12, Scale: 2}, false},
		{arrow.ListOf(us), arrow.LargeListOf(&arrow.TimestampType{Unit: arrow.Millisecond}), true},
		{arrow.ListOf(us), arrow.FixedSizeListOf(2, us), false},
		{st, arrow.StructOf(arrow.Field{Name: "A", Type: arrow.PrimitiveTypes.Int32}, arrow.Field{Name: "b", Type: arrow.Null}), true},
		{st, arrow.StructOf(arrow.Field{Name: "b", Type: arrow.PrimitiveTypes.Int32}), false},
		{st, arrow.ListOf(arrow.PrimitiveTypes.Int32), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, compatible(tt.want, tt.have), "%s from %s", tt.want, tt.have)
	}
}
