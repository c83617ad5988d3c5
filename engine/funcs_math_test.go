package engine

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/require"
)

func TestMathFunctions(t *testing.T) {
	t.Run("abs sign", func(t *testing.T) {
		checkFunc(t, "abs", types(tI64), []exprCase{row("5", -5), row("5", 5), row("NULL", nil), row("!out of range", math.MinInt64)})
		checkFunc(t, "abs", types(tI16), []exprCase{row("32768", -32768)})
		checkFunc(t, "abs", types(dec(5, 2)), []exprCase{row("1.50", "-1.50"), row("0.00", "0.00")})
		checkFunc(t, "abs", types(tF64), []exprCase{row("0.5", -0.5)})
		checkFunc(t, "sign", types(tI64), []exprCase{row("-1", -5), row("0", 0), row("1", 7)})
		checkFunc(t, "sign", types(dec(5, 2)), []exprCase{row("-1", "-0.01"), row("0", "0.00"), row("1", "3.00")})
		checkFunc(t, "sign", types(tF64), []exprCase{row("0", math.NaN()), row("-1", math.Inf(-1))})
	})
	t.Run("floor ceil trunc", func(t *testing.T) {
		d := []exprCase{row("1", "1.50"), row("-2", "-1.50"), row("2", "2.00"), row("-1", "-0.01"), row("0", "0.99"), row("NULL", nil)}
		checkFunc(t, "floor", types(dec(5, 2)), d)
		checkFunc(t, "ceil", types(dec(5, 2)), []exprCase{row("2", "1.50"), row("-1", "-1.50"), row("2", "2.00"), row("0", "-0.01"), row("1", "0.99")})
		checkFunc(t, "ceiling", types(dec(5, 2)), []exprCase{row("2", "1.01")})
		checkFunc(t, "trunc", types(dec(5, 2)), []exprCase{row("1", "1.99"), row("-1", "-1.99")})
		checkFunc(t, "floor", types(dec(38, 20)), []exprCase{row("-123456789012345679", "-123456789012345678.00000000000000000001")})
		checkFunc(t, "floor", types(tF64), []exprCase{row("-2", -1.5), row("1", 1.5)})
		checkFunc(t, "ceil", types(tF32), []exprCase{row("2", 1.5)})
		checkFunc(t, "floor", types(tI32), []exprCase{row("-7", -7)})
	})
	t.Run("round", func(t *testing.T) {
		checkFunc(t, "round", types(dec(5, 2)), []exprCase{
			row("3", "2.50"), row("-3", "-2.50"), row("2", "2.49"), row("1000", "999.50"), row("0", "0.49"), row("NULL", nil),
		})
		checkFunc(t, "round", types(dec(5, 2), tI64), []exprCase{
			row("1.30", "1.25", 1), row("1.00", "1.25", 0), row("-1.30", "-1.25", 1), row("1000.00", "999.99", 0),
			row("1.25", "1.25", 5), row("160.00", "155.55", -1), row("0.00", "155.55", -3), row("1000.00", "555.55", -3),
			row("0.00", "555.55", -100), row("NULL", "1.25", nil),
		})
		checkFunc(t, "round", types(tF64), []exprCase{row("3", 2.5), row("-3", -2.5), row("2", 2.4999)})
		checkFunc(t, "round", types(tF64, tI64), []exprCase{
			row("1.23", 1.2345, 2), row("1.24", 1.235, 2), row("160", 155.5, -1), row("1e+308", 1e308, 10), row("0", 1e308, -400),
		})
		checkFunc(t, "round", types(tI64, tI32), []exprCase{
			row("20", 15, -1), row("-20", -15, -1), row("10", 14, -1), row("5", 5, 2), row("0", 123, -19), row("0", 123, -30),
			row("!out of range", math.MaxInt64, -1), row("!out of range", int64(5e18), -19), row("1000", 950, -2),
		})
		checkFunc(t, "round", types(tI64), []exprCase{row("7", 7)})
		// A constant number of places gives DuckDB's result type.
		ctx, mem := testCtx(t)
		f, err := ResolveFuncConst("round", types(dec(5, 2), tI64), []scalar.Scalar{nil, scalar.NewInt64Scalar(1)})
		require.NoError(t, err)
		e := &FuncCall{Fn: f, Args: []Expr{&Lit{Value: mustScalar(t, mem, dec(5, 2), "-1.25")}, &Lit{Value: scalar.NewInt64Scalar(1)}}}
		got, err := evalStrings(ctx, e, nil, 1)
		require.NoError(t, err)
		require.Equal(t, []string{"-1.3"}, got)
		require.True(t, arrow.TypeEqual(dec(5, 1), e.Type()))
	})
	t.Run("transcendental", func(t *testing.T) {
		checkFunc(t, "sqrt", types(tI64), []exprCase{row("2", 4), row("!square root of a negative number", -1), row("NULL", nil)})
		checkFunc(t, "power", types(tI64, tI64), []exprCase{row("1024", 2, 10), row("0.5", 2, -1), row("+Inf", 0, -1)})
		checkFunc(t, "pow", types(tF64, dec(3, 1)), []exprCase{row("2", 4.0, "0.5")})
		checkFunc(t, "ln", types(tF64), []exprCase{row("1", math.E), row("!logarithm of zero", 0.0), row("!logarithm of a negative", -1.0)})
		checkFunc(t, "log10", types(tI64), []exprCase{row("3", 1000)})
		checkFunc(t, "log2", types(tI64), []exprCase{row("3", 8)})
		checkFunc(t, "log", types(tI64), []exprCase{row("2", 100)})
		checkFunc(t, "log", types(tI64, tI64), []exprCase{row("3", 2, 8), row("!logarithm of zero", 0, 8)})
		checkFunc(t, "exp", types(tI64), []exprCase{row("1", 0)})
		checkFunc(t, "pi", nil, []exprCase{row("3.141592653589793")})
	})
	t.Run("mod", func(t *testing.T) {
		checkFunc(t, "mod", types(tI64, tI32), []exprCase{row("1", 7, 3), row("-1", -7, 3), row("NULL", 7, 0)})
		checkFunc(t, "mod", types(dec(3, 1), tI64), []exprCase{row("1.5", "7.5", 2)})
	})
	t.Run("greatest least", func(t *testing.T) {
		checkFunc(t, "greatest", types(tI64, tI64, tI64), []exprCase{
			row("3", 1, 3, 2), row("2", 1, nil, 2), row("NULL", nil, nil, nil), row("-1", nil, -1, nil),
		})
		checkFunc(t, "least", types(tI32, dec(5, 2), tI64), []exprCase{row("-1.50", 1, "-1.50", 2), row("1.00", 1, nil, 2)})
		checkFunc(t, "greatest", types(tStr, tStr), []exprCase{row("b", "b", "a"), row("ab", "a", "ab"), row("x", nil, "x")})
		checkFunc(t, "least", types(tDate, tTS), []exprCase{row("2024-01-01 00:00:00", "2024-01-01", "2024-01-01 10:00:00")})
		checkFunc(t, "greatest", types(tI64, tNull), []exprCase{row("5", 5, nil)})
		checkFunc(t, "least", types(tF64, tF64), []exprCase{row("-Inf", math.Inf(-1), 1.0)})
		checkFunc(t, "greatest", types(tBool, tBool), []exprCase{row("true", false, true)})
	})
}
