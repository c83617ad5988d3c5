package engine

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Math functions (DuckDB semantics). Integers widen to BIGINT; results keep
// the argument's kind unless stated:
//
//   - abs(x); abs of the smallest BIGINT is an error.
//   - round(x) and round(x, d) round half away from zero to d decimal places
//     (d < 0 rounds to tens, hundreds, …). A DECIMAL(p,s) stays an exact
//     DECIMAL: round(x) is DECIMAL(p,0); round(x, d) is DECIMAL(p, d) for a
//     constant 0 <= d < s (see ResolveFuncConst), otherwise DECIMAL(p+1, s)
//     holding the rounded value. round of a DOUBLE whose result overflows
//     returns x (0 when d < 0), as DuckDB.
//   - floor, ceil (ceiling) and trunc: integers unchanged, DECIMAL(p,s)
//     becomes DECIMAL(p,0), floats stay DOUBLE.
//   - sign(x) is the BIGINT -1, 0 or 1 (0 for NaN).
//   - sqrt, power (pow), exp, ln, log10, log2, log(x) (base 10, as DuckDB;
//     MySQL's is natural), log(b, x) and pi() give DOUBLE; sqrt of a negative
//     number and logarithms of zero or negative numbers are errors (DuckDB;
//     MySQL gives NULL).
//   - mod(a, b) is a % b (see ArithType).
//   - greatest and least take any number of arguments of a common type (see
//     CommonType) and ignore NULLs: the result is NULL only when every
//     argument is (DuckDB; MySQL gives NULL if any is).

func mathFuncNames() []string {
	return []string{"abs", "round", "floor", "ceil", "ceiling", "trunc", "sign", "sqrt", "power", "pow",
		"exp", "ln", "log10", "log2", "log", "pi", "mod", "greatest", "least"}
}

func mathFunc(name string) (funcSpec, bool) {
	f64 := arrow.PrimitiveTypes.Float64
	switch name {
	case "abs", "floor", "ceil", "ceiling", "trunc", "sign":
		return funcSpec{sigs: name + "(BIGINT | DECIMAL | DOUBLE)", resolve: func(c *call) *Func {
			if len(c.args) != 1 {
				return nil
			}
			t, ok := numberParam(c.args[0])
			if !ok {
				return nil
			}
			result := t
			if d, ok := t.(*arrow.Decimal128Type); ok && name != "abs" && name != "sign" {
				result = &arrow.Decimal128Type{Precision: d.Precision, Scale: 0}
			}
			if name == "sign" {
				result = arrow.PrimitiveTypes.Int64
			}
			return newFunc([]arrow.DataType{t}, result, unaryMathKernel(name))
		}}, true
	case "round":
		return funcSpec{sigs: "round(BIGINT | DECIMAL | DOUBLE[, BIGINT])", resolve: resolveRound}, true
	case "sqrt", "exp", "ln", "log10", "log2":
		return funcSpec{sigs: name + "(DOUBLE)", resolve: func(c *call) *Func {
			args, ok := match(c.args, floatParam)
			if !ok || len(args) != 1 {
				return nil
			}
			return newFunc(args, f64, floatKernel(name))
		}}, true
	case "log":
		return funcSpec{sigs: "log(DOUBLE), log(DOUBLE, DOUBLE)", resolve: func(c *call) *Func {
			args, ok := match(c.args, floatParam)
			if !ok || len(args) < 1 || len(args) > 2 {
				return nil
			}
			if len(args) == 1 {
				return newFunc(args, f64, floatKernel("log10"))
			}
			return newFunc(args, f64, floatKernel("logb"))
		}}, true
	case "power", "pow":
		return funcSpec{sigs: name + "(DOUBLE, DOUBLE)", resolve: func(c *call) *Func {
			args, ok := match(c.args, floatParam)
			if !ok || len(args) != 2 {
				return nil
			}
			return newFunc(args, f64, floatKernel("power"))
		}}, true
	case "pi":
		return funcSpec{sigs: "pi()", resolve: func(c *call) *Func {
			if len(c.args) != 0 {
				return nil
			}
			return newFunc(nil, f64, func(k *kernel, _ []operand) (arrow.Array, error) {
				out := newFixedOut[float64](k)
				for i := range out.vals {
					out.vals[i] = math.Pi
				}
				return out.finish(f64), nil
			})
		}}, true
	case "mod":
		return funcSpec{sigs: "mod(number, number)", resolve: func(c *call) *Func {
			if len(c.args) != 2 {
				return nil
			}
			l, r := c.args[0], c.args[1]
			t, err := ArithType(OpMod, l, r)
			if err != nil {
				c.err = fmt.Errorf("mod: %w", err)
				return nil
			}
			args := []arrow.DataType{normalizeNull(l, r), normalizeNull(r, l)}
			a := &Arith{Op: OpMod, T: t}
			return newFunc(args, t, a.kernel)
		}}, true
	case "greatest", "least":
		return funcSpec{sigs: name + "(ANY, ...) of a common type", resolve: func(c *call) *Func {
			if len(c.args) == 0 {
				return nil
			}
			t, err := CommonType(c.args...)
			if err != nil {
				c.err = fmt.Errorf("%s: %w", name, err)
				return nil
			}
			if isNull(t) {
				t = arrow.PrimitiveTypes.Int64
			}
			args := make([]arrow.DataType, len(c.args))
			for i := range args {
				args[i] = t
			}
			return &Func{Args: args, Result: t, eval: extremeKernel(name == "greatest")}
		}}, true
	}
	return funcSpec{}, false
}

// normalizeNull returns t, or other's type (BIGINT if both are NULL) when t
// is NULL.
func normalizeNull(t, other arrow.DataType) arrow.DataType {
	switch {
	case !isNull(t):
		return t
	case !isNull(other):
		return other
	}
	return arrow.PrimitiveTypes.Int64
}

// numberParam accepts integers (as BIGINT), decimals, floats (as DOUBLE) and
// NULL (as BIGINT).
func numberParam(t arrow.DataType) (arrow.DataType, bool) {
	switch {
	case isInteger(t), isNull(t):
		return arrow.PrimitiveTypes.Int64, true
	case isDecimal(t):
		return t, true
	case isFloat(t):
		return arrow.PrimitiveTypes.Float64, true
	}
	return nil, false
}

func resolveRound(c *call) *Func {
	if len(c.args) != 1 && len(c.args) != 2 {
		return nil
	}
	t, ok := numberParam(c.args[0])
	if !ok {
		return nil
	}
	args := []arrow.DataType{t}
	if len(c.args) == 2 {
		d, ok := intParam(c.args[1])
		if !ok {
			return nil
		}
		args = append(args, d)
	}
	dt, isDec := t.(*arrow.Decimal128Type)
	switch {
	case !isDec:
		return newFunc(args, t, roundKernel(nil))
	case len(args) == 1:
		rt := &arrow.Decimal128Type{Precision: dt.Precision}
		return newFunc(args, rt, roundKernel(rt))
	}
	rt := &arrow.Decimal128Type{Precision: min(dt.Precision+1, 38), Scale: dt.Scale}
	if d, ok := constInt(c.constArg(1)); ok {
		rt = &arrow.Decimal128Type{Precision: dt.Precision, Scale: int32(min(max(d, 0), int64(dt.Scale)))}
	}
	return newFunc(args, rt, roundKernel(rt))
}

// constInt returns a valid integer constant's value.
func constInt(s scalar.Scalar) (int64, bool) {
	if s == nil || !s.IsValid() {
		return 0, false
	}
	switch s := s.(type) {
	case *scalar.Int64:
		return s.Value, true
	case *scalar.Int32:
		return int64(s.Value), true
	case *scalar.Int16:
		return int64(s.Value), true
	case *scalar.Int8:
		return int64(s.Value), true
	}
	return 0, false
}

func unaryMathKernel(name string) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		x := args[0]
		switch t := x.arr.DataType().(type) {
		case *arrow.Int64Type:
			out := newFixedOut[int64](k)
			for i, v := range values[int64](x.arr) {
				switch name {
				case "abs":
					if v == math.MinInt64 && !out.isNull(i) {
						out.release()
						return nil, fmt.Errorf("abs(%d) is out of range for BIGINT", v)
					}
					if v < 0 {
						v = -v
					}
				case "sign":
					v = int64(sign(v))
				}
				out.vals[i] = v
			}
			return out.finish(t), nil
		case *arrow.Float64Type:
			if name == "sign" {
				out := newFixedOut[int64](k)
				for i, v := range values[float64](x.arr) {
					out.vals[i] = int64(sign(v))
				}
				return out.finish(arrow.PrimitiveTypes.Int64), nil
			}
			f := math.Trunc
			switch name {
			case "abs":
				f = math.Abs
			case "floor":
				f = math.Floor
			case "ceil", "ceiling":
				f = math.Ceil
			}
			out := newFixedOut[float64](k)
			for i, v := range values[float64](x.arr) {
				out.vals[i] = f(v)
			}
			return out.finish(t), nil
		case *arrow.Decimal128Type:
			if name == "sign" {
				out := newFixedOut[int64](k)
				for i, v := range values[i128](x.arr) {
					out.vals[i] = int64(sign(v.cmp(i128{})))
				}
				return out.finish(arrow.PrimitiveTypes.Int64), nil
			}
			out := newFixedOut[i128](k)
			scale := int(t.Scale)
			for i, v := range values[i128](x.arr) {
				switch name {
				case "abs":
					out.vals[i] = v.abs().signed(false)
				default:
					q, rem := v.abs().divPow10Rem(scale)
					neg := v.isNeg()
					up := rem && ((name == "floor" && neg) || ((name == "ceil" || name == "ceiling") && !neg))
					if up {
						q = q.add1()
					}
					out.vals[i] = q.signed(neg)
				}
			}
			rt := t
			if name != "abs" {
				rt = &arrow.Decimal128Type{Precision: t.Precision}
			}
			return out.finish(rt), nil
		}
		return nil, fmt.Errorf("%s of %s", name, sqlTypeName(x.arr.DataType()))
	}
}

func sign[T int64 | float64 | int](v T) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// divPow10Rem returns u / 10^k truncated and whether the remainder is
// non-zero.
func (u u128) divPow10Rem(k int) (u128, bool) {
	rem := false
	for k > 0 {
		step := min(k, 19)
		var r uint64
		u, r = u.divSmall(pow10u64(step))
		rem = rem || r != 0
		k -= step
	}
	return u, rem
}

func (u u128) add1() u128 {
	lo, c := addU64(u.lo, 1)
	return u128{hi: u.hi + c, lo: lo}
}

// roundKernel rounds half away from zero; rt is the result type of a
// decimal round.
func roundKernel(rt *arrow.Decimal128Type) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		x := args[0]
		var digits intArg
		if len(args) == 2 {
			digits = newIntArg(args[1])
		}
		at := func(i int) int64 {
			if digits.v == nil {
				return 0
			}
			return digits.at(i)
		}
		switch t := x.arr.DataType().(type) {
		case *arrow.Int64Type:
			out := newFixedOut[int64](k)
			xs := values[int64](x.arr)
			for i := range out.vals {
				v, d := xs[i&x.mask], at(i)
				if d >= 0 {
					out.vals[i] = v
					continue
				}
				r, ok := roundInt(v, -d)
				if !ok && !out.isNull(i) {
					out.release()
					return nil, fmt.Errorf("round(%d, %d) is out of range for BIGINT", v, d)
				}
				out.vals[i] = r
			}
			return out.finish(t), nil
		case *arrow.Float64Type:
			out := newFixedOut[float64](k)
			xs := values[float64](x.arr)
			for i := range out.vals {
				out.vals[i] = roundFloat(xs[i&x.mask], at(i))
			}
			return out.finish(t), nil
		case *arrow.Decimal128Type:
			if rt == nil {
				break
			}
			bound := pow10u(int(rt.Precision))
			scale, from := int64(rt.Scale), int64(t.Scale)
			out := newFixedOut[i128](k)
			xs := values[i128](x.arr)
			for i := range out.vals {
				v, d := xs[i&x.mask], at(i)
				// Round to keep fractional digits, then express the value at
				// the result scale.
				keep := min(max(d, -40), from, scale)
				u := v.abs()
				if drop := from - keep; drop > 0 {
					u = u.roundPow10(int(min(drop, 40)))
				}
				ok := true
				if up := scale - keep; up > 0 {
					u, ok = u.mul(pow10u(int(min(up, 39))))
				}
				if !ok || !u.less(bound) {
					if out.isNull(i) {
						continue
					}
					out.release()
					return nil, fmt.Errorf("round(%s, %d) is out of range for %s", appendDecimal(nil, v, t.Scale), d, sqlTypeName(rt))
				}
				out.vals[i] = u.signed(v.isNeg())
			}
			return out.finish(rt), nil
		}
		return nil, fmt.Errorf("round of %s", sqlTypeName(x.arr.DataType()))
	}
}

// roundInt rounds v half away from zero to a multiple of 10^e (e > 0).
func roundInt(v, e int64) (int64, bool) {
	switch {
	case e > 19:
		return 0, true
	case e == 19:
		// Only |v| >= 5e18 rounds away from zero, to ±1e19: out of range.
		return 0, v > -5e18 && v < 5e18
	}
	p := int64(pow10u64(int(e)))
	q, r := v/p, v%p
	if r < 0 {
		r = -r
	}
	if 2*r >= p {
		if v < 0 {
			q--
		} else {
			q++
		}
	}
	return mulInt64(q, p)
}

// roundFloat rounds half away from zero to d decimal places, as DuckDB.
func roundFloat(v float64, d int64) float64 {
	if d < 0 {
		m := math.Pow(10, float64(-d))
		r := math.Round(v/m) * m
		if math.IsInf(r, 0) || math.IsNaN(r) {
			return 0
		}
		return r
	}
	m := math.Pow(10, float64(d))
	r := math.Round(v*m) / m
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return v
	}
	return r
}

func floatKernel(name string) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newFixedOut[float64](k)
		x := values[float64](args[0].arr)
		xm := args[0].mask
		var y []float64
		ym := 0
		if len(args) == 2 {
			y, ym = values[float64](args[1].arr), args[1].mask
		}
		for i := range out.vals {
			v := x[i&xm]
			var r float64
			var err error
			switch name {
			case "sqrt":
				if v < 0 {
					err = fmt.Errorf("cannot take the square root of a negative number (%s)", fmtFloat(v))
				}
				r = math.Sqrt(v)
			case "exp":
				r = math.Exp(v)
			case "ln", "log10", "log2":
				err = logDomain(v)
				switch name {
				case "ln":
					r = math.Log(v)
				case "log10":
					r = math.Log10(v)
				default:
					r = math.Log2(v)
				}
			case "logb":
				b := v
				v = y[i&ym]
				if err = logDomain(v); err == nil {
					err = logDomain(b)
				}
				r = math.Log(v) / math.Log(b)
			case "power":
				r = math.Pow(v, y[i&ym])
			}
			if err != nil {
				if out.isNull(i) {
					continue
				}
				out.release()
				return nil, err
			}
			out.vals[i] = r
		}
		return out.finish(arrow.PrimitiveTypes.Float64), nil
	}
}

func logDomain(v float64) error {
	switch {
	case v == 0:
		return fmt.Errorf("cannot take the logarithm of zero")
	case v < 0:
		return fmt.Errorf("cannot take the logarithm of a negative number (%s)", fmtFloat(v))
	}
	return nil
}

func fmtFloat(v float64) string { return string(appendFloat(nil, v, 64)) }
