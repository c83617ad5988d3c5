package engine

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Conditional functions, over arguments of a common type (CommonType):
//
//   - coalesce(x, ...) is the first non-NULL argument; ifnull(a, b) is
//     coalesce(a, b).
//   - nullif(a, b) is NULL when a = b, else a.
//   - if(c, a, b) (MySQL) is a when c is true, else b (a NULL c counts as
//     false).
//
// As functions these evaluate every argument for every row; the Case and
// Coalesce expressions evaluate a branch only where it is needed.

func condFuncNames() []string { return []string{"coalesce", "ifnull", "nullif", "if"} }

func condFunc(name string) (funcSpec, bool) {
	switch name {
	case "coalesce", "ifnull":
		return funcSpec{sigs: name + "(ANY, ...) of a common type", resolve: func(c *call) *Func {
			if len(c.args) == 0 || (name == "ifnull" && len(c.args) != 2) {
				return nil
			}
			t, args, ok := commonArgs(c, 0)
			if !ok {
				return nil
			}
			return &Func{Args: args, Result: t, eval: coalesceKernel}
		}}, true
	case "nullif":
		return funcSpec{sigs: "nullif(ANY, ANY) of a common type", resolve: func(c *call) *Func {
			if len(c.args) != 2 {
				return nil
			}
			t, args, ok := commonArgs(c, 0)
			if !ok {
				return nil
			}
			return &Func{Args: args, Result: t, eval: nullifKernel}
		}}, true
	case "if":
		return funcSpec{sigs: "if(BOOLEAN, ANY, ANY)", resolve: func(c *call) *Func {
			if len(c.args) != 3 || !(c.args[0].ID() == arrow.BOOL || isNull(c.args[0])) {
				return nil
			}
			t, args, ok := commonArgs(c, 1)
			if !ok {
				return nil
			}
			args[0] = arrow.FixedWidthTypes.Boolean
			return &Func{Args: args, Result: t, eval: ifKernel}
		}}, true
	}
	return funcSpec{}, false
}

// commonArgs types c.args[from:] with their common type.
func commonArgs(c *call, from int) (arrow.DataType, []arrow.DataType, bool) {
	t, err := CommonType(c.args[from:]...)
	if err != nil {
		c.err = fmt.Errorf("%s: %w", c.name, err)
		return nil, nil, false
	}
	args := make([]arrow.DataType, len(c.args))
	copy(args, c.args)
	for i := from; i < len(args); i++ {
		args[i] = t
	}
	return t, args, true
}

func coalesceKernel(k *kernel, args []operand) (arrow.Array, error) {
	choice := make([]int32, k.n)
	for i := range choice {
		choice[i] = -1
		for j, a := range args {
			if !a.isNull(i) {
				choice[i] = int32(j)
				break
			}
		}
	}
	return pick(k.mem, k.result, k.n, choice, args)
}

func nullifKernel(k *kernel, args []operand) (arrow.Array, error) {
	a, b := args[0], args[1]
	t := k.result
	choice := make([]int32, k.n)
	if !isNull(a.arr.DataType()) && !isNull(b.arr.DataType()) {
		eq, err := compareOperands(k, OpEq, a, b)
		if err != nil {
			return nil, err
		}
		defer eq.Release()
		for i := range choice {
			if eq.IsValid(i&eqMask(eq)) && eq.Value(i&eqMask(eq)) {
				choice[i] = -1
			}
		}
	}
	return pick(k.mem, t, k.n, choice, args[:1])
}

// eqMask indexes a comparison result that may be a single row.
func eqMask(b *array.Boolean) int {
	if b.Len() == 1 {
		return 0
	}
	return -1
}

func ifKernel(k *kernel, args []operand) (arrow.Array, error) {
	c := args[0]
	choice := make([]int32, k.n)
	var cond *array.Boolean
	if !isNull(c.arr.DataType()) {
		cond = c.arr.(*array.Boolean)
	}
	for i := range choice {
		choice[i] = 1
		if cond != nil && cond.IsValid(i&c.mask) && cond.Value(i&c.mask) {
			choice[i] = 0
		}
	}
	return pick(k.mem, k.result, k.n, choice, args[1:])
}

func extremeKernel(greatest bool) kernelFunc {
	op := OpLt
	if greatest {
		op = OpGt
	}
	return func(k *kernel, args []operand) (arrow.Array, error) {
		var cur operand
		owned := false
		defer func() {
			if owned {
				cur.arr.Release()
			}
		}()
		for _, a := range args {
			if isNull(a.arr.DataType()) {
				continue
			}
			if cur.arr == nil {
				cur = a
				continue
			}
			better, err := compareOperands(k, op, a, cur)
			if err != nil {
				return nil, err
			}
			bm := eqMask(better)
			choice := make([]int32, k.n)
			for i := range choice {
				switch {
				case a.isNull(i):
					choice[i] = 0
				case cur.isNull(i):
					choice[i] = 1
				case better.Value(i & bm):
					choice[i] = 1
				}
			}
			better.Release()
			next, err := pick(k.mem, k.result, k.n, choice, []operand{cur, a})
			if err != nil {
				return nil, err
			}
			if owned {
				cur.arr.Release()
			}
			cur, owned = newOperand(next, false), true
		}
		if cur.arr == nil {
			return array.MakeArrayOfNull(k.mem, k.result, k.n), nil
		}
		if cur.isConst() && k.n != 1 {
			return scalarArray(k.mem, cur, k.n)
		}
		cur.arr.Retain()
		return cur.arr, nil
	}
}

// scalarArray repeats a constant operand n times.
func scalarArray(mem memory.Allocator, op operand, n int) (arrow.Array, error) {
	s, err := scalar.GetScalar(op.arr, 0)
	if err != nil {
		return nil, err
	}
	return scalar.MakeArrayFromScalar(s, n, mem)
}

// compareOperands compares two operands of the same type; the result has n
// rows, or one when both are constants.
func compareOperands(k *kernel, op CmpOp, a, b operand) (*array.Boolean, error) {
	var out arrow.Array
	var err error
	switch {
	case a.isConst() == b.isConst():
		out, err = compareArrays(k.mem, op, a.arr, b.arr, nil)
	case b.isConst():
		out, err = compareWithConst(k, op, a.arr, b.arr)
	default:
		out, err = compareWithConst(k, op.flip(), b.arr, a.arr)
	}
	if err != nil {
		return nil, err
	}
	return out.(*array.Boolean), nil
}

func compareWithConst(k *kernel, op CmpOp, a, c arrow.Array) (arrow.Array, error) {
	if c.IsNull(0) {
		return array.MakeArrayOfNull(k.mem, arrow.FixedWidthTypes.Boolean, a.Len()), nil
	}
	s, err := scalar.GetScalar(c, 0)
	if err != nil {
		return nil, err
	}
	return compareArrays(k.mem, op, a, nil, s)
}

// pick builds an array of type t whose row i is row i of
// srcs[choice[i]], or NULL where choice[i] < 0. Sources are arrays of n
// rows or constants, of type t or NULL-typed.
func pick(mem memory.Allocator, t arrow.DataType, n int, choice []int32, srcs []operand) (arrow.Array, error) {
	for _, s := range srcs {
		if st := s.arr.DataType(); !isNull(st) && !arrow.TypeEqual(st, t) {
			return nil, fmt.Errorf("engine: a branch of type %s where %s is expected", sqlTypeName(st), sqlTypeName(t))
		}
	}
	switch t.ID() {
	case arrow.NULL:
		return array.NewNull(n), nil
	case arrow.BOOL:
		out := newBoolOutN(mem, n)
		for i, c := range choice {
			if c < 0 || srcs[c].isNull(i) {
				out.setNull(i)
				continue
			}
			s := srcs[c]
			out.set(i, s.arr.(*array.Boolean).Value(i&s.mask))
		}
		return out.finish(), nil
	case arrow.STRING, arrow.BINARY:
		return pickBinary(mem, t, n, choice, srcs), nil
	}
	fw, ok := t.(arrow.FixedWidthDataType)
	if !ok {
		return nil, fmt.Errorf("engine: cannot select values of type %s", sqlTypeName(t))
	}
	switch fw.BitWidth() {
	case 8:
		return pickFixed[uint8](mem, t, n, choice, srcs), nil
	case 16:
		return pickFixed[uint16](mem, t, n, choice, srcs), nil
	case 32:
		return pickFixed[uint32](mem, t, n, choice, srcs), nil
	case 64:
		return pickFixed[uint64](mem, t, n, choice, srcs), nil
	case 128:
		return pickFixed[i128](mem, t, n, choice, srcs), nil
	}
	return nil, fmt.Errorf("engine: cannot select values of type %s", sqlTypeName(t))
}

func pickFixed[T any](mem memory.Allocator, t arrow.DataType, n int, choice []int32, srcs []operand) arrow.Array {
	vals := make([][]T, len(srcs))
	for j, s := range srcs {
		if !isNull(s.arr.DataType()) {
			vals[j] = values[T](s.arr)
		}
	}
	out := newFixedOutN[T](mem, n)
	for i, c := range choice {
		if c < 0 || vals[c] == nil || srcs[c].isNull(i) {
			out.setNull(i)
			continue
		}
		out.vals[i] = vals[c][i&srcs[c].mask]
	}
	return out.finish(t)
}

func pickBinary(mem memory.Allocator, t arrow.DataType, n int, choice []int32, srcs []operand) arrow.Array {
	null := func(i int, c int32) bool {
		return c < 0 || isNull(srcs[c].arr.DataType()) || srcs[c].isNull(i)
	}
	if t.ID() == arrow.STRING {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		for i, c := range choice {
			if null(i, c) {
				b.AppendNull()
				continue
			}
			s := srcs[c]
			b.Append(s.arr.(*array.String).Value(i & s.mask))
		}
		return b.NewArray()
	}
	b := array.NewBinaryBuilder(mem, t.(arrow.BinaryDataType))
	defer b.Release()
	b.Reserve(n)
	for i, c := range choice {
		if null(i, c) {
			b.AppendNull()
			continue
		}
		s := srcs[c]
		b.Append(s.arr.(*array.Binary).Value(i & s.mask))
	}
	return b.NewArray()
}
