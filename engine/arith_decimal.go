package engine

import (
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
)

// Decimal arithmetic over 128-bit integers: DECIMAL(p,s) values are the
// integers v with |v| < 10^p, standing for v / 10^s.

// decimalIntDiv computes x DIV y exactly over integers and decimals.
func decimalIntDiv(k *kernel, l, r operand) (arrow.Array, error) {
	dl, dr := asDecimal(l.arr.DataType()), asDecimal(r.arr.DataType())
	common := &arrow.Decimal128Type{Precision: 38, Scale: max(dl.Scale, dr.Scale)}
	return withConverted(k, l, r, common, common, func(l, r operand) (arrow.Array, error) {
		out := newFixedOut[int64](k)
		x, y, o := values[i128](l.arr), values[i128](r.arr), out.vals
		for i := range o {
			a, b := x[i&l.mask], y[i&r.mask]
			if b.isZero() {
				out.setNull(i)
				continue
			}
			q, ok := a.quo(b)
			if !ok || !q.fitsInt64() {
				if out.isNull(i) {
					continue
				}
				out.release()
				return nil, overflowError(OpIntDiv, l, r, i, arrow.PrimitiveTypes.Int64)
			}
			o[i] = int64(q.lo)
		}
		return out.finish(arrow.PrimitiveTypes.Int64), nil
	})
}

// decimalArith computes + - * over decimals of scales sl and sr. For + and
// − each operand is first scaled to the result's scale (as DuckDB converts
// both to the result type: an operand that does not fit is an overflow);
// for * the scales add up to the result's.
func decimalArith(k *kernel, op ArithOp, l, r operand, sl, sr int32, t *arrow.Decimal128Type) (arrow.Array, error) {
	out := newFixedOut[i128](k)
	x, y, o := values[i128](l.arr), values[i128](r.arr), out.vals
	bound := pow10u(int(t.Precision))
	for start := 0; start < len(o); {
		var bad int
		switch op {
		case OpAdd, OpSub:
			bad = addDecimals(x, y, l.mask, r.mask, int(t.Scale-sl), int(t.Scale-sr), o, start, bound, op == OpSub)
		default:
			bad = mulDecimals(x, y, l.mask, r.mask, o, start, bound)
		}
		if bad < 0 {
			break
		}
		if !out.isNull(bad) {
			out.release()
			return nil, overflowError(op, l, r, bad, t)
		}
		o[bad] = i128{}
		start = bad + 1
	}
	return out.finish(t), nil
}

// addDecimals sets o[i] = x[i]·10^kx ± y[i]·10^ky from start on and returns
// the first row where an operand or the result is not below bound, or -1.
func addDecimals(x, y []i128, xm, ym, kx, ky int, o []i128, start int, bound u128, sub bool) int {
	// Scale a constant once.
	if xm == 0 && kx > 0 {
		a, ok := x[0].mul(pow10u(kx).signed(false), bound)
		if !ok {
			return start
		}
		x, kx = []i128{a}, 0
	}
	if ym == 0 && ky > 0 {
		b, ok := y[0].mul(pow10u(ky).signed(false), bound)
		if !ok {
			return start
		}
		y, ky = []i128{b}, 0
	}
	if kx == 0 && ky == 0 {
		return addAligned(x, y, xm, ym, o, start, bound, sub)
	}
	fx, fy := pow10u(kx).signed(false), pow10u(ky).signed(false)
	for i := start; i < len(o); i++ {
		a, b := x[i&xm], y[i&ym]
		ok := true
		if kx > 0 {
			a, ok = a.mul(fx, bound)
		}
		if ky > 0 && ok {
			b, ok = b.mul(fy, bound)
		}
		if sub {
			b = b.neg()
		}
		var s i128
		if ok {
			s, ok = a.add(b)
		}
		if !ok || !s.fits(bound) {
			return i
		}
		o[i] = s
	}
	return -1
}

// addAligned is addDecimals for operands of the result's scale, with a fast
// path for values that fit in 64 bits.
func addAligned(x, y []i128, xm, ym int, o []i128, start int, bound u128, sub bool) int {
	// lim is the bound as an int64, or 0 when every int64 is below it.
	var lim int64
	if bound.hi == 0 && bound.lo <= math.MaxInt64 {
		lim = int64(bound.lo)
	}
	for i := start; i < len(o); i++ {
		a, b := x[i&xm], y[i&ym]
		if a.fitsInt64() && b.fitsInt64() {
			p, q := int64(a.lo), int64(b.lo)
			var s int64
			var over bool
			if sub {
				s = p - q
				over = (p^q)&(p^s) < 0
			} else {
				s = p + q
				over = (p^s)&(q^s) < 0
			}
			if !over && (lim == 0 || (s < lim && s > -lim)) {
				o[i] = i128From64(s)
				continue
			}
		}
		if sub {
			b = b.neg()
		}
		s, ok := a.add(b)
		if !ok || !s.fits(bound) {
			return i
		}
		o[i] = s
	}
	return -1
}

func mulDecimals(x, y []i128, xm, ym int, o []i128, start int, bound u128) int {
	for i := start; i < len(o); i++ {
		a, b := x[i&xm], y[i&ym]
		if a.fitsInt64() && b.fitsInt64() {
			// 64 × 64 bits: the product always fits in 128.
			p, q := int64(a.lo), int64(b.lo)
			up, uq := uint64(p), uint64(q)
			if p < 0 {
				up = -up
			}
			if q < 0 {
				uq = -uq
			}
			hi, lo := bits.Mul64(up, uq)
			u := u128{hi: hi, lo: lo}
			if !u.less(bound) {
				return i
			}
			o[i] = u.signed((p < 0) != (q < 0))
			continue
		}
		r, ok := a.mul(b, bound)
		if !ok {
			return i
		}
		o[i] = r
	}
	return -1
}

// 128-bit integers, the representation of DECIMAL values.

// i128 is a signed 128-bit integer laid out as decimal128.Num (and Arrow's
// DECIMAL128 values): low word first.
type i128 struct {
	lo uint64
	hi int64
}

// u128 is an unsigned 128-bit integer.
type u128 struct {
	hi, lo uint64
}

func i128From64(v int64) i128 { return i128{lo: uint64(v), hi: v >> 63} }

func (a i128) isZero() bool    { return a.lo == 0 && a.hi == 0 }
func (a i128) isNeg() bool     { return a.hi < 0 }
func (a i128) fitsInt64() bool { return a.hi == int64(a.lo)>>63 }

func (a i128) neg() i128 {
	lo, borrow := bits.Sub64(0, a.lo, 0)
	hi, _ := bits.Sub64(0, uint64(a.hi), borrow)
	return i128{lo: lo, hi: int64(hi)}
}

// abs returns |a| (exact, also for the smallest value).
func (a i128) abs() u128 {
	if a.hi < 0 {
		n := a.neg()
		return u128{hi: uint64(n.hi), lo: n.lo}
	}
	return u128{hi: uint64(a.hi), lo: a.lo}
}

// signed returns ±u as an i128; u must be below 2^127.
func (u u128) signed(neg bool) i128 {
	v := i128{lo: u.lo, hi: int64(u.hi)}
	if neg {
		return v.neg()
	}
	return v
}

func (a i128) add(b i128) (i128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(uint64(a.hi), uint64(b.hi), c)
	s := int64(hi)
	if (a.hi^s)&(b.hi^s) < 0 {
		return i128{}, false
	}
	return i128{lo: lo, hi: s}, true
}

func (a i128) cmp(b i128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

// fits reports whether |a| < bound.
func (a i128) fits(bound u128) bool { return a.abs().less(bound) }

func (u u128) less(v u128) bool { return u.hi < v.hi || (u.hi == v.hi && u.lo < v.lo) }

// mul returns a*b when |a*b| < bound.
func (a i128) mul(b i128, bound u128) (i128, bool) {
	p, ok := a.abs().mul(b.abs())
	if !ok || !p.less(bound) {
		return i128{}, false
	}
	return p.signed(a.isNeg() != b.isNeg()), true
}

// mul returns u*v when it fits in 128 bits.
func (u u128) mul(v u128) (u128, bool) {
	if u.hi != 0 && v.hi != 0 {
		return u128{}, false
	}
	if u.hi != 0 {
		u, v = v, u
	}
	hi, lo := bits.Mul64(u.lo, v.lo)
	h2, m := bits.Mul64(u.lo, v.hi)
	if h2 != 0 {
		return u128{}, false
	}
	hi, c := bits.Add64(hi, m, 0)
	if c != 0 {
		return u128{}, false
	}
	return u128{hi: hi, lo: lo}, true
}

// divSmall returns u / d and u % d.
func (u u128) divSmall(d uint64) (u128, uint64) {
	qhi, r := u.hi/d, u.hi%d
	qlo, r := bits.Div64(r, u.lo, d)
	return u128{hi: qhi, lo: qlo}, r
}

// divPow10 returns u / 10^k truncated, and the first dropped digit (the
// digit that decides rounding half away from zero).
func (u u128) divPow10(k int) (q u128, digit uint64) {
	if k == 0 {
		return u, 0
	}
	q = u
	for k > 1 {
		step := min(k-1, 19)
		q, _ = q.divSmall(pow10u64(step))
		k -= step
	}
	return q.divSmall(10)
}

// roundPow10 returns u / 10^k rounded half away from zero.
func (u u128) roundPow10(k int) u128 {
	q, d := u.divPow10(k)
	if d >= 5 {
		lo, c := bits.Add64(q.lo, 1, 0)
		q = u128{hi: q.hi + c, lo: lo}
	}
	return q
}

// quo returns a / b truncated toward zero; ok is false when b is zero.
func (a i128) quo(b i128) (i128, bool) {
	if b.isZero() {
		return i128{}, false
	}
	ua, ub := a.abs(), b.abs()
	var q u128
	if ub.hi == 0 {
		q, _ = ua.divSmall(ub.lo)
	} else {
		// Both exceed 64 bits: the quotient fits in 64 bits; find it by
		// long division, one bit at a time.
		var rem u128
		for i := 127; i >= 0; i-- {
			rem = u128{hi: rem.hi<<1 | rem.lo>>63, lo: rem.lo<<1 | ua.bit(i)}
			if !rem.less(ub) {
				rem = rem.sub(ub)
				q = q.setBit(i)
			}
		}
	}
	return q.signed(a.isNeg() != b.isNeg()), true
}

func (u u128) bit(i int) uint64 {
	if i >= 64 {
		return u.hi >> (i - 64) & 1
	}
	return u.lo >> i & 1
}

func (u u128) setBit(i int) u128 {
	if i >= 64 {
		u.hi |= 1 << (i - 64)
	} else {
		u.lo |= 1 << i
	}
	return u
}

func (u u128) sub(v u128) u128 {
	lo, b := bits.Sub64(u.lo, v.lo, 0)
	hi, _ := bits.Sub64(u.hi, v.hi, b)
	return u128{hi: hi, lo: lo}
}

// pow10u64 returns 10^k for k <= 19.
func pow10u64(k int) uint64 {
	p := uint64(1)
	for ; k > 0; k-- {
		p *= 10
	}
	return p
}

// pow10u returns 10^k for k <= 38.
func pow10u(k int) u128 {
	if k <= 19 {
		return u128{lo: pow10u64(k)}
	}
	p, _ := u128{lo: pow10u64(19)}.mul(u128{lo: pow10u64(k - 19)})
	return p
}

// scaleUp returns a * 10^k when it fits in 128 bits and below bound.
func (a i128) scaleUp(k int, bound u128) (i128, bool) {
	if k == 0 {
		return a, a.fits(bound)
	}
	return a.mul(pow10u(k).signed(false), bound)
}

// float64 converts a decimal with the given scale to DOUBLE as DuckDB does:
// the integer converts to DOUBLE and is divided by 10^scale.
func (a i128) float64(scale int32) float64 {
	var f float64
	if a.fitsInt64() {
		f = float64(int64(a.lo))
	} else {
		u := a.abs()
		f = float64(u.hi)*(1<<64) + float64(u.lo)
		if a.isNeg() {
			f = -f
		}
	}
	return f / math.Pow10(int(scale))
}
