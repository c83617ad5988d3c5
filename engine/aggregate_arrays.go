package engine

import (
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// This file moves values between Arrow arrays and the Go slices that group
// tables and accumulators keep, one typed loop per column.

// nullBitmap returns arr's validity bitmap and offset, or a nil bitmap
// when arr has no NULLs: loops test bm == nil || bitutil.BitIsSet(bm,
// off+i) for the rows that hold values.
func nullBitmap(arr arrow.Array) (bm []byte, off int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	return arr.NullBitmapBytes(), arr.Data().Offset()
}

// bytesView returns the offsets and value bytes of a string or binary
// array: value i is data[offsets[i]:offsets[i+1]].
func bytesView(arr arrow.Array) (offsets []int32, data []byte) {
	d := arr.Data()
	if d.Len() == 0 || d.Buffers()[1] == nil {
		return nil, nil
	}
	offsets = arrow.GetOffsets[int32](d, 1)
	if b := d.Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	return offsets, data
}

// int32View wraps ids, without copying, as an Int32 array with no NULLs.
func int32View(ids []int32) arrow.Array {
	buf := memory.NewBufferBytes(arrow.GetBytes(ids))
	d := array.NewData(arrow.PrimitiveTypes.Int32, len(ids), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer d.Release()
	return array.NewInt32Data(d)
}

// growTo returns s grown to length n, the new elements set to v. Capacity
// at least doubles, so that growing a group by group costs a copy of each
// element once on average.
func growTo[T any](s []T, n int, v T) []T {
	old := len(s)
	if n <= old {
		return s
	}
	if n > cap(s) {
		s = append(make([]T, 0, max(n, 2*cap(s))), s...)
	}
	s = s[:n]
	for i := old; i < n; i++ {
		s[i] = v
	}
	return s
}

// validityBitmap makes the validity buffer of an array from valid, and
// counts the NULLs; it returns nil when every value is valid (valid may be
// nil for that).
func validityBitmap(mem memory.Allocator, valid []bool) (*memory.Buffer, int) {
	nulls := 0
	for _, v := range valid {
		if !v {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(valid)))))
	bm := buf.Bytes()
	clear(bm)
	for i, v := range valid {
		if v {
			bitutil.SetBit(bm, i)
		}
	}
	return buf, nulls
}

// arrayFromBuffers assembles an array of type dt and length n from its
// buffers, taking over the caller's references to them.
func arrayFromBuffers(dt arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
	d := array.NewData(dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	defer d.Release()
	return array.MakeFromData(d)
}

// integer is the Go type of integer-like Arrow values.
type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// fixedArrayConv converts vals to a fixed-width array of type dt whose
// values are of Go type T; valid (nil: all valid) marks the non-NULL ones.
func fixedArrayConv[T, S integer](mem memory.Allocator, dt arrow.DataType, vals []S, valid []bool) arrow.Array {
	var zero T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(vals) * int(unsafe.Sizeof(zero)))
	out := arrow.GetData[T](buf.Bytes())
	for i, v := range vals {
		out[i] = T(v)
	}
	bm, nulls := validityBitmap(mem, valid)
	return arrayFromBuffers(dt, len(vals), nulls, bm, buf)
}

// fixedArrayOf is fixedArrayConv for values already of the array's Go type.
func fixedArrayOf[T arrow.FixedWidthType](mem memory.Allocator, dt arrow.DataType, vals []T, valid []bool) arrow.Array {
	var zero T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(vals) * int(unsafe.Sizeof(zero)))
	copy(arrow.GetData[T](buf.Bytes()), vals)
	bm, nulls := validityBitmap(mem, valid)
	return arrayFromBuffers(dt, len(vals), nulls, bm, buf)
}

// boolArrayOf converts vals to a boolean array.
func boolArrayOf(mem memory.Allocator, vals, valid []bool) arrow.Array {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(vals)))))
	bits := buf.Bytes()
	clear(bits)
	for i, v := range vals {
		if v {
			bitutil.SetBit(bits, i)
		}
	}
	bm, nulls := validityBitmap(mem, valid)
	return arrayFromBuffers(arrow.FixedWidthTypes.Boolean, len(vals), nulls, bm, buf)
}

// bytesArrayOf makes a string or binary array from offsets (one more than
// values) and data.
func bytesArrayOf(mem memory.Allocator, dt arrow.DataType, offsets []int32, data []byte, valid []bool) arrow.Array {
	n := len(offsets) - 1
	ob := memory.NewResizableBuffer(mem)
	ob.Resize(len(offsets) * arrow.Int32SizeBytes)
	copy(arrow.GetData[int32](ob.Bytes()), offsets)
	db := memory.NewResizableBuffer(mem)
	db.Resize(len(data))
	copy(db.Bytes(), data)
	bm, nulls := validityBitmap(mem, valid)
	return arrayFromBuffers(dt, n, nulls, bm, ob, db)
}

// gather returns the rows sel of arr, which is of a group key type.
func gather(mem memory.Allocator, arr arrow.Array, sel []int32) arrow.Array {
	var valid []bool
	if bm, off := nullBitmap(arr); bm != nil {
		valid = make([]bool, len(sel))
		for k, r := range sel {
			valid[k] = bitutil.BitIsSet(bm, off+int(r))
		}
	}
	dt := arr.DataType()
	switch dt.ID() {
	case arrow.BOOL:
		bits, off := boolBits(arr)
		vals := make([]bool, len(sel))
		for k, r := range sel {
			vals[k] = bits != nil && bitutil.BitIsSet(bits, off+int(r))
		}
		return boolArrayOf(mem, vals, valid)
	case arrow.STRING, arrow.BINARY:
		offsets, data := bytesView(arr)
		outOffsets := make([]int32, 1, len(sel)+1)
		var out []byte
		for _, r := range sel {
			out = append(out, data[offsets[r]:offsets[r+1]]...)
			outOffsets = append(outOffsets, int32(len(out)))
		}
		return bytesArrayOf(mem, dt, outOffsets, out, valid)
	}
	switch dt.(arrow.FixedWidthDataType).BitWidth() {
	case 8:
		return gatherFixed[uint8](mem, arr, sel, valid)
	case 16:
		return gatherFixed[uint16](mem, arr, sel, valid)
	case 32:
		return gatherFixed[uint32](mem, arr, sel, valid)
	case 64:
		return gatherFixed[uint64](mem, arr, sel, valid)
	}
	return gatherFixed[decimal128.Num](mem, arr, sel, valid)
}

func gatherFixed[T arrow.FixedWidthType](mem memory.Allocator, arr arrow.Array, sel []int32, valid []bool) arrow.Array {
	var zero T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(sel) * int(unsafe.Sizeof(zero)))
	out := arrow.GetData[T](buf.Bytes())
	if vals := arrow.GetValues[T](arr.Data(), 1); vals != nil {
		for k, r := range sel {
			out[k] = vals[r]
		}
	} else {
		clear(out)
	}
	bm, nulls := validityBitmap(mem, valid)
	return arrayFromBuffers(arr.DataType(), len(sel), nulls, bm, buf)
}
