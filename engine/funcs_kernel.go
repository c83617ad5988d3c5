package engine

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// The machinery kernels share: evaluated operands (arrays, or constants
// read by every row), the kernel context, and builders of results.

// runKernel runs fn over evaluated operands. A strict kernel's result is a
// NULL constant when a constant argument is NULL (or has the NULL type). When
// every operand is a constant the kernel runs over one row and the result is
// a constant.
func runKernel(ctx context.Context, result arrow.DataType, strict bool, fn kernelFunc, ops []operand) (compute.Datum, error) {
	n, allConst := 1, true
	for _, op := range ops {
		if !op.isConst() {
			n, allConst = op.arr.Len(), false
			break
		}
	}
	if strict {
		for _, op := range ops {
			if op.arr.DataType().ID() == arrow.NULL || (op.isConst() && op.arr.IsNull(0)) {
				return compute.NewDatum(scalar.MakeNullScalar(result)), nil
			}
		}
	}
	k := &kernel{ctx: ctx, mem: compute.GetAllocator(ctx), n: n, ops: ops, strict: strict, result: result}
	out, err := fn(k, ops)
	if err != nil {
		return nil, err
	}
	return finishDatum(out, allConst)
}

// finishDatum wraps a kernel's result: one value computed from constants
// becomes a scalar. It releases out.
func finishDatum(out arrow.Array, allConst bool) (compute.Datum, error) {
	defer out.Release()
	if allConst && out.Len() == 1 {
		s, err := scalar.GetScalar(out, 0)
		if err != nil {
			return nil, err
		}
		return compute.NewDatum(s), nil
	}
	return compute.NewDatum(out), nil
}

// operand is an evaluated argument: an array of n values, or a constant held
// as a one-row array that every row reads. Index values with i&mask.
type operand struct {
	arr  arrow.Array
	mask int  // -1 for an array, 0 for a constant
	null bool // the array has the NULL type (whose IsNull is false)
}

func newOperand(a arrow.Array, constant bool) operand {
	mask := -1
	if constant {
		mask = 0
	}
	return operand{arr: a, mask: mask, null: isNull(a.DataType())}
}

func (o operand) isConst() bool { return o.mask == 0 }

// isNull reports whether row i of the operand is NULL.
func (o operand) isNull(i int) bool { return o.null || o.arr.IsNull(i&o.mask) }

// evalOperands evaluates exprs over rec.
func evalOperands(ctx context.Context, exprs []Expr, rec arrow.Record) ([]operand, error) {
	mem := compute.GetAllocator(ctx)
	ops := make([]operand, 0, len(exprs))
	for _, e := range exprs {
		d, err := e.Eval(ctx, rec)
		if err != nil {
			releaseOperands(ops)
			return nil, err
		}
		op, err := toOperand(mem, d)
		d.Release()
		if err != nil {
			releaseOperands(ops)
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// toOperand turns a datum into an operand; it does not release d.
func toOperand(mem memory.Allocator, d compute.Datum) (operand, error) {
	switch d := d.(type) {
	case *compute.ArrayDatum:
		return newOperand(d.MakeArray(), false), nil
	case *compute.ScalarDatum:
		a, err := scalar.MakeArrayFromScalar(d.Value, 1, mem)
		if err != nil {
			return operand{}, err
		}
		return newOperand(a, true), nil
	}
	return operand{}, fmt.Errorf("engine: cannot evaluate over %s", d.Kind())
}

func releaseOperands(ops []operand) {
	for _, op := range ops {
		op.arr.Release()
	}
}

// kernel is the context of one kernel invocation over n rows.
type kernel struct {
	ctx    context.Context
	mem    memory.Allocator
	n      int
	ops    []operand
	strict bool
	result arrow.DataType
}

// validity returns a new bitmap of the rows where every array operand is
// valid, or nil when no operand has NULLs. Constant operands are valid (a
// strict kernel never sees a NULL constant).
func (k *kernel) validity() *memory.Buffer {
	var out *memory.Buffer
	for _, op := range k.ops {
		if op.isConst() || op.arr.NullN() == 0 {
			continue
		}
		a := op.arr
		if out == nil {
			out = memory.NewResizableBuffer(k.mem)
			out.Resize(int(bitutil.BytesForBits(int64(k.n))))
			bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), k.n, out.Bytes(), 0)
			continue
		}
		bitutil.BitmapAnd(out.Bytes(), a.NullBitmapBytes(), 0, int64(a.Data().Offset()), out.Bytes(), 0, int64(k.n))
	}
	return out
}

// values reinterprets the value buffer of a fixed-width array as []T (T must
// have the array's value width).
func values[T any](a arrow.Array) []T {
	d := a.Data()
	bufs := d.Buffers()
	if d.Len() == 0 || len(bufs) < 2 || bufs[1] == nil {
		return nil
	}
	b := bufs[1].Bytes()
	var zero T
	all := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/int(unsafe.Sizeof(zero)))
	return all[d.Offset() : d.Offset()+d.Len()]
}

// fixedOut builds a fixed-width result of n values.
type fixedOut[T any] struct {
	n     int
	buf   *memory.Buffer
	vals  []T
	valid *memory.Buffer // nil while every row is valid
	mem   memory.Allocator
}

// newFixedOut starts a result whose rows are NULL where the kernel's array
// operands are (for strict kernels), or all valid.
func newFixedOut[T any](k *kernel) *fixedOut[T] {
	o := newFixedOutN[T](k.mem, k.n)
	if k.strict {
		o.valid = k.validity()
	}
	return o
}

func newFixedOutN[T any](mem memory.Allocator, n int) *fixedOut[T] {
	var zero T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * int(unsafe.Sizeof(zero)))
	var vals []T
	if n > 0 {
		vals = unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(buf.Bytes()))), n)
	}
	return &fixedOut[T]{n: n, buf: buf, vals: vals, mem: mem}
}

// isNull reports whether row i is NULL so far.
func (o *fixedOut[T]) isNull(i int) bool {
	return o.valid != nil && !bitutil.BitIsSet(o.valid.Bytes(), i)
}

// setNull makes row i NULL.
func (o *fixedOut[T]) setNull(i int) {
	if o.valid == nil {
		o.valid = allValid(o.mem, o.n)
	}
	bitutil.ClearBit(o.valid.Bytes(), i)
	var zero T
	o.vals[i] = zero
}

// finish returns the array of type dt and releases the builder's buffers.
func (o *fixedOut[T]) finish(dt arrow.DataType) arrow.Array {
	return makeArray(dt, o.n, o.valid, o.buf)
}

// release frees the buffers of an abandoned result.
func (o *fixedOut[T]) release() {
	o.buf.Release()
	if o.valid != nil {
		o.valid.Release()
	}
}

// allValid returns a bitmap of n set bits.
func allValid(mem memory.Allocator, n int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(int(bitutil.BytesForBits(int64(n))))
	bitutil.SetBitsTo(b.Bytes(), 0, int64(n), true)
	return b
}

// makeArray builds an array of n fixed-width (or boolean) values from a
// validity bitmap (nil: no NULLs) and a value buffer, taking ownership of
// both buffers.
func makeArray(dt arrow.DataType, n int, valid, vals *memory.Buffer) arrow.Array {
	nulls := 0
	if valid != nil {
		nulls = n - bitutil.CountSetBits(valid.Bytes(), 0, n)
		if nulls == 0 {
			valid.Release()
			valid = nil
		}
	}
	data := array.NewData(dt, n, []*memory.Buffer{valid, vals}, nil, nulls, 0)
	if valid != nil {
		valid.Release()
	}
	vals.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

// boolOut builds a boolean result.
type boolOut struct {
	n     int
	bits  *memory.Buffer
	valid *memory.Buffer
	mem   memory.Allocator
}

func newBoolOut(k *kernel) *boolOut {
	o := newBoolOutN(k.mem, k.n)
	if k.strict {
		o.valid = k.validity()
	}
	return o
}

func newBoolOutN(mem memory.Allocator, n int) *boolOut {
	bits := memory.NewResizableBuffer(mem)
	bits.Resize(int(bitutil.BytesForBits(int64(n))))
	clear(bits.Bytes())
	return &boolOut{n: n, bits: bits, mem: mem}
}

func (o *boolOut) set(i int, v bool) {
	if v {
		bitutil.SetBit(o.bits.Bytes(), i)
	}
}

func (o *boolOut) isNull(i int) bool {
	return o.valid != nil && !bitutil.BitIsSet(o.valid.Bytes(), i)
}

func (o *boolOut) setNull(i int) {
	if o.valid == nil {
		o.valid = allValid(o.mem, o.n)
	}
	bitutil.ClearBit(o.valid.Bytes(), i)
	bitutil.ClearBit(o.bits.Bytes(), i)
}

func (o *boolOut) finish() arrow.Array {
	return makeArray(arrow.FixedWidthTypes.Boolean, o.n, o.valid, o.bits)
}

// stringOut builds a VARCHAR result.
type stringOut struct {
	b     *array.StringBuilder
	valid []byte // the operands' combined validity (strict kernels), or nil
	vbuf  *memory.Buffer
}

// newStringOut starts a VARCHAR result; dataHint is the expected number of
// bytes.
func newStringOut(k *kernel, dataHint int) *stringOut {
	b := array.NewStringBuilder(k.mem)
	b.Reserve(k.n)
	if dataHint > 0 {
		b.ReserveData(dataHint)
	}
	o := &stringOut{b: b}
	if k.strict {
		if o.vbuf = k.validity(); o.vbuf != nil {
			o.valid = o.vbuf.Bytes()
		}
	}
	return o
}

// isNull reports whether row i is NULL because an argument is.
func (o *stringOut) isNull(i int) bool {
	return o.valid != nil && !bitutil.BitIsSet(o.valid, i)
}

func (o *stringOut) finish() arrow.Array {
	if o.vbuf != nil {
		o.vbuf.Release()
	}
	defer o.b.Release()
	return o.b.NewArray()
}

func (o *stringOut) release() {
	if o.vbuf != nil {
		o.vbuf.Release()
	}
	o.b.Release()
}
