package engine

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/compute"
)

// ArithOp is a binary arithmetic operator.
type ArithOp int

// The arithmetic operators.
const (
	OpAdd    ArithOp = iota // +
	OpSub                   // -
	OpMul                   // *
	OpDiv                   // /
	OpMod                   // %
	OpIntDiv                // DIV
)

var arithOpText = [...]string{"+", "-", "*", "/", "%", "DIV"}

// String returns the operator as SQL spells it.
func (op ArithOp) String() string {
	if op < 0 || int(op) >= len(arithOpText) {
		return fmt.Sprintf("ArithOp(%d)", int(op))
	}
	return arithOpText[op]
}

// ArithType returns the result type of l op r, or an error saying which
// operand types the operator takes. The rules follow DuckDB except where
// noted:
//
//   - + - * on integers give BIGINT; a result that does not fit is an error.
//   - An integer meeting a decimal counts as a decimal that holds it
//     (BIGINT DECIMAL(19,0), INTEGER (10,0), SMALLINT (5,0), TINYINT (3,0)).
//   - DECIMAL(p1,s1) ± DECIMAL(p2,s2) is DECIMAL(max(p1−s1, p2−s2) +
//     max(s1,s2) + 1, max(s1,s2)); DECIMAL(p1,s1) * DECIMAL(p2,s2) is
//     DECIMAL(p1+p2, s1+s2). Precision is capped at 38 (a value that does not
//     fit is a run-time error); a scale above 38 is an error here.
//   - A float on either side gives DOUBLE.
//   - / always gives DOUBLE (both operands convert to DOUBLE); division by
//     zero gives NULL.
//   - % on integers gives BIGINT with the sign of the dividend; on anything
//     else DOUBLE (fmod). x % 0 is NULL.
//   - DIV (MySQL) gives BIGINT: the quotient truncated toward zero, exact
//     for integers and decimals; x DIV 0 is NULL.
//   - DATE ± INTERVAL is DATE (as MySQL's DATE_ADD with day, month or year
//     units; the interval's time part must be whole days) and TIMESTAMP ±
//     INTERVAL is TIMESTAMP, with month arithmetic clamping the day to the
//     month's end; INTERVAL + DATE/TIMESTAMP likewise. DATE ± integer adds
//     days and gives DATE; DATE − DATE gives the BIGINT number of days.
//   - NULL (arrow.Null) takes the other operand's type; NULL op NULL is
//     typed as if both were BIGINT.
func ArithType(op ArithOp, l, r arrow.DataType) (arrow.DataType, error) {
	if op < OpAdd || op > OpIntDiv {
		return nil, fmt.Errorf("unknown arithmetic operator %d", int(op))
	}
	if t, ok := temporalArithType(op, l, r); ok {
		return t, nil
	}
	switch {
	case isNull(l) && isNull(r):
		l, r = arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64
	case isNull(l):
		l = r
	case isNull(r):
		r = l
	}
	if !isNumeric(l) || !isNumeric(r) {
		if isTemporal(l) || isTemporal(r) {
			return nil, fmt.Errorf("operator %s does not take %s and %s: dates and timestamps take an INTERVAL (+, -), an integer number of days (DATE +, -) or another DATE (-)", op, sqlTypeName(l), sqlTypeName(r))
		}
		return nil, fmt.Errorf("operator %s takes numbers, not %s and %s", op, sqlTypeName(l), sqlTypeName(r))
	}
	switch op {
	case OpDiv:
		return arrow.PrimitiveTypes.Float64, nil
	case OpIntDiv:
		return arrow.PrimitiveTypes.Int64, nil
	case OpMod:
		if isInteger(l) && isInteger(r) {
			return arrow.PrimitiveTypes.Int64, nil
		}
		return arrow.PrimitiveTypes.Float64, nil
	}
	switch {
	case isFloat(l) || isFloat(r):
		return arrow.PrimitiveTypes.Float64, nil
	case isInteger(l) && isInteger(r):
		return arrow.PrimitiveTypes.Int64, nil
	}
	dl, dr := asDecimal(l), asDecimal(r)
	if op == OpMul {
		scale := dl.Scale + dr.Scale
		if scale > 38 {
			return nil, fmt.Errorf("%s * %s needs scale %d, above the maximum 38; cast an operand to a smaller scale or to DOUBLE", sqlTypeName(l), sqlTypeName(r), scale)
		}
		return &arrow.Decimal128Type{Precision: min(dl.Precision+dr.Precision, 38), Scale: scale}, nil
	}
	scale := max(dl.Scale, dr.Scale)
	digits := max(dl.Precision-dl.Scale, dr.Precision-dr.Scale)
	return &arrow.Decimal128Type{Precision: min(digits+scale+1, 38), Scale: scale}, nil
}

func isTemporal(t arrow.DataType) bool { return isDate(t) || isTimestamp(t) || isInterval(t) }

// temporalArithType types date and interval arithmetic; ok is false when
// neither operand is a date, timestamp or interval.
func temporalArithType(op ArithOp, l, r arrow.DataType) (arrow.DataType, bool) {
	date := arrow.FixedWidthTypes.Date32
	switch {
	case op != OpAdd && op != OpSub:
		return nil, false
	case isDate(l) && (isInterval(r) || isInteger(r) || isNull(r)):
		return date, true
	case isDate(l) && isDate(r) && op == OpSub:
		return arrow.PrimitiveTypes.Int64, true
	case isTimestamp(l) && (isInterval(r) || isNull(r)):
		return timestampType(), true
	case op == OpAdd && isDate(r) && (isInterval(l) || isInteger(l) || isNull(l)):
		return date, true
	case op == OpAdd && isTimestamp(r) && (isInterval(l) || isNull(l)):
		return timestampType(), true
	}
	return nil, false
}

// Arith evaluates L op R. Operand and result types follow ArithType: T must
// be ArithType(Op, L.Type(), R.Type()). The operands keep their own types;
// Arith converts them as ArithType describes. A result out of range is an
// error only in rows where both operands have a value.
type Arith struct {
	Op   ArithOp
	L, R Expr
	T    arrow.DataType
}

// Type implements Expr.
func (e *Arith) Type() arrow.DataType { return e.T }

// String implements Expr.
func (e *Arith) String() string {
	return "(" + e.L.String() + " " + e.Op.String() + " " + e.R.String() + ")"
}

// Eval implements Expr.
func (e *Arith) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	ops, err := evalOperands(ctx, []Expr{e.L, e.R}, rec)
	if err != nil {
		return nil, err
	}
	defer releaseOperands(ops)
	out, err := runKernel(ctx, e.T, true, e.kernel, ops)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	return out, nil
}

func (e *Arith) kernel(k *kernel, ops []operand) (arrow.Array, error) {
	l, r := ops[0], ops[1]
	lt, rt := l.arr.DataType(), r.arr.DataType()
	if isTemporal(lt) || isTemporal(rt) {
		return temporalArith(k, e.Op, l, r)
	}
	if !isNumeric(lt) || !isNumeric(rt) {
		return nil, fmt.Errorf("engine: operator %s over %s and %s", e.Op, sqlTypeName(lt), sqlTypeName(rt))
	}
	switch t := e.T.(type) {
	case *arrow.Int64Type:
		if e.Op == OpIntDiv && !(isInteger(lt) && isInteger(rt)) {
			if isFloat(lt) || isFloat(rt) {
				return withConverted(k, l, r, arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float64, func(l, r operand) (arrow.Array, error) {
					return floatIntDiv(k, l, r)
				})
			}
			return decimalIntDiv(k, l, r)
		}
		return withConverted(k, l, r, t, t, func(l, r operand) (arrow.Array, error) {
			return intArith(k, e.Op, l, r)
		})
	case *arrow.Float64Type:
		return withConverted(k, l, r, t, t, func(l, r operand) (arrow.Array, error) {
			return floatArith(k, e.Op, l, r)
		})
	case *arrow.Decimal128Type:
		if e.Op != OpAdd && e.Op != OpSub && e.Op != OpMul {
			break
		}
		// Integers become decimals of scale 0; + and − align the scales
		// row by row, so that only rows with a value can overflow.
		dl, dr := asDecimal(lt), asDecimal(rt)
		return withConverted(k, l, r, dl, dr, func(l, r operand) (arrow.Array, error) {
			return decimalArith(k, e.Op, l, r, dl.Scale, dr.Scale, t)
		})
	}
	return nil, fmt.Errorf("engine: %s %s %s cannot give %s", sqlTypeName(lt), e.Op, sqlTypeName(rt), sqlTypeName(e.T))
}

// withConverted calls fn with l converted to lt and r to rt. Decimal targets
// keep the operand's precision when only the scale changes matter; values
// that do not fit are errors.
func withConverted(k *kernel, l, r operand, lt, rt arrow.DataType, fn func(l, r operand) (arrow.Array, error)) (arrow.Array, error) {
	cl, err := convertOperand(k, l, lt)
	if err != nil {
		return nil, err
	}
	defer cl.arr.Release()
	cr, err := convertOperand(k, r, rt)
	if err != nil {
		return nil, err
	}
	defer cr.arr.Release()
	return fn(cl, cr)
}

// convertOperand returns op converted to t (a new reference even when no
// conversion is needed). For a decimal t only the scale matters: the
// precision is widened to 38 so that no value is rejected.
func convertOperand(k *kernel, op operand, t arrow.DataType) (operand, error) {
	from := op.arr.DataType()
	if d, ok := t.(*arrow.Decimal128Type); ok {
		if fd, ok := from.(*arrow.Decimal128Type); ok && fd.Scale == d.Scale {
			op.arr.Retain()
			return op, nil
		}
		t = &arrow.Decimal128Type{Precision: 38, Scale: d.Scale}
	}
	if arrow.TypeEqual(from, t) {
		op.arr.Retain()
		return op, nil
	}
	a, err := castArray(k.mem, op.arr, t)
	if err != nil {
		return operand{}, err
	}
	return operand{arr: a, mask: op.mask, null: isNull(t)}, nil
}

// overflowError reports the first valid row whose result did not fit.
func overflowError(op ArithOp, l, r operand, i int, t arrow.DataType) error {
	return fmt.Errorf("%s %s %s is out of range for %s", l.arr.ValueStr(i&l.mask), op, r.arr.ValueStr(i&r.mask), sqlTypeName(t))
}

// intArith computes + - * % DIV over BIGINT operands.
func intArith(k *kernel, op ArithOp, l, r operand) (arrow.Array, error) {
	out := newFixedOut[int64](k)
	x, y, o := values[int64](l.arr), values[int64](r.arr), out.vals
	for start := 0; start < len(o); {
		var bad int
		switch op {
		case OpAdd:
			bad = addInt64(x, y, l.mask, r.mask, o, start)
		case OpSub:
			bad = subInt64(x, y, l.mask, r.mask, o, start)
		case OpMul:
			bad = mulInt64s(x, y, l.mask, r.mask, o, start)
		case OpMod, OpIntDiv:
			bad = divInt64(op, x, y, l.mask, r.mask, out, start)
		default:
			out.release()
			return nil, fmt.Errorf("engine: operator %s over BIGINT", op)
		}
		if bad < 0 {
			break
		}
		if !out.isNull(bad) {
			out.release()
			return nil, overflowError(op, l, r, bad, arrow.PrimitiveTypes.Int64)
		}
		o[bad] = 0
		start = bad + 1
	}
	return out.finish(arrow.PrimitiveTypes.Int64), nil
}

// addInt64 sets o[i] = x[i] + y[i] from start on and returns the first row
// that overflows, or -1. Masks select constants (0) or arrays (-1).
func addInt64(x, y []int64, xm, ym int, o []int64, start int) int {
	if xm == 0 && ym != 0 {
		x, y, xm, ym = y, x, ym, xm
	}
	if ym == 0 {
		b := y[0]
		for i := start; i < len(o); i++ {
			a := x[i&xm]
			s := a + b
			if (a^s)&(b^s) < 0 {
				return i
			}
			o[i] = s
		}
		return -1
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := start; i < len(o); i++ {
		a, b := x[i], y[i]
		s := a + b
		if (a^s)&(b^s) < 0 {
			return i
		}
		o[i] = s
	}
	return -1
}

// subInt64 is addInt64 for x − y.
func subInt64(x, y []int64, xm, ym int, o []int64, start int) int {
	switch {
	case xm != 0 && ym != 0:
		x, y = x[:len(o)], y[:len(o)]
		for i := start; i < len(o); i++ {
			a, b := x[i], y[i]
			s := a - b
			if (a^b)&(a^s) < 0 {
				return i
			}
			o[i] = s
		}
	case ym == 0:
		b := y[0]
		for i := start; i < len(o); i++ {
			a := x[i&xm]
			s := a - b
			if (a^b)&(a^s) < 0 {
				return i
			}
			o[i] = s
		}
	default:
		a := x[0]
		for i := start; i < len(o); i++ {
			b := y[i]
			s := a - b
			if (a^b)&(a^s) < 0 {
				return i
			}
			o[i] = s
		}
	}
	return -1
}

// mulInt64 returns a*b and whether it fits in BIGINT.
func mulInt64(a, b int64) (int64, bool) {
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = -ua
	}
	if b < 0 {
		ub = -ub
	}
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		if lo > 1<<63 {
			return 0, false
		}
		return -int64(lo), true
	}
	if lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

func mulInt64s(x, y []int64, xm, ym int, o []int64, start int) int {
	if xm == 0 && ym != 0 {
		x, y, xm, ym = y, x, ym, xm
	}
	if ym == 0 {
		b := y[0]
		for i := start; i < len(o); i++ {
			p, ok := mulInt64(x[i&xm], b)
			if !ok {
				return i
			}
			o[i] = p
		}
		return -1
	}
	x, y = x[:len(o)], y[:len(o)]
	for i := start; i < len(o); i++ {
		p, ok := mulInt64(x[i], y[i])
		if !ok {
			return i
		}
		o[i] = p
	}
	return -1
}

// divInt64 computes x % y or x DIV y; a zero divisor gives NULL. It returns
// the first row that overflows (MinInt64 DIV -1), or -1.
func divInt64(op ArithOp, x, y []int64, xm, ym int, out *fixedOut[int64], start int) int {
	o := out.vals
	for i := start; i < len(o); i++ {
		a, b := x[i&xm], y[i&ym]
		switch {
		case b == 0:
			out.setNull(i)
		case op == OpMod:
			if b == -1 {
				o[i] = 0 // avoids the MinInt64 % -1 trap
			} else {
				o[i] = a % b
			}
		case b == -1 && a == math.MinInt64:
			return i
		default:
			o[i] = a / b
		}
	}
	return -1
}

// floatArith computes + - * / % over DOUBLE operands; / and % by zero give
// NULL.
func floatArith(k *kernel, op ArithOp, l, r operand) (arrow.Array, error) {
	out := newFixedOut[float64](k)
	x, y, o := values[float64](l.arr), values[float64](r.arr), out.vals
	xm, ym := l.mask, r.mask
	switch op {
	case OpAdd:
		for i := range o {
			o[i] = x[i&xm] + y[i&ym]
		}
	case OpSub:
		for i := range o {
			o[i] = x[i&xm] - y[i&ym]
		}
	case OpMul:
		for i := range o {
			o[i] = x[i&xm] * y[i&ym]
		}
	case OpDiv:
		for i := range o {
			if b := y[i&ym]; b != 0 {
				o[i] = x[i&xm] / b
			} else {
				out.setNull(i)
			}
		}
	case OpMod:
		for i := range o {
			if b := y[i&ym]; b != 0 {
				o[i] = math.Mod(x[i&xm], b)
			} else {
				out.setNull(i)
			}
		}
	default:
		out.release()
		return nil, fmt.Errorf("engine: operator %s over DOUBLE", op)
	}
	return out.finish(arrow.PrimitiveTypes.Float64), nil
}

// floatIntDiv computes x DIV y over DOUBLE operands: the truncated quotient
// as BIGINT.
func floatIntDiv(k *kernel, l, r operand) (arrow.Array, error) {
	out := newFixedOut[int64](k)
	x, y, o := values[float64](l.arr), values[float64](r.arr), out.vals
	for i := range o {
		a, b := x[i&l.mask], y[i&r.mask]
		if b == 0 {
			out.setNull(i)
			continue
		}
		q := math.Trunc(a / b)
		if !(q >= -(1<<63) && q < 1<<63) {
			if out.isNull(i) {
				continue
			}
			out.release()
			return nil, overflowError(OpIntDiv, l, r, i, arrow.PrimitiveTypes.Int64)
		}
		o[i] = int64(q)
	}
	return out.finish(arrow.PrimitiveTypes.Int64), nil
}

// Negate is unary minus. Its type is BIGINT for integers, DOUBLE for floats,
// and the operand's own type for decimals and intervals; negating the
// smallest BIGINT is an error.
type Negate struct{ X Expr }

// Type implements Expr.
func (e *Negate) Type() arrow.DataType { return negateType(e.X.Type()) }

func negateType(t arrow.DataType) arrow.DataType {
	switch {
	case isInteger(t), isNull(t):
		return arrow.PrimitiveTypes.Int64
	case isFloat(t):
		return arrow.PrimitiveTypes.Float64
	}
	return t
}

// String implements Expr.
func (e *Negate) String() string { return "-" + e.X.String() }

// Eval implements Expr.
func (e *Negate) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	ops, err := evalOperands(ctx, []Expr{e.X}, rec)
	if err != nil {
		return nil, err
	}
	defer releaseOperands(ops)
	t := negateType(ops[0].arr.DataType())
	out, err := runKernel(ctx, t, true, func(k *kernel, ops []operand) (arrow.Array, error) {
		x, err := convertOperand(k, ops[0], t)
		if err != nil {
			return nil, err
		}
		defer x.arr.Release()
		return negate(k, x)
	}, ops)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e, err)
	}
	return out, nil
}

func negate(k *kernel, x operand) (arrow.Array, error) {
	t := x.arr.DataType()
	switch t.ID() {
	case arrow.INT64:
		out := newFixedOut[int64](k)
		for i, v := range values[int64](x.arr) {
			if v == math.MinInt64 && !out.isNull(i) {
				out.release()
				return nil, fmt.Errorf("-(%d) is out of range for BIGINT", v)
			}
			out.vals[i] = -v
		}
		return out.finish(t), nil
	case arrow.FLOAT64:
		out := newFixedOut[float64](k)
		for i, v := range values[float64](x.arr) {
			out.vals[i] = -v
		}
		return out.finish(t), nil
	case arrow.DECIMAL128:
		out := newFixedOut[i128](k)
		for i, v := range values[i128](x.arr) {
			out.vals[i] = v.neg()
		}
		return out.finish(t), nil
	case arrow.INTERVAL_MONTH_DAY_NANO:
		out := newFixedOut[arrow.MonthDayNanoInterval](k)
		for i, v := range values[arrow.MonthDayNanoInterval](x.arr) {
			out.vals[i] = arrow.MonthDayNanoInterval{Months: -v.Months, Days: -v.Days, Nanoseconds: -v.Nanoseconds}
		}
		return out.finish(t), nil
	}
	return nil, fmt.Errorf("cannot negate %s", sqlTypeName(t))
}
