package duckref

import (
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	arrow18 "github.com/apache/arrow-go/v18/arrow"
)

// DuckDB's Arrow interface yields arrow-go/v18 records; hopsql, plantest
// and the answer package read arrow/go/v15. A flat column's layout is the
// same in both, so a v18 record is re-labelled as a v15 one over the same
// buffers (the C data interface would do the same, but the two versions'
// cdata packages export the same C symbols and cannot be linked together).

// schemaV15 returns schema in arrow/go/v15 terms.
func schemaV15(schema *arrow18.Schema) (*arrow.Schema, error) {
	fields := make([]arrow.Field, schema.NumFields())
	for i, f := range schema.Fields() {
		t, err := typeV15(f.Type)
		if err != nil {
			return nil, fmt.Errorf("duckref: column %s: %w", f.Name, err)
		}
		fields[i] = arrow.Field{Name: f.Name, Type: t, Nullable: f.Nullable}
	}
	return arrow.NewSchema(fields, nil), nil
}

// typeV15 returns the v15 type of a flat v18 type.
func typeV15(t arrow18.DataType) (arrow.DataType, error) {
	switch t := t.(type) {
	case *arrow18.NullType:
		return arrow.Null, nil
	case *arrow18.BooleanType:
		return arrow.FixedWidthTypes.Boolean, nil
	case *arrow18.Int8Type:
		return arrow.PrimitiveTypes.Int8, nil
	case *arrow18.Int16Type:
		return arrow.PrimitiveTypes.Int16, nil
	case *arrow18.Int32Type:
		return arrow.PrimitiveTypes.Int32, nil
	case *arrow18.Int64Type:
		return arrow.PrimitiveTypes.Int64, nil
	case *arrow18.Uint8Type:
		return arrow.PrimitiveTypes.Uint8, nil
	case *arrow18.Uint16Type:
		return arrow.PrimitiveTypes.Uint16, nil
	case *arrow18.Uint32Type:
		return arrow.PrimitiveTypes.Uint32, nil
	case *arrow18.Uint64Type:
		return arrow.PrimitiveTypes.Uint64, nil
	case *arrow18.Float32Type:
		return arrow.PrimitiveTypes.Float32, nil
	case *arrow18.Float64Type:
		return arrow.PrimitiveTypes.Float64, nil
	case *arrow18.StringType:
		return arrow.BinaryTypes.String, nil
	case *arrow18.LargeStringType:
		return arrow.BinaryTypes.LargeString, nil
	case *arrow18.BinaryType:
		return arrow.BinaryTypes.Binary, nil
	case *arrow18.Date32Type:
		return arrow.FixedWidthTypes.Date32, nil
	case *arrow18.Date64Type:
		return arrow.FixedWidthTypes.Date64, nil
	case *arrow18.TimestampType:
		return &arrow.TimestampType{Unit: arrow.TimeUnit(t.Unit), TimeZone: t.TimeZone}, nil
	case *arrow18.Time32Type:
		return &arrow.Time32Type{Unit: arrow.TimeUnit(t.Unit)}, nil
	case *arrow18.Time64Type:
		return &arrow.Time64Type{Unit: arrow.TimeUnit(t.Unit)}, nil
	case *arrow18.Decimal128Type:
		return &arrow.Decimal128Type{Precision: t.Precision, Scale: t.Scale}, nil
	case *arrow18.Decimal256Type:
		return &arrow.Decimal256Type{Precision: t.Precision, Scale: t.Scale}, nil
	}
	return nil, fmt.Errorf("DuckDB's Arrow type %s is not read here; cast it in the query", t)
}

// releaser releases a v18 record once every v15 buffer over its buffers
// has been released. It is the allocator of those buffers, which only
// ever Free.
type releaser struct {
	rec  arrow18.RecordBatch
	refs atomic.Int64
}

// Allocate is never called on a buffer of a released record; it allocates
// from Go's heap like memory.GoAllocator.
func (r *releaser) Allocate(size int) []byte { return make([]byte, size) }

// Reallocate is never called either; it copies like memory.GoAllocator.
func (r *releaser) Reallocate(size int, b []byte) []byte {
	out := make([]byte, size)
	copy(out, b)
	return out
}

// Free drops one buffer's reference to the record.
func (r *releaser) Free([]byte) { r.unref() }

func (r *releaser) unref() {
	if r.refs.Add(-1) == 0 {
		r.rec.Release()
	}
}

// wrapRecord returns a v15 record of schema (rec's schema in v15 terms)
// over rec's buffers. It retains rec until the v15 record and every array
// taken from it are released.
func wrapRecord(schema *arrow.Schema, rec arrow18.RecordBatch) (arrow.Record, error) {
	rel := &releaser{rec: rec}
	rec.Retain()
	rel.refs.Store(1) // this call's, dropped on return
	defer rel.unref()
	cols := make([]arrow.Array, 0, rec.NumCols())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for j, col := range rec.Columns() {
		d := col.Data()
		if len(d.Children()) > 0 || d.DataType().ID() == arrow18.DICTIONARY {
			return nil, fmt.Errorf("duckref: column %s: nested or dictionary-encoded columns are not read here", schema.Field(j).Name)
		}
		bufs := make([]*memory.Buffer, len(d.Buffers()))
		for k, b := range d.Buffers() {
			if b != nil {
				rel.refs.Add(1)
				bufs[k] = memory.NewBufferWithAllocator(b.Bytes(), rel)
			}
		}
		data := array.NewData(schema.Field(j).Type, d.Len(), bufs, nil, d.NullN(), d.Offset())
		for _, b := range bufs {
			if b != nil {
				b.Release() // data holds its own reference
			}
		}
		cols = append(cols, array.MakeFromData(data))
		data.Release()
	}
	return array.NewRecord(schema, cols, rec.NumRows()), nil
}
