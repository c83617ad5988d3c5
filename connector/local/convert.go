package local

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// compatible reports whether a Parquet column that pqarrow reads as have
// can be served as a feature of type want (a type ParseType returns).
// Beyond equal types it accepts timestamps of any unit and time zone (Arrow
// timestamps with a zone are UTC instants, as are Hopsworks timestamps),
// large and dictionary-encoded strings and binaries, large lists, list
// element fields of any name and structs with extra fields.
func compatible(want, have arrow.DataType) bool {
	switch w := want.(type) {
	case *arrow.TimestampType:
		return have.ID() == arrow.TIMESTAMP
	case *arrow.StringType:
		return isBinaryLike(have, true)
	case *arrow.BinaryType:
		return isBinaryLike(have, false)
	case *arrow.ListType:
		switch h := have.(type) {
		case *arrow.ListType:
			return compatible(w.Elem(), h.Elem())
		case *arrow.LargeListType:
			return compatible(w.Elem(), h.Elem())
		}
		return false
	case *arrow.StructType:
		h, ok := have.(*arrow.StructType)
		if !ok {
			return false
		}
		for _, wf := range w.Fields() {
			i := fieldIndex(h, wf.Name)
			if i < 0 || !compatible(wf.Type, h.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return arrow.TypeEqual(want, have)
}

// isBinaryLike reports whether t holds strings (utf8) or binaries: the
// plain, large or dictionary-encoded forms.
func isBinaryLike(t arrow.DataType, utf8 bool) bool {
	if d, ok := t.(*arrow.DictionaryType); ok {
		t = d.ValueType
	}
	if utf8 {
		return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
	}
	return t.ID() == arrow.BINARY || t.ID() == arrow.LARGE_BINARY
}

// fieldIndex finds a struct field by name, exactly or else ignoring case.
func fieldIndex(st *arrow.StructType, name string) int {
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

// conform converts data, read from a file column that compatible accepted
// for want, to an array of exactly type want. It shares buffers where the
// layouts agree and allocates from mem where they do not. The result is a
// new reference.
func conform(mem memory.Allocator, data arrow.ArrayData, want arrow.DataType) (arrow.ArrayData, error) {
	have := data.DataType()
	if data.Len() == 0 {
		empty := array.MakeArrayOfNull(mem, want, 0)
		defer empty.Release()
		empty.Data().Retain()
		return empty.Data(), nil
	}
	switch w := want.(type) {
	case *arrow.TimestampType:
		if h, ok := have.(*arrow.TimestampType); ok && h.Unit != w.Unit {
			return convertTimestamps(mem, data, h.Unit, w)
		}
	case *arrow.Decimal128Type:
		switch have.ID() {
		case arrow.INT64:
			return widenDecimals(mem, data, want, arrow.Int64Traits.CastFromBytes(data.Buffers()[1].Bytes()))
		case arrow.INT32:
			return widenDecimals(mem, data, want, arrow.Int32Traits.CastFromBytes(data.Buffers()[1].Bytes()))
		}
	case *arrow.Date32Type:
		if have.ID() == arrow.INT32 {
			return array.NewData(want, data.Len(), data.Buffers(), nil, data.NullN(), data.Offset()), nil
		}
	case *arrow.StringType, *arrow.BinaryType:
		switch have.ID() {
		case arrow.DICTIONARY:
			return decodeDictionary(mem, data, want)
		case arrow.LARGE_STRING, arrow.LARGE_BINARY:
			offsets, err := narrowOffsets(mem, data)
			if err != nil {
				return nil, err
			}
			defer offsets.Release()
			bufs := []*memory.Buffer{data.Buffers()[0], offsets, data.Buffers()[2]}
			return array.NewData(want, data.Len(), bufs, nil, data.NullN(), data.Offset()), nil
		}
	case *arrow.ListType:
		bufs := data.Buffers()[:2]
		if have.ID() == arrow.LARGE_LIST {
			offsets, err := narrowOffsets(mem, data)
			if err != nil {
				return nil, err
			}
			defer offsets.Release()
			bufs = []*memory.Buffer{data.Buffers()[0], offsets}
		}
		child, err := conform(mem, data.Children()[0], w.Elem())
		if err != nil {
			return nil, err
		}
		defer child.Release()
		return array.NewData(want, data.Len(), bufs, []arrow.ArrayData{child}, data.NullN(), data.Offset()), nil
	case *arrow.StructType:
		h, ok := have.(*arrow.StructType)
		if !ok {
			break
		}
		children := make([]arrow.ArrayData, 0, w.NumFields())
		defer func() {
			for _, c := range children {
				c.Release()
			}
		}()
		for _, wf := range w.Fields() {
			i := fieldIndex(h, wf.Name)
			if i < 0 {
				return nil, fmt.Errorf("struct has no field %q", wf.Name)
			}
			c, err := conform(mem, data.Children()[i], wf.Type)
			if err != nil {
				return nil, err
			}
			children = append(children, c)
		}
		return array.NewData(want, data.Len(), data.Buffers()[:1], children, data.NullN(), data.Offset()), nil
	}
	if !sameLayout(want, have) {
		return nil, fmt.Errorf("cannot read %s as %s", have, want)
	}
	return array.NewData(want, data.Len(), data.Buffers(), data.Children(), data.NullN(), data.Offset()), nil
}

// sameLayout reports whether arrays of type have can be relabelled as want.
func sameLayout(want, have arrow.DataType) bool {
	switch w := want.(type) {
	case *arrow.TimestampType:
		h, ok := have.(*arrow.TimestampType)
		return ok && h.Unit == w.Unit
	case *arrow.StringType, *arrow.BinaryType:
		return have.ID() == want.ID()
	}
	return arrow.TypeEqual(want, have)
}

// unitsPerSecond gives the ticks of a time unit in one second.
var unitsPerSecond = [...]int64{arrow.Second: 1, arrow.Millisecond: 1e3, arrow.Microsecond: 1e6, arrow.Nanosecond: 1e9}

// convertTimestamp converts a timestamp from one unit to another, rounding
// toward the past. It reports false if the result does not fit in 64 bits.
func convertTimestamp(v int64, from, to arrow.TimeUnit) (int64, bool) {
	f, t := unitsPerSecond[from], unitsPerSecond[to]
	switch {
	case f == t:
		return v, true
	case f > t:
		d := f / t
		q := v / d
		if v%d < 0 {
			q--
		}
		return q, true
	}
	m := t / f
	if v > math.MaxInt64/m || v < math.MinInt64/m {
		return 0, false
	}
	return v * m, true
}

func convertTimestamps(mem memory.Allocator, data arrow.ArrayData, from arrow.TimeUnit, want *arrow.TimestampType) (arrow.ArrayData, error) {
	end := data.Offset() + data.Len()
	in := arrow.TimestampTraits.CastFromBytes(data.Buffers()[1].Bytes())
	buf := memory.NewResizableBuffer(mem)
	defer buf.Release()
	buf.Resize(arrow.TimestampTraits.BytesRequired(end))
	out := arrow.TimestampTraits.CastFromBytes(buf.Bytes())
	valid := data.Buffers()[0]
	for i := data.Offset(); i < end; i++ {
		if valid != nil && !bitutil.BitIsSet(valid.Bytes(), i) {
			out[i] = 0
			continue
		}
		v, ok := convertTimestamp(int64(in[i]), from, want.Unit)
		if !ok {
			return nil, fmt.Errorf("timestamp %d (%s) is out of range for microseconds", in[i], from)
		}
		out[i] = arrow.Timestamp(v)
	}
	return array.NewData(want, data.Len(), []*memory.Buffer{valid, buf}, nil, data.NullN(), data.Offset()), nil
}

// narrowOffsets converts the 64-bit offsets of a large string, binary or
// list array to 32-bit ones, keeping their positions.
func narrowOffsets(mem memory.Allocator, data arrow.ArrayData) (*memory.Buffer, error) {
	n := data.Offset() + data.Len() + 1
	in := arrow.Int64Traits.CastFromBytes(data.Buffers()[1].Bytes())
	if len(in) < n {
		return nil, fmt.Errorf("offsets buffer holds %d offsets, want %d", len(in), n)
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(arrow.Int32Traits.BytesRequired(n))
	out := arrow.Int32Traits.CastFromBytes(buf.Bytes())
	for i, v := range in[:n] {
		if v < 0 || v > math.MaxInt32 {
			buf.Release()
			return nil, fmt.Errorf("a batch holds more than 2 GiB of values; lower the batch size")
		}
		out[i] = int32(v)
	}
	return buf, nil
}

// decodeDictionary expands a dictionary-encoded string or binary array.
func decodeDictionary(mem memory.Allocator, data arrow.ArrayData, want arrow.DataType) (arrow.ArrayData, error) {
	arr := array.MakeFromData(data).(*array.Dictionary)
	defer arr.Release()
	dict := arr.Dictionary()
	if out, ok := expandDictionary(mem, arr, dict, want); ok {
		return out, nil
	}
	b := array.NewBinaryBuilder(mem, want.(arrow.BinaryDataType))
	defer b.Release()
	b.Reserve(arr.Len())
	for i := 0; i < arr.Len(); i++ {
		if arr.IsNull(i) {
			b.AppendNull()
			continue
		}
		j := arr.GetValueIndex(i)
		if j < 0 || j >= dict.Len() {
			return nil, fmt.Errorf("dictionary index %d out of range", j)
		}
		if dict.IsNull(j) {
			b.AppendNull()
			continue
		}
		switch d := dict.(type) {
		case *array.String:
			b.AppendString(d.Value(j))
		case *array.LargeString:
			b.AppendString(d.Value(j))
		case *array.Binary:
			b.Append(d.Value(j))
		case *array.LargeBinary:
			b.Append(d.Value(j))
		default:
			return nil, fmt.Errorf("cannot decode a dictionary of %s", dict.DataType())
		}
	}
	out := b.NewArray()
	defer out.Release()
	out.Data().Retain()
	return out.Data(), nil
}

// expandDictionary decodes the common dictionary array, int32 indices into
// strings or binaries without NULLs (what pqarrow reads from a Parquet
// dictionary), in two passes over the indices: lengths, then bytes. It
// reports false for any other.
func expandDictionary(mem memory.Allocator, arr *array.Dictionary, dict arrow.Array, want arrow.DataType) (arrow.ArrayData, bool) {
	indices, ok := arr.Indices().(*array.Int32)
	if !ok || dict.NullN() > 0 {
		return nil, false
	}
	var offs []int32
	var src []byte
	switch d := dict.(type) {
	case *array.String:
		offs, src = d.ValueOffsets(), d.ValueBytes()
	case *array.Binary:
		offs, src = d.ValueOffsets(), d.ValueBytes()
	default:
		return nil, false
	}
	base := int64(0)
	if len(offs) > 0 {
		base = int64(offs[0])
	}
	idx := indices.Int32Values()
	n, nd := len(idx), int32(dict.Len())
	nulls := indices.NullN() > 0
	var total int64
	for i, j := range idx {
		if nulls && indices.IsNull(i) {
			continue
		}
		if j < 0 || j >= nd {
			return nil, false // the slow path reports it
		}
		total += int64(offs[j+1] - offs[j])
	}
	if total > math.MaxInt32 {
		return nil, false
	}
	offBuf := memory.NewResizableBuffer(mem)
	offBuf.Resize((n + 1) * 4)
	dst := arrow.Int32Traits.CastFromBytes(offBuf.Bytes())
	// Room for a 16-byte store past the last value: values of up to 16
	// bytes, most dictionary entries, are copied as one or two words.
	valBuf := memory.NewResizableBuffer(mem)
	valBuf.Resize(int(total) + 16)
	out := valBuf.Bytes()
	at := 0
	for i, j := range idx {
		dst[i] = int32(at)
		if nulls && indices.IsNull(i) {
			continue
		}
		lo, hi := int(int64(offs[j])-base), int(int64(offs[j+1])-base)
		switch n := hi - lo; {
		case n <= 8 && lo+8 <= len(src):
			binary.LittleEndian.PutUint64(out[at:], binary.LittleEndian.Uint64(src[lo:]))
		case n <= 16 && lo+16 <= len(src):
			binary.LittleEndian.PutUint64(out[at:], binary.LittleEndian.Uint64(src[lo:]))
			binary.LittleEndian.PutUint64(out[at+8:], binary.LittleEndian.Uint64(src[lo+8:]))
		default:
			copy(out[at:], src[lo:hi])
		}
		at += hi - lo
	}
	dst[n] = int32(at)
	valBuf.Resize(at)
	bufs := []*memory.Buffer{nil, offBuf, valBuf}
	if indices.NullN() > 0 {
		// The indices' validity, from their offset to this array's zero.
		bits := memory.NewResizableBuffer(mem)
		bits.Resize(int(bitutil.BytesForBits(int64(n))))
		bitutil.CopyBitmap(indices.NullBitmapBytes(), indices.Data().Offset(), n, bits.Bytes(), 0)
		bufs[0] = bits
		defer bits.Release()
	}
	data := array.NewData(want, n, bufs, nil, indices.NullN(), 0)
	offBuf.Release()
	valBuf.Release()
	return data, true
}

// readStringsAsDictionaries has pqarrow read the string and binary columns
// among cols whose every data page, in the row groups to read, is
// dictionary-encoded as Arrow dictionaries: their values are then looked up
// in one pass (expandDictionary), where pqarrow builds them a value at a
// time. It reports whether it changed any. A column whose pages fell back
// to plain encoding, or whose file does not say, is read as it is.
func readStringsAsDictionaries(pf *file.Reader, m *pqarrow.SchemaManifest, cols []fileColumn, rowGroups []int) bool {
	changed := false
	for _, c := range cols {
		sf := &m.Fields[c.field]
		if !isLeaf(sf) || sf.ColIndex < 0 {
			continue
		}
		id := sf.Field.Type.ID()
		if id != arrow.STRING && id != arrow.BINARY {
			continue
		}
		if !dictionaryEncoded(pf, sf.ColIndex, rowGroups) {
			continue
		}
		f := *sf.Field
		f.Type = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: f.Type}
		sf.Field = &f
		changed = true
	}
	return changed
}

// The Parquet format's page types of data pages (pqarrow's name for the
// type is internal).
const (
	parquetDataPage   = 0
	parquetDataPageV2 = 3
)

// dictionaryEncoded reports whether every data page of column col in the
// row groups is dictionary-encoded, as the chunks' page encoding
// statistics tell.
func dictionaryEncoded(pf *file.Reader, col int, rowGroups []int) bool {
	md := pf.MetaData()
	for _, rg := range rowGroups {
		cc, err := md.RowGroup(rg).ColumnChunk(col)
		if err != nil {
			return false
		}
		stats := cc.EncodingStats()
		data := 0
		for _, st := range stats {
			if t := int64(st.PageType); t != parquetDataPage && t != parquetDataPageV2 {
				continue
			}
			if st.Encoding != parquet.Encodings.RLEDict && st.Encoding != parquet.Encodings.PlainDict {
				return false
			}
			data++
		}
		if data == 0 {
			return false
		}
	}
	return true
}

// readIntegersRaw has pqarrow read the decimal and date columns among cols
// that Parquet stores as plain 32- or 64-bit integers as those integers:
// pqarrow hands integer pages over without copying, where its own decimal
// and date conversions go through reflection a value at a time. conform
// then widens or relabels them. m is the reader's own manifest, changed in
// place before any column reader is made from it.
func readIntegersRaw(pf *file.Reader, m *pqarrow.SchemaManifest, cols []fileColumn) {
	for _, c := range cols {
		sf := &m.Fields[c.field]
		if !isLeaf(sf) || sf.ColIndex < 0 {
			continue
		}
		var raw arrow.DataType
		physical := pf.MetaData().Schema.Column(sf.ColIndex).PhysicalType()
		switch sf.Field.Type.ID() {
		case arrow.DECIMAL128:
			switch physical {
			case parquet.Types.Int64:
				raw = arrow.PrimitiveTypes.Int64
			case parquet.Types.Int32:
				raw = arrow.PrimitiveTypes.Int32
			}
		case arrow.DATE32:
			if physical == parquet.Types.Int32 {
				raw = arrow.PrimitiveTypes.Int32
			}
		}
		if raw == nil {
			continue
		}
		f := *sf.Field
		f.Type = raw
		sf.Field = &f
	}
}

// widenDecimals converts integers holding unscaled decimal values (the
// values buffer of data) to an array of the decimal type want.
func widenDecimals[T int32 | int64](mem memory.Allocator, data arrow.ArrayData, want arrow.DataType, values []T) (arrow.ArrayData, error) {
	n := data.Offset() + data.Len()
	if len(values) < n {
		return nil, fmt.Errorf("decimal column holds %d values, want %d", len(values), n)
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(arrow.Decimal128Traits.BytesRequired(n))
	out := arrow.Decimal128Traits.CastFromBytes(buf.Bytes())
	for i, v := range values[:n] {
		out[i] = decimal128.FromI64(int64(v))
	}
	defer buf.Release()
	return array.NewData(want, data.Len(), []*memory.Buffer{data.Buffers()[0], buf}, nil, data.NullN(), data.Offset()), nil
}
