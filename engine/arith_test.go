package engine

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArithType(t *testing.T) {
	for _, tc := range []struct {
		op   ArithOp
		l, r arrow.DataType
		want arrow.DataType
	}{
		{OpAdd, tI64, tI64, tI64},
		{OpAdd, tI8, tI32, tI64},
		{OpMul, tI16, tI16, tI64},
		{OpAdd, tI64, dec(5, 2), dec(22, 2)},
		{OpAdd, tI32, dec(5, 2), dec(13, 2)},
		{OpSub, tI16, dec(5, 2), dec(8, 2)},
		{OpAdd, tI8, dec(1, 1), dec(5, 1)},
		{OpAdd, dec(5, 2), dec(6, 3), dec(7, 3)},
		{OpSub, dec(15, 2), dec(15, 2), dec(16, 2)},
		{OpAdd, dec(38, 0), dec(38, 10), dec(38, 10)},
		{OpMul, dec(15, 2), dec(16, 2), dec(31, 4)},
		{OpMul, dec(30, 2), dec(20, 2), dec(38, 4)},
		{OpMul, tI64, dec(5, 2), dec(24, 2)},
		{OpAdd, tF64, tI64, tF64},
		{OpMul, tF32, dec(5, 2), tF64},
		{OpDiv, tI64, tI64, tF64},
		{OpDiv, dec(5, 2), dec(5, 2), tF64},
		{OpMod, tI64, tI32, tI64},
		{OpMod, dec(5, 2), tI64, tF64},
		{OpMod, tF64, tI64, tF64},
		{OpIntDiv, tI64, tI64, tI64},
		{OpIntDiv, dec(5, 2), tF64, tI64},
		{OpAdd, tNull, tI32, tI64},
		{OpAdd, dec(5, 2), tNull, dec(6, 2)},
		{OpDiv, tNull, tNull, tF64},
		{OpAdd, tDate, tIv, tDate},
		{OpSub, tDate, tIv, tDate},
		{OpAdd, tIv, tDate, tDate},
		{OpAdd, tTS, tIv, tTS},
		{OpSub, &arrow.TimestampType{Unit: arrow.Second}, tIv, tTS},
		{OpAdd, tDate, tI32, tDate},
		{OpAdd, tI64, tDate, tDate},
		{OpSub, tDate, tDate, tI64},
	} {
		got, err := ArithType(tc.op, tc.l, tc.r)
		require.NoError(t, err, "%s %s %s", tc.l, tc.op, tc.r)
		assert.True(t, arrow.TypeEqual(tc.want, got), "%s %s %s: %s, want %s", tc.l, tc.op, tc.r, got, tc.want)
	}
	for _, tc := range []struct {
		op   ArithOp
		l, r arrow.DataType
		want string
	}{
		{OpAdd, tStr, tI64, "takes numbers"},
		{OpMul, tDate, tI64, "dates and timestamps"},
		{OpSub, tI64, tDate, "dates and timestamps"},
		{OpAdd, tDate, tDate, "dates and timestamps"},
		{OpAdd, tTS, tI64, "dates and timestamps"},
		{OpMul, dec(38, 20), dec(38, 20), "scale 40"},
		{ArithOp(9), tI64, tI64, "unknown"},
	} {
		_, err := ArithType(tc.op, tc.l, tc.r)
		if assert.Error(t, err, "%s %s %s", tc.l, tc.op, tc.r) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
}

// arith builds an Arith with the type ArithType gives.
func arith(t *testing.T, op ArithOp, lt, rt arrow.DataType) func([]Expr) Expr {
	typ, err := ArithType(op, lt, rt)
	require.NoError(t, err)
	return func(a []Expr) Expr { return &Arith{Op: op, L: a[0], R: a[1], T: typ} }
}

func TestArithIntegers(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	checkExpr(t, types(tI64, tI64), arith(t, OpAdd, tI64, tI64), []exprCase{
		row("5", 2, 3), row("-1", 2, -3), row("NULL", nil, 3), row("NULL", 1, nil),
		row(fmt.Sprint(int64(maxI)), maxI-1, 1), row("!out of range", maxI, 1), row("!out of range", minI, -1),
	})
	checkExpr(t, types(tI32, tI8), arith(t, OpSub, tI32, tI8), []exprCase{
		row("-2147483520", -2147483648, 128-256), row("2147483774", 2147483647, -127), row("NULL", nil, 1),
	})
	checkExpr(t, types(tI64, tI64), arith(t, OpSub, tI64, tI64), []exprCase{
		row("-1", 2, 3), row("!out of range", minI, 1), row("!out of range", 0, minI), row(fmt.Sprint(int64(minI)), -1, maxI),
	})
	checkExpr(t, types(tI64, tI64), arith(t, OpMul, tI64, tI64), []exprCase{
		row("6", 2, 3), row("-6", -2, 3), row("0", 0, minI), row(fmt.Sprint(int64(minI)), minI, 1),
		row("!out of range", minI, -1), row("!out of range", 1<<32, 1<<31), row(fmt.Sprint(int64(minI)), -(1 << 32), 1<<31),
		row("!out of range", 1<<32, -(1 << 32)), row("NULL", nil, 0),
	})
	checkExpr(t, types(tI64, tI64), arith(t, OpDiv, tI64, tI64), []exprCase{
		row("3.5", 7, 2), row("-3.5", -7, 2), row("NULL", 1, 0), row("0", 0, 5), row("NULL", nil, 2),
	})
	checkExpr(t, types(tI64, tI32), arith(t, OpMod, tI64, tI32), []exprCase{
		row("1", 7, 3), row("-1", -7, 3), row("1", 7, -3), row("NULL", 7, 0), row("0", minI, -1), row("NULL", nil, 1),
	})
	checkExpr(t, types(tI64, tI64), arith(t, OpIntDiv, tI64, tI64), []exprCase{
		row("3", 7, 2), row("-3", -7, 2), row("NULL", 7, 0), row("!out of range", minI, -1), row(fmt.Sprint(int64(minI)), minI, 1),
	})
}

func TestArithDecimalsAndFloats(t *testing.T) {
	checkExpr(t, types(dec(5, 2), dec(6, 3)), arith(t, OpAdd, dec(5, 2), dec(6, 3)), []exprCase{
		row("1.375", "1.25", "0.125"), row("-999.999", "-999.99", "-0.009"), row("NULL", nil, "1.000"),
	})
	checkExpr(t, types(tI64, dec(3, 2)), arith(t, OpSub, tI64, dec(3, 2)), []exprCase{
		row("0.95", 1, "0.05"), row("-9223372036854775808.99", math.MinInt64, "0.99"),
	})
	checkExpr(t, types(dec(15, 2), dec(16, 2)), arith(t, OpMul, dec(15, 2), dec(16, 2)), []exprCase{
		row("3.1250", "1.25", "2.50"), row("-0.0001", "-0.01", "0.01"), row("0.0000", "0.00", "-5.00"),
		row("-999999999999998900000000000.0001", "9999999999999.99", "-99999999999999.99"),
	})
	big38 := "99999999999999999999999999999999999999"
	checkExpr(t, types(dec(38, 0), dec(38, 0)), arith(t, OpAdd, dec(38, 0), dec(38, 0)), []exprCase{
		row("!out of range for DECIMAL(38,0)", big38, "1"), row("99999999999999999999999999999999999998", big38, "-1"),
		row("-"+big38, "-"+big38, "0"),
	})
	checkExpr(t, types(dec(38, 0), tI64), arith(t, OpMul, dec(38, 0), tI64), []exprCase{
		row("!out of range", big38, 2), row("-"+big38, big38, -1), row("NULL", nil, 2),
	})
	checkExpr(t, types(dec(5, 2), dec(5, 2)), arith(t, OpDiv, dec(5, 2), dec(5, 2)), []exprCase{
		row("0.3333333333333333", "1.00", "3.00"), row("NULL", "1.00", "0.00"), row("-2.5", "-5.00", "2.00"),
	})
	checkExpr(t, types(dec(5, 2), tI64), arith(t, OpMod, dec(5, 2), tI64), []exprCase{
		row("1.5", "7.50", 2), row("-1.5", "-7.50", 2), row("NULL", "7.50", 0),
	})
	checkExpr(t, types(dec(5, 2), dec(5, 1)), arith(t, OpIntDiv, dec(5, 2), dec(5, 1)), []exprCase{
		row("3", "7.50", "2.0"), row("-3", "-7.50", "2.0"), row("NULL", "7.50", "0.0"),
	})
	checkExpr(t, types(tF64, tI64), arith(t, OpIntDiv, tF64, tI64), []exprCase{
		row("3", 7.9, 2), row("-3", -7.9, 2), row("NULL", 1.0, 0), row("!out of range", 1e300, 1),
	})
	checkExpr(t, types(tF64, tI32), arith(t, OpAdd, tF64, tI32), []exprCase{
		row("3.5", 1.5, 2), row("NULL", nil, 2), row("+Inf", math.Inf(1), 2),
	})
	checkExpr(t, types(tF32, dec(5, 2)), arith(t, OpMul, tF32, dec(5, 2)), []exprCase{row("3", 2.0, "1.50")})
	checkExpr(t, types(tF64, tF64), arith(t, OpDiv, tF64, tF64), []exprCase{row("NULL", 1.0, 0.0), row("0.5", 1.0, 2.0)})
	checkExpr(t, types(tF64, tF64), arith(t, OpMod, tF64, tF64), []exprCase{row("1.5", 7.5, 2.0), row("-1.5", -7.5, 2.0), row("NULL", 1.0, 0.0)})
	checkExpr(t, types(tNull, tI64), arith(t, OpAdd, tNull, tI64), []exprCase{row("NULL", nil, 1)})
	checkExpr(t, types(dec(5, 2), tNull), arith(t, OpMul, dec(5, 2), tNull), []exprCase{row("NULL", "1.00", nil)})
}

func TestNegate(t *testing.T) {
	neg := func(a []Expr) Expr { return &Negate{X: a[0]} }
	checkExpr(t, types(tI64), neg, []exprCase{row("-5", 5), row("5", -5), row("NULL", nil), row("!out of range", math.MinInt64)})
	checkExpr(t, types(tI8), neg, []exprCase{row("128", -128)})
	checkExpr(t, types(dec(5, 2)), neg, []exprCase{row("-1.50", "1.50"), row("0.00", "0.00")})
	checkExpr(t, types(tF32), neg, []exprCase{row("-1.5", 1.5)})
	checkExpr(t, types(tIv), neg, []exprCase{row("-1m-2d-3ns", arrow.MonthDayNanoInterval{Months: 1, Days: 2, Nanoseconds: 3})})
	assert.True(t, arrow.TypeEqual(tI64, (&Negate{X: &Col{T: tI16}}).Type()))
	assert.True(t, arrow.TypeEqual(dec(5, 2), (&Negate{X: &Col{T: dec(5, 2)}}).Type()))
}

func TestDateArith(t *testing.T) {
	day := int64(86400e9)
	iv := func(months, days int32, nanos int64) arrow.MonthDayNanoInterval {
		return arrow.MonthDayNanoInterval{Months: months, Days: days, Nanoseconds: nanos}
	}
	checkExpr(t, types(tDate, tIv), arith(t, OpAdd, tDate, tIv), []exprCase{
		row("2024-02-29", "2024-01-31", iv(1, 0, 0)),
		row("2023-02-28", "2023-01-31", iv(1, 0, 0)),
		row("2025-02-28", "2024-02-29", iv(12, 0, 0)),
		row("2024-03-01", "2024-02-28", iv(0, 2, 0)),
		row("2024-03-30", "2024-02-29", iv(1, 1, 0)),
		row("2024-03-02", "2024-02-29", iv(0, 0, 2*day)),
		row("1999-12-31", "2000-01-01", iv(0, -1, 0)),
		row("!time of day", "2024-01-01", iv(0, 0, 3600e9)),
		row("NULL", nil, iv(0, 0, 3600e9)),
		row("NULL", "2024-01-01", nil),
	})
	checkExpr(t, types(tDate, tIv), arith(t, OpSub, tDate, tIv), []exprCase{
		row("2024-02-29", "2024-03-31", iv(1, 0, 0)),
		row("1998-09-02", "1998-12-01", iv(0, 90, 0)),
		row("2023-02-28", "2024-02-29", iv(12, 0, 0)),
	})
	checkExpr(t, types(tIv, tDate), arith(t, OpAdd, tIv, tDate), []exprCase{row("2024-01-02", iv(0, 1, 0), "2024-01-01")})
	checkExpr(t, types(tTS, tIv), arith(t, OpAdd, tTS, tIv), []exprCase{
		row("2024-02-29 10:30:00", "2024-01-31 10:30:00", iv(1, 0, 0)),
		row("2024-03-01 01:30:00", "2024-02-29 23:30:00", iv(0, 0, 2*3600e9)),
		row("1969-12-31 23:59:59.999999", "1970-01-01 00:00:00", iv(0, 0, -1000)),
		row("!out of range", "2024-01-01 00:00:00", iv(math.MaxInt32, 0, math.MaxInt64)),
	})
	checkExpr(t, types(tTS, tIv), arith(t, OpSub, tTS, tIv), []exprCase{
		row("2023-12-31 22:00:00", "2024-01-01 00:00:00", iv(0, 0, 2*3600e9)),
	})
	checkExpr(t, types(tDate, tI32), arith(t, OpAdd, tDate, tI32), []exprCase{
		row("2024-03-01", "2024-02-28", 2), row("2024-02-27", "2024-02-28", -1), row("NULL", nil, 1),
	})
	checkExpr(t, types(tI64, tDate), arith(t, OpAdd, tI64, tDate), []exprCase{row("2024-03-01", 2, "2024-02-28")})
	checkExpr(t, types(tDate, tI64), arith(t, OpSub, tDate, tI64), []exprCase{
		row("2024-02-26", "2024-02-28", 2), row("!out of range", "2024-02-28", int64(1)<<40),
	})
	checkExpr(t, types(tDate, tDate), arith(t, OpSub, tDate, tDate), []exprCase{
		row("366", "2025-01-01", "2024-01-01"), row("-1", "1970-01-01", "1970-01-02"), row("NULL", nil, "1970-01-02"),
	})
}

// TestDecimalArithOracle checks + − * over random decimals of random
// precisions and scales against math/big, overflow errors included.
func TestDecimalArithOracle(t *testing.T) {
	ctx, mem := testCtx(t)
	rng := rand.New(rand.NewPCG(1, 2))
	randDec := func(p, s int32) (*big.Int, bool) {
		if rng.IntN(8) == 0 {
			return nil, false
		}
		digits := 1 + rng.IntN(int(p))
		v := new(big.Int)
		for i := 0; i < digits; i++ {
			v.Mul(v, big.NewInt(10))
			v.Add(v, big.NewInt(int64(rng.IntN(10))))
		}
		if rng.IntN(2) == 0 {
			v.Neg(v)
		}
		return v, true
	}
	for iter := 0; iter < 300; iter++ {
		op := []ArithOp{OpAdd, OpSub, OpMul}[rng.IntN(3)]
		p1, p2 := int32(1+rng.IntN(38)), int32(1+rng.IntN(38))
		s1, s2 := int32(rng.IntN(int(p1)+1)), int32(rng.IntN(int(p2)+1))
		lt, rtp := dec(p1, s1), dec(p2, s2)
		typ, err := ArithType(op, lt, rtp)
		if err != nil {
			continue
		}
		out := typ.(*arrow.Decimal128Type)
		n := 50
		lb := array.NewDecimal128Builder(mem, lt)
		rb := array.NewDecimal128Builder(mem, rtp)
		want := make([]*big.Int, n)
		overflow := false
		for i := 0; i < n; i++ {
			a, aok := randDec(p1, s1)
			b, bok := randDec(p2, s2)
			if aok {
				lb.Append(decimal128.FromBigInt(a))
			} else {
				lb.AppendNull()
			}
			if bok {
				rb.Append(decimal128.FromBigInt(b))
			} else {
				rb.AppendNull()
			}
			if !aok || !bok {
				continue
			}
			x, y := new(big.Int).Set(a), new(big.Int).Set(b)
			switch op {
			case OpAdd, OpSub:
				// Both operands first convert to the result type, as in
				// DuckDB: one that does not fit is an overflow.
				x.Mul(x, pow10Big(out.Scale-s1))
				y.Mul(y, pow10Big(out.Scale-s2))
				limit := pow10Big(out.Precision)
				if new(big.Int).Abs(x).Cmp(limit) >= 0 || new(big.Int).Abs(y).Cmp(limit) >= 0 {
					overflow = true
				}
				if op == OpAdd {
					x.Add(x, y)
				} else {
					x.Sub(x, y)
				}
			case OpMul:
				x.Mul(x, y)
			}
			if new(big.Int).Abs(x).Cmp(pow10Big(out.Precision)) >= 0 {
				overflow = true
			}
			want[i] = x
		}
		la, ra := lb.NewArray(), rb.NewArray()
		lb.Release()
		rb.Release()
		rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "a", Type: lt}, {Name: "b", Type: rtp}}, nil), []arrow.Array{la, ra}, int64(n))
		la.Release()
		ra.Release()
		e := &Arith{Op: op, L: &Col{Index: 0, T: lt}, R: &Col{Index: 1, T: rtp}, T: typ}
		d, err := e.Eval(ctx, rec)
		rec.Release()
		name := fmt.Sprintf("%s %s %s", lt, op, rtp)
		if overflow {
			assert.Error(t, err, name)
			continue
		}
		require.NoError(t, err, name)
		got := d.(*compute.ArrayDatum).MakeArray().(*array.Decimal128)
		for i := 0; i < n; i++ {
			if want[i] == nil {
				assert.True(t, got.IsNull(i), name)
				continue
			}
			assert.Equal(t, want[i].String(), got.Value(i).BigInt().String(), "%s row %d", name, i)
		}
		got.Release()
		d.Release()
	}
}

func pow10Big(k int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
}

// TestIntArithOracle checks BIGINT + − * % DIV against math/big on random
// values near the edges, with NULLs and constants on either side.
func TestIntArithOracle(t *testing.T) {
	ctx, mem := testCtx(t)
	rng := rand.New(rand.NewPCG(3, 4))
	randInt := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return rng.Int64N(21) - 10
		case 1:
			return math.MaxInt64 - rng.Int64N(3)
		case 2:
			return math.MinInt64 + rng.Int64N(3)
		}
		return int64(rng.Uint64()) >> rng.IntN(64)
	}
	maxBig, minBig := big.NewInt(math.MaxInt64), big.NewInt(math.MinInt64)
	for iter := 0; iter < 400; iter++ {
		op := ArithOp(rng.IntN(6))
		if op == OpDiv {
			continue
		}
		a, b := randInt(), randInt()
		x, y := big.NewInt(a), big.NewInt(b)
		var want string
		switch op {
		case OpAdd:
			x.Add(x, y)
		case OpSub:
			x.Sub(x, y)
		case OpMul:
			x.Mul(x, y)
		case OpMod:
			if b == 0 {
				want = "NULL"
			} else {
				x.Rem(x, y)
			}
		case OpIntDiv:
			if b == 0 {
				want = "NULL"
			} else {
				x.Quo(x, y)
			}
		}
		if want == "" {
			want = x.String()
			if x.Cmp(maxBig) > 0 || x.Cmp(minBig) < 0 {
				want = "!out of range"
			}
		}
		for shape := 0; shape < 3; shape++ {
			l, r := Expr(&Col{Index: 0, T: tI64}), Expr(&Col{Index: 1, T: tI64})
			if shape == 1 {
				l = &Lit{Value: mustScalar(t, mem, tI64, a)}
			} else if shape == 2 {
				r = &Lit{Value: mustScalar(t, mem, tI64, b)}
			}
			rec := intRecord(t, mem, []any{a, nil, a}, []any{b, b, b})
			got, err := evalStrings(ctx, &Arith{Op: op, L: l, R: r, T: tI64}, rec, 3)
			rec.Release()
			name := fmt.Sprintf("%d %s %d (shape %d)", a, op, b, shape)
			if want[0] == '!' {
				assert.Error(t, err, name)
				continue
			}
			require.NoError(t, err, name)
			assert.Equal(t, want, got[0], name)
			assert.Equal(t, want, got[2], name)
			if shape != 1 {
				assert.Equal(t, "NULL", got[1], name)
			}
		}
	}
}

func intRecord(t testing.TB, mem memory.Allocator, a, b []any) arrow.Record {
	x, y := mkArray(t, mem, tI64, a...), mkArray(t, mem, tI64, b...)
	defer x.Release()
	defer y.Release()
	return array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "a", Type: tI64, Nullable: true}, {Name: "b", Type: tI64, Nullable: true}}, nil), []arrow.Array{x, y}, int64(len(a)))
}

// benchDecimals returns a record of two DECIMAL(15,2) columns of n rows.
func benchDecimals(b *testing.B, mem memory.Allocator, n int) arrow.Record {
	rng := rand.New(rand.NewPCG(1, 1))
	t := dec(15, 2)
	cols := make([]arrow.Array, 2)
	for c := range cols {
		bld := array.NewDecimal128Builder(mem, t)
		for i := 0; i < n; i++ {
			bld.Append(decimal128.FromI64(rng.Int64N(1e12) - 5e11))
		}
		cols[c] = bld.NewArray()
		bld.Release()
	}
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "a", Type: t}, {Name: "b", Type: t}}, nil), cols, int64(n))
	cols[0].Release()
	cols[1].Release()
	return rec
}

func BenchmarkDecimalMultiply(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 20
	rec := benchDecimals(b, mem, n)
	defer rec.Release()
	ctx := compute.WithAllocator(context.Background(), mem)
	t := dec(15, 2)
	for _, bc := range []struct {
		name string
		op   ArithOp
		r    Expr
	}{
		{"column*column", OpMul, &Col{Index: 1, T: t}},
		{"column*constant", OpMul, &Lit{Value: mustScalar(b, mem, t, "1.05")}},
		{"column+column", OpAdd, &Col{Index: 1, T: t}},
		{"1-column", OpSub, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var l, r Expr = &Col{Index: 0, T: t}, bc.r
			if r == nil {
				l, r = &Lit{Value: mustScalar(b, mem, tI64, 1)}, &Col{Index: 1, T: t}
			}
			typ, err := ArithType(bc.op, l.Type(), r.Type())
			require.NoError(b, err)
			e := &Arith{Op: bc.op, L: l, R: r, T: typ}
			b.SetBytes(n * 16)
			for i := 0; i < b.N; i++ {
				d, err := e.Eval(ctx, rec)
				if err != nil {
					b.Fatal(err)
				}
				d.Release()
			}
		})
	}
}

func BenchmarkIntAdd(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 20
	vals := make([]any, n)
	for i := range vals {
		vals[i] = int64(i)
	}
	rec := intRecord(b, mem, vals, vals)
	defer rec.Release()
	ctx := compute.WithAllocator(context.Background(), mem)
	e := &Arith{Op: OpAdd, L: &Col{Index: 0, T: tI64}, R: &Col{Index: 1, T: tI64}, T: tI64}
	b.SetBytes(n * 8)
	for i := 0; i < b.N; i++ {
		d, err := e.Eval(ctx, rec)
		if err != nil {
			b.Fatal(err)
		}
		d.Release()
	}
}
