package hopsworks

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/hopsql/hopsql/connector"
)

// The Query Service sends DuckDB's Arrow export of the result, whose types
// may differ from those hopsql derives from the feature types: large or
// view strings, timestamps with a time zone or another unit, 64-bit dates,
// other decimal precisions, dictionary-encoded strings, list elements and
// struct fields named or nullable otherwise. A columnPlan converts each
// batch's columns to the scan's schema, casting only the columns that
// differ.

// columnPlan says where each output column comes from in the batches of a
// stream and how to convert it.
type columnPlan struct {
	schema *arrow.Schema // the scan's schema, which batches are converted to
	src    []int         // per output column: the index of its wire column
	cast   []bool        // per output column: whether its type differs
}

// planColumns maps the wire schema of a stream to the output features.
// read is what the query asked for: out, or the single feature read for a
// row count when out is empty. Wire columns are matched by name (the SQL
// aliases are the feature names), ignoring case, or else by position when
// the wire holds exactly the features read.
func planColumns(wire *arrow.Schema, read, out []connector.Feature) (*columnPlan, error) {
	p := &columnPlan{schema: connector.FeatureSchema(out), src: make([]int, len(out)), cast: make([]bool, len(out))}
	if wire.NumFields() < len(read) {
		return nil, fmt.Errorf("the Hopsworks Query Service sent %d columns (%s) for %d features (%s)", wire.NumFields(), wireNames(wire), len(read), featureNames(read))
	}
	for i, f := range out {
		j := fieldByName(wire, f.Name)
		if j < 0 && wire.NumFields() == len(read) {
			j = i
		}
		if j < 0 {
			return nil, fmt.Errorf("the Hopsworks Query Service sent no column for feature %q; it sent %s", f.Name, wireNames(wire))
		}
		have := wire.Field(j).Type
		p.src[i] = j
		if arrow.TypeEqual(have, f.DataType) {
			continue
		}
		if !convertible(have, f.DataType) {
			return nil, fmt.Errorf("the Hopsworks Query Service sent feature %q as Arrow %s, which hopsql cannot convert to %s (%s)", f.Name, have, f.DataType, f.Type)
		}
		p.cast[i] = true
	}
	return p, nil
}

// fieldByName returns the index of the field called name in s, compared
// exactly and then ignoring case, or -1.
func fieldByName(s *arrow.Schema, name string) int {
	if idx := s.FieldIndices(name); len(idx) > 0 {
		return idx[0]
	}
	for i, f := range s.Fields() {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

func wireNames(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = fmt.Sprintf("%s %s", f.Name, f.Type)
	}
	return strings.Join(names, ", ")
}

func featureNames(fs []connector.Feature) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// convert returns rec with the plan's columns converted to its schema.
// The caller releases the result.
func (p *columnPlan) convert(ctx context.Context, mem memory.Allocator, rec arrow.Record) (arrow.Record, error) {
	cols := make([]arrow.Array, len(p.src))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, j := range p.src {
		a := rec.Column(j)
		if !p.cast[i] {
			a.Retain()
			cols[i] = a
			continue
		}
		c, err := convertArray(ctx, mem, a, p.schema.Field(i).Type)
		if err != nil {
			return nil, fmt.Errorf("converting column %q from %s to %s: %w", p.schema.Field(i).Name, a.DataType(), p.schema.Field(i).Type, err)
		}
		cols[i] = c
	}
	return array.NewRecord(p.schema, cols, rec.NumRows()), nil
}

// convertible reports whether convertArray converts arrays of type from to
// type to.
func convertible(from, to arrow.DataType) bool {
	if arrow.TypeEqual(from, to) || relabels(from, to) {
		return true
	}
	switch to := to.(type) {
	case *arrow.ListType:
		switch from := from.(type) {
		case *arrow.ListType:
			return convertible(from.Elem(), to.Elem())
		case *arrow.LargeListType:
			return convertible(from.Elem(), to.Elem())
		}
		return false
	case *arrow.StructType:
		from, ok := from.(*arrow.StructType)
		if !ok {
			return false
		}
		for _, f := range to.Fields() {
			j := structField(from, f.Name)
			if j < 0 || !convertible(from.Field(j).Type, f.Type) {
				return false
			}
		}
		return true
	}
	switch from.ID() {
	case arrow.STRING_VIEW:
		return to.ID() == arrow.STRING
	case arrow.BINARY_VIEW:
		return to.ID() == arrow.BINARY
	}
	return compute.CanCast(from, to)
}

// structField returns the index of the field called name in st, compared
// exactly and then ignoring case, or -1.
func structField(st *arrow.StructType, name string) int {
	if i, ok := st.FieldIdx(name); ok {
		return i
	}
	for i, f := range st.Fields() {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// convertArray converts a to type to, allocating from mem. The caller
// releases the result.
func convertArray(ctx context.Context, mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	if arrow.TypeEqual(a.DataType(), to) {
		a.Retain()
		return a, nil
	}
	if relabels(a.DataType(), to) {
		return relabel(a, to), nil
	}
	switch to := to.(type) {
	case *arrow.ListType:
		switch a := a.(type) {
		case *array.List:
			return convertList(ctx, mem, a, to)
		case *array.LargeList:
			narrow, err := castArray(ctx, mem, a, arrow.ListOfField(a.DataType().(*arrow.LargeListType).ElemField()))
			if err != nil {
				return nil, err
			}
			defer narrow.Release()
			return convertList(ctx, mem, narrow.(*array.List), to)
		}
	case *arrow.StructType:
		if a, ok := a.(*array.Struct); ok {
			return convertStruct(ctx, mem, a, to)
		}
	}
	switch a := a.(type) {
	case *array.StringView:
		return copyValues[string](a, array.NewStringBuilder(mem)), nil
	case *array.BinaryView:
		return copyValues[[]byte](a, array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)), nil
	}
	return castArray(ctx, mem, a, to)
}

// relabels reports whether arrays of type from hold the values of type to
// in its layout, so that converting them is giving their buffers the
// other type: timestamps of the same unit whatever their zones (the
// values are instants, UTC, either way; DuckDB sends TIMESTAMP WITH TIME
// ZONE with one), and decimals of the same scale and a precision no
// larger than to's, whose every value fits.
func relabels(from, to arrow.DataType) bool {
	switch from := from.(type) {
	case *arrow.TimestampType:
		to, ok := to.(*arrow.TimestampType)
		return ok && from.Unit == to.Unit
	case *arrow.Decimal128Type:
		to, ok := to.(*arrow.Decimal128Type)
		return ok && from.Scale == to.Scale && from.Precision <= to.Precision
	}
	return false
}

// relabel returns a's values as an array of type to, sharing a's buffers
// (see relabels). The caller releases the result.
func relabel(a arrow.Array, to arrow.DataType) arrow.Array {
	d := a.Data()
	data := array.NewData(to, d.Len(), d.Buffers(), d.Children(), d.NullN(), d.Offset())
	defer data.Release()
	return array.MakeFromData(data)
}

// copyValues copies the values of a view array into b, which it releases,
// and returns the flat array built.
func copyValues[T any](a interface {
	Len() int
	IsNull(int) bool
	Value(int) T
}, b interface {
	Reserve(int)
	AppendNull()
	Append(T)
	NewArray() arrow.Array
	Release()
}) arrow.Array {
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(a.Value(i))
		}
	}
	return b.NewArray()
}

// castArray casts a with Arrow's kernels: values that do not fit are
// errors, but timestamps may lose digits below the microsecond. A kernel
// that panics (Arrow 15's timestamp cast between zones of one unit did,
// on any input; relabel serves that case now) fails the cast instead of
// the program.
func castArray(ctx context.Context, mem memory.Allocator, a arrow.Array, to arrow.DataType) (out arrow.Array, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("arrow's cast failed: %v", r)
		}
	}()
	opts := compute.SafeCastOptions(to)
	opts.AllowTimeTruncate = true
	return compute.CastArray(compute.WithAllocator(ctx, mem), a, opts)
}

// convertList converts the elements of a list array, keeping its offsets
// and validity.
func convertList(ctx context.Context, mem memory.Allocator, a *array.List, to *arrow.ListType) (arrow.Array, error) {
	values, err := convertArray(ctx, mem, a.ListValues(), to.Elem())
	if err != nil {
		return nil, err
	}
	defer values.Release()
	d := a.Data()
	data := array.NewData(to, d.Len(), d.Buffers(), []arrow.ArrayData{values.Data()}, d.NullN(), d.Offset())
	defer data.Release()
	return array.MakeFromData(data), nil
}

// convertStruct converts a struct array's fields to those of to, matched
// by name, keeping its validity.
func convertStruct(ctx context.Context, mem memory.Allocator, a *array.Struct, to *arrow.StructType) (arrow.Array, error) {
	if a.Data().Offset() != 0 {
		// Build on an unsliced copy, so that the validity bitmap and
		// the fields line up at offset 0.
		flat, err := array.Concatenate([]arrow.Array{a}, mem)
		if err != nil {
			return nil, err
		}
		defer flat.Release()
		a = flat.(*array.Struct)
	}
	st := a.DataType().(*arrow.StructType)
	children := make([]arrow.ArrayData, to.NumFields())
	defer func() {
		for _, c := range children {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range to.Fields() {
		j := structField(st, f.Name)
		if j < 0 {
			return nil, fmt.Errorf("struct field %q is missing", f.Name)
		}
		c, err := convertArray(ctx, mem, a.Field(j), f.Type)
		if err != nil {
			return nil, fmt.Errorf("struct field %q: %w", f.Name, err)
		}
		children[i] = c.Data()
		children[i].Retain()
		c.Release()
	}
	d := a.Data()
	data := array.NewData(to, d.Len(), d.Buffers()[:1], children, d.NullN(), 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}
