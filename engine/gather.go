package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// gatherRows returns rows idx of arr, in that order, as a new array; a
// negative index gives a NULL. It does the work of compute.TakeArray with
// typed loops, and exists because Arrow v15's take kernel for strings grows
// its data buffer one value at a time, which is quadratic in the output.
func gatherRows(mem memory.Allocator, arr arrow.Array, idx []int32) (arrow.Array, error) {
	dt := arr.DataType()
	switch dt.ID() {
	case arrow.INT8, arrow.UINT8, arrow.INT16, arrow.UINT16, arrow.INT32, arrow.UINT32,
		arrow.INT64, arrow.UINT64, arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64,
		arrow.DURATION, arrow.DECIMAL128, arrow.DECIMAL256, arrow.INTERVAL_MONTHS:
		return gatherFixedWidth(mem, arr, idx, dt.(arrow.FixedWidthDataType).BitWidth()/8), nil
	case arrow.BOOL:
		return gatherBool(mem, arr, idx), nil
	case arrow.STRING, arrow.BINARY:
		return gatherVarBinary(mem, arr, idx, arrow.Int32Traits.CastFromBytes, 4, math.MaxInt32)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return gatherVarBinary(mem, arr, idx, arrow.Int64Traits.CastFromBytes, 8, math.MaxInt64)
	case arrow.NULL:
		return array.MakeArrayOfNull(mem, dt, len(idx)), nil
	}
	indices := indexArray(mem, idx)
	defer indices.Release()
	ctx := compute.WithAllocator(context.Background(), mem)
	return compute.TakeArray(ctx, arr, indices)
}

// gatherValidity builds the validity bitmap of a gather, or returns nil when
// no output row is NULL.
func gatherValidity(mem memory.Allocator, arr arrow.Array, idx []int32) (*memory.Buffer, int) {
	neg := false
	for _, i := range idx {
		if i < 0 {
			neg = true
			break
		}
	}
	if !neg && arr.NullN() == 0 {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(idx)))))
	bits := buf.Bytes()
	clear(bits)
	src, off := arr.NullBitmapBytes(), arr.Data().Offset()
	if arr.NullN() == 0 {
		src = nil
	}
	nulls := 0
	for k, i := range idx {
		if i >= 0 && (src == nil || bitutil.BitIsSet(src, off+int(i))) {
			bitutil.SetBit(bits, k)
		} else {
			nulls++
		}
	}
	return buf, nulls
}

// assembleArray assembles an array from freshly made buffers, taking over the
// caller's references to them.
func assembleArray(dt arrow.DataType, n int, bufs []*memory.Buffer, nulls int) arrow.Array {
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data)
}

func gatherFixedWidth(mem memory.Allocator, arr arrow.Array, idx []int32, width int) arrow.Array {
	n := len(idx)
	validity, nulls := gatherValidity(mem, arr, idx)
	values := memory.NewResizableBuffer(mem)
	values.Resize(n * width)
	dst := values.Bytes()
	off := arr.Data().Offset()
	var src []byte
	if b := arr.Data().Buffers()[1]; b != nil {
		src = b.Bytes()
	}
	switch width {
	case 1:
		gatherValues(dst, src[off:], idx)
	case 2:
		gatherValues(arrow.Uint16Traits.CastFromBytes(dst), arrow.Uint16Traits.CastFromBytes(src)[off:], idx)
	case 4:
		gatherValues(arrow.Uint32Traits.CastFromBytes(dst), arrow.Uint32Traits.CastFromBytes(src)[off:], idx)
	case 8:
		gatherValues(arrow.Uint64Traits.CastFromBytes(dst), arrow.Uint64Traits.CastFromBytes(src)[off:], idx)
	case 16:
		gatherValues(arrow.Decimal128Traits.CastFromBytes(dst), arrow.Decimal128Traits.CastFromBytes(src)[off:], idx)
	case 32:
		gatherValues(arrow.Decimal256Traits.CastFromBytes(dst), arrow.Decimal256Traits.CastFromBytes(src)[off:], idx)
	}
	return assembleArray(arr.DataType(), n, []*memory.Buffer{validity, values}, nulls)
}

// gatherValues sets dst[k] to src[idx[k]], and to the zero value where the
// index is negative.
func gatherValues[T any](dst, src []T, idx []int32) {
	var zero T
	for k, i := range idx {
		if i >= 0 {
			dst[k] = src[i]
		} else {
			dst[k] = zero
		}
	}
}

func gatherBool(mem memory.Allocator, arr arrow.Array, idx []int32) arrow.Array {
	n := len(idx)
	validity, nulls := gatherValidity(mem, arr, idx)
	values := memory.NewResizableBuffer(mem)
	values.Resize(int(bitutil.BytesForBits(int64(n))))
	dst := values.Bytes()
	clear(dst)
	src, off := arr.Data().Buffers()[1].Bytes(), arr.Data().Offset()
	for k, i := range idx {
		if i >= 0 && bitutil.BitIsSet(src, off+int(i)) {
			bitutil.SetBit(dst, k)
		}
	}
	return assembleArray(arr.DataType(), n, []*memory.Buffer{validity, values}, nulls)
}

// gatherVarBinary gathers strings or binaries whose offsets are of type O,
// width bytes each, and whose data may hold at most limit bytes.
func gatherVarBinary[O int32 | int64](mem memory.Allocator, arr arrow.Array, idx []int32, cast func([]byte) []O, width int, limit int64) (arrow.Array, error) {
	n := len(idx)
	data := arr.Data()
	offs := cast(data.Buffers()[1].Bytes())[data.Offset():]
	var src []byte
	if b := data.Buffers()[2]; b != nil {
		src = b.Bytes()
	}
	var total int64
	for _, i := range idx {
		if i >= 0 {
			total += int64(offs[i+1] - offs[i])
		}
	}
	if total > limit {
		return nil, fmt.Errorf("engine: %s result of %d bytes does not fit in one array", arr.DataType(), total)
	}
	validity, nulls := gatherValidity(mem, arr, idx)
	offBuf := memory.NewResizableBuffer(mem)
	offBuf.Resize((n + 1) * width)
	dstOffs := cast(offBuf.Bytes())
	valBuf := memory.NewResizableBuffer(mem)
	valBuf.Resize(int(total))
	dst := valBuf.Bytes()
	var at O
	for k, i := range idx {
		dstOffs[k] = at
		if i >= 0 {
			at += O(copy(dst[at:], src[offs[i]:offs[i+1]]))
		}
	}
	dstOffs[n] = at
	return assembleArray(arr.DataType(), n, []*memory.Buffer{validity, offBuf, valBuf}, nulls), nil
}

// gatherRecord gathers rows idx of every column of rec, appending the new
// arrays to cols.
func gatherRecord(mem memory.Allocator, cols []arrow.Array, rec arrow.Record, idx []int32) ([]arrow.Array, error) {
	for _, c := range rec.Columns() {
		out, err := gatherRows(mem, c, idx)
		if err != nil {
			return cols, err
		}
		cols = append(cols, out)
	}
	return cols, nil
}

// indexArray makes take indices; negative entries become NULL.
func indexArray(mem memory.Allocator, idx []int32) arrow.Array {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.Resize(len(idx))
	for _, v := range idx {
		if v < 0 {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(v)
		}
	}
	return b.NewArray()
}

func releaseCols(as []arrow.Array) {
	for _, a := range as {
		a.Release()
	}
}

// account tracks what one operator has reserved against a query's memory
// limit, so that it can give it all back when it closes.
type account struct {
	x  *Exec
	op string // names the operator in MemoryLimitError
	n  int64
}

func (a *account) reserve(n int64) error {
	if err := a.x.Reserve(a.op, n); err != nil {
		return err
	}
	a.n += n
	return nil
}

func (a *account) release(n int64) {
	a.x.Release(n)
	a.n -= n
}

func (a *account) releaseAll() { a.release(a.n) }

// materialize reads all of in into one record of the given schema,
// reserving what it holds; the caller releases the record. It closes in.
func materialize(in Stream, schema *arrow.Schema, mem memory.Allocator, acct *account) (arrow.Record, error) {
	var recs []arrow.Record
	var size int64
	defer func() {
		releaseBatchList(recs)
		acct.release(size)
	}()
	for {
		rec, err := in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			in.Close()
			return nil, err
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		recs = append(recs, rec)
		n := RecordSize(rec)
		if err := acct.reserve(n); err != nil {
			in.Close()
			return nil, err
		}
		size += n
	}
	if err := in.Close(); err != nil {
		return nil, err
	}
	if len(recs) == 1 {
		// The record is kept as it is: its reservation stays.
		rec := recs[0]
		recs, size = nil, 0
		return rec, nil
	}
	// Concatenating holds the batches and their copy at once.
	if err := acct.reserve(size); err != nil {
		return nil, err
	}
	rec, err := concatRecords(mem, schema, recs)
	if err != nil {
		acct.release(size)
		return nil, err
	}
	return rec, nil
}

func releaseBatchList(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}

// concatRecords joins batches into one record.
func concatRecords(mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record) (arrow.Record, error) {
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	cols := make([]arrow.Array, schema.NumFields())
	for c := range cols {
		if len(recs) == 0 {
			cols[c] = array.MakeArrayOfNull(mem, schema.Field(c).Type, 0)
			continue
		}
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		var err error
		cols[c], err = array.Concatenate(parts, mem)
		if err != nil {
			releaseCols(cols[:c])
			return nil, fmt.Errorf("engine: %w", err)
		}
	}
	rec := array.NewRecord(schema, cols, rows)
	releaseCols(cols)
	return rec, nil
}
