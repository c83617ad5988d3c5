package engine

import (
	"cmp"
	"context"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// CmpOp is a comparison operator.
type CmpOp int

// The comparison operators.
const (
	OpEq CmpOp = iota
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
)

var cmpOpText = [...]string{"=", "<>", "<", "<=", ">", ">="}

func (op CmpOp) String() string { return cmpOpText[op] }

// flip returns the operator for swapped operands.
func (op CmpOp) flip() CmpOp {
	switch op {
	case OpLt:
		return OpGt
	case OpLe:
		return OpGe
	case OpGt:
		return OpLt
	case OpGe:
		return OpLe
	}
	return op
}

// Compare compares two operands of the same type; the result is NULL where
// either is NULL (an untyped NULL operand makes the whole result NULL).
// Strings compare byte-wise, decimals by value (both sides have the same
// scale), booleans with false before true.
type Compare struct {
	Op   CmpOp
	L, R Expr
}

// Type implements Expr.
func (c *Compare) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// String implements Expr.
func (c *Compare) String() string { return c.L.String() + " " + c.Op.String() + " " + c.R.String() }

// Eval implements Expr.
func (c *Compare) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	l, err := c.L.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer l.Release()
	r, err := c.R.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	// An untyped NULL on either side makes every row NULL.
	if isNull(l.(compute.ArrayLikeDatum).Type()) || isNull(r.(compute.ArrayLikeDatum).Type()) {
		return compute.NewDatum(scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)), nil
	}
	mem := compute.GetAllocator(ctx)
	op := c.Op
	la, lok := l.(*compute.ArrayDatum)
	ra, rok := r.(*compute.ArrayDatum)
	switch {
	case lok && rok:
		a, b := la.MakeArray(), ra.MakeArray()
		defer a.Release()
		defer b.Release()
		out, err := compareArrays(mem, op, a, b, nil)
		return datumOf(out, err)
	case lok:
		return compareArrayScalar(mem, op, la, r.(*compute.ScalarDatum).Value)
	case rok:
		return compareArrayScalar(mem, op.flip(), ra, l.(*compute.ScalarDatum).Value)
	}
	// Two constants: compare them as one-row arrays.
	ls, rs := l.(*compute.ScalarDatum).Value, r.(*compute.ScalarDatum).Value
	if !ls.IsValid() || !rs.IsValid() {
		return compute.NewDatum(scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)), nil
	}
	a, err := scalar.MakeArrayFromScalar(ls, 1, mem)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	out, err := compareArrays(mem, op, a, nil, rs)
	if err != nil {
		return nil, err
	}
	defer out.Release()
	return compute.NewDatum(scalar.NewBooleanScalar(out.(*array.Boolean).Value(0))), nil
}

func datumOf(a arrow.Array, err error) (compute.Datum, error) {
	if err != nil {
		return nil, err
	}
	d := compute.NewDatum(a)
	a.Release()
	return d, nil
}

func compareArrayScalar(mem memory.Allocator, op CmpOp, a *compute.ArrayDatum, s scalar.Scalar) (compute.Datum, error) {
	if !s.IsValid() {
		return compute.NewDatum(scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)), nil
	}
	arr := a.MakeArray()
	defer arr.Release()
	return datumOf(compareArrays(mem, op, arr, nil, s))
}

// compareArrays compares a with b, or with the scalar s when b is nil.
func compareArrays(mem memory.Allocator, op CmpOp, a, b arrow.Array, s scalar.Scalar) (arrow.Array, error) {
	n := a.Len()
	nbytes := int(bitutil.BytesForBits(int64(n)))
	values := memory.NewResizableBuffer(mem)
	values.Resize(nbytes)
	bits := values.Bytes()
	clear(bits)
	var err error
	switch x := a.(type) {
	case *array.Int64:
		err = cmpTyped(op, x.Int64Values(), b, s, func(b arrow.Array) []int64 { return b.(*array.Int64).Int64Values() }, func(s scalar.Scalar) int64 { return s.(*scalar.Int64).Value }, bits)
	case *array.Int32:
		err = cmpTyped(op, x.Int32Values(), b, s, func(b arrow.Array) []int32 { return b.(*array.Int32).Int32Values() }, func(s scalar.Scalar) int32 { return s.(*scalar.Int32).Value }, bits)
	case *array.Int16:
		err = cmpTyped(op, x.Int16Values(), b, s, func(b arrow.Array) []int16 { return b.(*array.Int16).Int16Values() }, func(s scalar.Scalar) int16 { return s.(*scalar.Int16).Value }, bits)
	case *array.Int8:
		err = cmpTyped(op, x.Int8Values(), b, s, func(b arrow.Array) []int8 { return b.(*array.Int8).Int8Values() }, func(s scalar.Scalar) int8 { return s.(*scalar.Int8).Value }, bits)
	case *array.Float64:
		err = cmpTyped(op, x.Float64Values(), b, s, func(b arrow.Array) []float64 { return b.(*array.Float64).Float64Values() }, func(s scalar.Scalar) float64 { return s.(*scalar.Float64).Value }, bits)
	case *array.Float32:
		err = cmpTyped(op, x.Float32Values(), b, s, func(b arrow.Array) []float32 { return b.(*array.Float32).Float32Values() }, func(s scalar.Scalar) float32 { return s.(*scalar.Float32).Value }, bits)
	case *array.Date32:
		err = cmpTyped(op, x.Date32Values(), b, s, func(b arrow.Array) []arrow.Date32 { return b.(*array.Date32).Date32Values() }, func(s scalar.Scalar) arrow.Date32 { return s.(*scalar.Date32).Value }, bits)
	case *array.Timestamp:
		err = cmpTyped(op, x.TimestampValues(), b, s, func(b arrow.Array) []arrow.Timestamp { return b.(*array.Timestamp).TimestampValues() }, func(s scalar.Scalar) arrow.Timestamp { return s.(*scalar.Timestamp).Value }, bits)
	case *array.String:
		if b == nil {
			cmpStringScalar(op, x, string(s.(*scalar.String).Value.Bytes()), bits)
			break
		}
		other := b.(*array.String)
		cmpFunc(op, n, bits, func(i int) int { return cmp.Compare(x.Value(i), other.Value(i)) })
	case *array.Decimal128:
		vals := x.Values()
		if b != nil {
			other := b.(*array.Decimal128).Values()
			cmpFunc(op, n, bits, func(i int) int { return vals[i].Cmp(other[i]) })
		} else {
			cmpDecimalScalar(op, vals, s.(*scalar.Decimal128).Value, bits)
		}
	case *array.Boolean:
		cmpFunc(op, n, bits, func(i int) int {
			var y bool
			if b != nil {
				y = b.(*array.Boolean).Value(i)
			} else {
				y = s.(*scalar.Boolean).Value
			}
			return boolCmp(x.Value(i), y)
		})
	default:
		err = fmt.Errorf("engine: cannot compare values of type %s", a.DataType())
	}
	if err != nil {
		values.Release()
		return nil, err
	}
	validity := andValidity(mem, a, b)
	nulls := 0
	if validity != nil {
		nulls = n - bitutil.CountSetBits(validity.Bytes(), 0, n)
	}
	data := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{validity, values}, nil, nulls, 0)
	values.Release()
	if validity != nil {
		validity.Release()
	}
	defer data.Release()
	return array.MakeFromData(data), nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// cmpTyped compares fixed-width values, against another array's values or a
// scalar's, with the operator chosen outside the loop.
func cmpTyped[T cmp.Ordered](op CmpOp, x []T, b arrow.Array, s scalar.Scalar, vals func(arrow.Array) []T, val func(scalar.Scalar) T, bits []byte) (err error) {
	defer func() {
		// A type assertion failing means the operands' types differ: a
		// planner bug, reported rather than crashing the process.
		if r := recover(); r != nil {
			err = fmt.Errorf("engine: comparing mismatched types: %v", r)
		}
	}()
	if b != nil {
		cmpSlices(op, x, vals(b), bits)
	} else {
		cmpScalar(op, x, val(s), bits)
	}
	return nil
}

func cmpSlices[T cmp.Ordered](op CmpOp, x, y []T, bits []byte) {
	y = y[:len(x)]
	switch op {
	case OpEq:
		for i := range x {
			if x[i] == y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case OpNe:
		for i := range x {
			if x[i] != y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case OpLt:
		for i := range x {
			if x[i] < y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case OpLe:
		for i := range x {
			if x[i] <= y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case OpGt:
		for i := range x {
			if x[i] > y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case OpGe:
		for i := range x {
			if x[i] >= y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	}
}

func cmpScalar[T cmp.Ordered](op CmpOp, x []T, v T, bits []byte) {
	switch op {
	case OpEq:
		for i := range x {
			if x[i] == v {
				bitutil.SetBit(bits, i)
			}
		}
	case OpNe:
		for i := range x {
			if x[i] != v {
				bitutil.SetBit(bits, i)
			}
		}
	case OpLt:
		for i := range x {
			if x[i] < v {
				bitutil.SetBit(bits, i)
			}
		}
	case OpLe:
		for i := range x {
			if x[i] <= v {
				bitutil.SetBit(bits, i)
			}
		}
	case OpGt:
		for i := range x {
			if x[i] > v {
				bitutil.SetBit(bits, i)
			}
		}
	case OpGe:
		for i := range x {
			if x[i] >= v {
				bitutil.SetBit(bits, i)
			}
		}
	}
}

// cmpFunc sets bit i when the three-way comparison c(i) satisfies op.
func cmpFunc(op CmpOp, n int, bits []byte, c func(i int) int) {
	for i := 0; i < n; i++ {
		r := c(i)
		var ok bool
		switch op {
		case OpEq:
			ok = r == 0
		case OpNe:
			ok = r != 0
		case OpLt:
			ok = r < 0
		case OpLe:
			ok = r <= 0
		case OpGt:
			ok = r > 0
		case OpGe:
			ok = r >= 0
		}
		if ok {
			bitutil.SetBit(bits, i)
		}
	}
}

// andValidity returns the validity bitmap of a result that is NULL where a
// or b (if any) is NULL, or nil when nothing is NULL.
func andValidity(mem memory.Allocator, a, b arrow.Array) *memory.Buffer {
	n := a.Len()
	aNulls := a.NullN() > 0
	bNulls := b != nil && b.NullN() > 0
	switch {
	case !aNulls && !bNulls:
		return nil
	case aNulls && bNulls:
		return bitutil.BitmapAndAlloc(mem, a.NullBitmapBytes(), b.NullBitmapBytes(), int64(a.Data().Offset()), int64(b.Data().Offset()), int64(n), 0)
	}
	src := a
	if bNulls {
		src = b
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	bitutil.CopyBitmap(src.NullBitmapBytes(), src.Data().Offset(), n, buf.Bytes(), 0)
	return buf
}
