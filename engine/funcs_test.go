package engine

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Types used throughout the expression tests.
var (
	tI64  = arrow.PrimitiveTypes.Int64
	tI32  = arrow.PrimitiveTypes.Int32
	tI16  = arrow.PrimitiveTypes.Int16
	tI8   = arrow.PrimitiveTypes.Int8
	tF64  = arrow.PrimitiveTypes.Float64
	tF32  = arrow.PrimitiveTypes.Float32
	tStr  = arrow.BinaryTypes.String
	tBool = arrow.FixedWidthTypes.Boolean
	tDate = arrow.FixedWidthTypes.Date32
	tTS   = timestampType()
	tIv   = arrow.FixedWidthTypes.MonthDayNanoInterval
	tNull = arrow.Null
)

func dec(p, s int32) *arrow.Decimal128Type { return &arrow.Decimal128Type{Precision: p, Scale: s} }

// testCtx returns a context whose allocator checks for leaks at the end of
// the test.
func testCtx(t *testing.T) (context.Context, *memory.CheckedAllocator) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return compute.WithAllocator(context.Background(), mem), mem
}

// mkArray builds an array of type dt from Go values; nil is NULL. Integers
// are int or int64, floats float64, decimals, dates and timestamps strings
// ("1.50", "2024-02-29", "2024-02-29 10:00:00.5"), intervals
// arrow.MonthDayNanoInterval.
func mkArray(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals ...any) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.Int64Builder:
			b.Append(toInt(t, v))
		case *array.Int32Builder:
			b.Append(int32(toInt(t, v)))
		case *array.Int16Builder:
			b.Append(int16(toInt(t, v)))
		case *array.Int8Builder:
			b.Append(int8(toInt(t, v)))
		case *array.Float64Builder:
			b.Append(toFloat(v))
		case *array.Float32Builder:
			b.Append(float32(toFloat(v)))
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.BinaryBuilder:
			b.Append([]byte(v.(string)))
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.Decimal128Builder:
			d := dt.(*arrow.Decimal128Type)
			n, err := decimal128.FromString(v.(string), d.Precision, d.Scale)
			require.NoError(t, err, "decimal %v", v)
			b.Append(n)
		case *array.Date32Builder:
			tm, err := time.Parse("2006-01-02", v.(string))
			require.NoError(t, err)
			b.Append(arrow.Date32(tm.Unix() / 86400))
		case *array.TimestampBuilder:
			tm, err := time.Parse("2006-01-02 15:04:05.999999", v.(string))
			require.NoError(t, err)
			switch dt.(*arrow.TimestampType).Unit {
			case arrow.Second:
				b.Append(arrow.Timestamp(tm.Unix()))
			case arrow.Millisecond:
				b.Append(arrow.Timestamp(tm.UnixMilli()))
			case arrow.Microsecond:
				b.Append(arrow.Timestamp(tm.UnixMicro()))
			default:
				b.Append(arrow.Timestamp(tm.UnixNano()))
			}
		case *array.MonthDayNanoIntervalBuilder:
			b.Append(v.(arrow.MonthDayNanoInterval))
		case *array.NullBuilder:
			b.AppendNull()
		default:
			t.Fatalf("mkArray: unsupported builder %T", b)
		}
	}
	return b.NewArray()
}

// mustScalar makes a scalar of type dt from a Go value, as mkArray.
func mustScalar(t testing.TB, mem memory.Allocator, dt arrow.DataType, v any) scalar.Scalar {
	t.Helper()
	a := mkArray(t, mem, dt, v)
	defer a.Release()
	s, err := scalar.GetScalar(a, 0)
	require.NoError(t, err)
	return s
}

func toInt(t testing.TB, v any) int64 {
	switch v := v.(type) {
	case int:
		return int64(v)
	case int64:
		return v
	}
	t.Fatalf("not an integer: %#v", v)
	return 0
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("not a float: %#v", v))
}

// render prints row i of a independently of the engine's own formatting.
func render(a arrow.Array, i int) string {
	if a.IsNull(i) || isNull(a.DataType()) {
		return "NULL"
	}
	switch a := a.(type) {
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return string(a.Value(i))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Decimal128:
		return bigDecimalText(a.Value(i).BigInt(), int(a.DataType().(*arrow.Decimal128Type).Scale))
	case *array.Date32:
		return time.Unix(int64(a.Value(i))*86400, 0).UTC().Format("2006-01-02")
	case *array.Timestamp:
		v := int64(a.Value(i))
		var tm time.Time
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Second:
			tm = time.Unix(v, 0)
		case arrow.Millisecond:
			tm = time.UnixMilli(v)
		case arrow.Microsecond:
			tm = time.UnixMicro(v)
		default:
			tm = time.Unix(0, v)
		}
		return tm.UTC().Format("2006-01-02 15:04:05.999999999")
	case *array.MonthDayNanoInterval:
		v := a.Value(i)
		return fmt.Sprintf("%dm%dd%dns", v.Months, v.Days, v.Nanoseconds)
	}
	return a.ValueStr(i)
}

func bigDecimalText(v *big.Int, scale int) string {
	neg := v.Sign() < 0
	digits := new(big.Int).Abs(v).String()
	for len(digits) <= scale {
		digits = "0" + digits
	}
	s := digits
	if scale > 0 {
		s = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// evalStrings evaluates e over rec and renders the n result rows.
func evalStrings(ctx context.Context, e Expr, rec arrow.Record, n int) ([]string, error) {
	d, err := e.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	if got := d.(compute.ArrayLikeDatum).Type(); !arrow.TypeEqual(got, e.Type()) {
		return nil, fmt.Errorf("result type %s, expression type %s", got, e.Type())
	}
	a, err := broadcast(compute.GetAllocator(ctx), d, n)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	if a.Len() != n {
		return nil, fmt.Errorf("%d rows, want %d", a.Len(), n)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = render(a, i)
	}
	return out, nil
}

// exprCase is one row of arguments and the expected rendering of the
// result: "NULL", a value, or "!text" for an error containing text.
type exprCase struct {
	args []any
	want string
}

// checkExpr evaluates the expression build makes, over arguments of the
// given types, for every case in four ways: all cases as columns of one
// batch (error cases one by one), each case as constants only, and each
// case with one argument a constant and the others columns of a two-row
// batch. All must agree with want.
func checkExpr(t *testing.T, types []arrow.DataType, build func(args []Expr) Expr, cases []exprCase) {
	t.Helper()
	ctx, mem := testCtx(t)
	column := func(j int, rows []exprCase, repeat int) arrow.Array {
		var vals []any
		for _, c := range rows {
			for r := 0; r < repeat; r++ {
				vals = append(vals, c.args[j])
			}
		}
		return mkArray(t, mem, types[j], vals...)
	}
	record := func(rows []exprCase, repeat int) arrow.Record {
		fields := make([]arrow.Field, len(types))
		cols := make([]arrow.Array, len(types))
		for j, ty := range types {
			fields[j] = arrow.Field{Name: fmt.Sprintf("a%d", j), Type: ty, Nullable: true}
			cols[j] = column(j, rows, repeat)
		}
		rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(len(rows)*repeat))
		for _, c := range cols {
			c.Release()
		}
		return rec
	}
	cols := func() []Expr {
		out := make([]Expr, len(types))
		for j, ty := range types {
			out[j] = &Col{Index: j, Name: fmt.Sprintf("a%d", j), T: ty}
		}
		return out
	}
	lit := func(j int, v any) Expr { return &Lit{Value: mustScalar(t, mem, types[j], v)} }
	verify := func(how string, c exprCase, got []string, err error) {
		t.Helper()
		if strings.HasPrefix(c.want, "!") {
			if assert.Error(t, err, "%s %v: want an error", how, c.args) {
				assert.Contains(t, err.Error(), c.want[1:], "%s %v", how, c.args)
			}
			return
		}
		if !assert.NoError(t, err, "%s %v", how, c.args) {
			return
		}
		for _, g := range got {
			assert.Equal(t, c.want, g, "%s %v", how, c.args)
		}
	}

	// One batch with every case that does not fail.
	var good []exprCase
	for _, c := range cases {
		require.Len(t, c.args, len(types), "case %v", c.args)
		if !strings.HasPrefix(c.want, "!") {
			good = append(good, c)
		}
	}
	if len(good) > 0 {
		rec := record(good, 1)
		got, err := evalStrings(ctx, build(cols()), rec, len(good))
		rec.Release()
		if assert.NoError(t, err, "batch") {
			for i, c := range good {
				assert.Equal(t, c.want, got[i], "batch %v", c.args)
			}
		}
	}
	for _, c := range cases {
		// Constants only, no record.
		args := make([]Expr, len(types))
		for j := range types {
			args[j] = lit(j, c.args[j])
		}
		got, err := evalStrings(ctx, build(args), nil, 1)
		verify("constants", c, got, err)
		// One constant among columns.
		rec := record([]exprCase{c}, 2)
		for j := range types {
			args := cols()
			args[j] = lit(j, c.args[j])
			got, err := evalStrings(ctx, build(args), rec, 2)
			verify(fmt.Sprintf("constant arg %d", j), c, got, err)
		}
		if strings.HasPrefix(c.want, "!") {
			got, err := evalStrings(ctx, build(cols()), rec, 2)
			verify("columns", c, got, err)
		}
		rec.Release()
	}
}

// callFunc resolves name over types and returns a builder of calls that
// casts arguments to the resolved parameter types, as the planner does.
func callFunc(t *testing.T, name string, types ...arrow.DataType) func([]Expr) Expr {
	t.Helper()
	f, err := ResolveFunc(name, types)
	require.NoError(t, err, "resolve %s(%s)", name, typeList(types))
	return func(args []Expr) Expr {
		cast := make([]Expr, len(args))
		for i, a := range args {
			cast[i] = a
			if !arrow.TypeEqual(a.Type(), f.Args[i]) && !isNull(a.Type()) {
				cast[i] = &Cast{X: a, T: f.Args[i]}
			}
		}
		return &FuncCall{Fn: f, Args: cast}
	}
}

// checkFunc checks a function over arguments of the given types.
func checkFunc(t *testing.T, name string, types []arrow.DataType, cases []exprCase) {
	t.Helper()
	checkExpr(t, types, callFunc(t, name, types...), cases)
}

func row(want string, args ...any) exprCase { return exprCase{args: args, want: want} }

func types(ts ...arrow.DataType) []arrow.DataType { return ts }

func TestResolveFuncErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []arrow.DataType
		want string
	}{
		{"nosuch", nil, "unknown function nosuch"},
		{"substrng", types(tStr, tI64), "did you mean substring"},
		{"substring", types(tI64), "substring(VARCHAR, BIGINT[, BIGINT])"},
		{"lower", types(tI64), "lower(VARCHAR)"},
		{"year", types(tStr, tStr), "year(DATE | TIMESTAMP)"},
		{"round", types(tStr), "round(BIGINT | DECIMAL | DOUBLE[, BIGINT])"},
		{"coalesce", types(tBool, tI64), "cannot combine"},
		{"mod", types(tStr, tI64), "takes numbers"},
	} {
		_, err := ResolveFunc(tc.name, tc.args)
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}
}

func TestResolveFuncTypes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []arrow.DataType
		params []arrow.DataType
		result arrow.DataType
	}{
		{"LOWER", types(tStr), types(tStr), tStr},
		{"length", types(tNull), types(tStr), tI64},
		{"substr", types(tStr, tI32, tI8), types(tStr, tI64, tI64), tStr},
		{"concat", types(tStr, tI32, tDate, tNull), types(tStr, tStr, tStr, tStr), tStr},
		{"year", types(tDate), types(tDate), tI64},
		{"year", types(&arrow.TimestampType{Unit: arrow.Nanosecond}), types(tTS), tI64},
		{"year", types(tStr), types(tTS), tI64},
		{"date_add", types(tDate, tIv), types(tDate, tIv), tDate},
		{"date_add", types(tTS, tIv), types(tTS, tIv), tTS},
		{"date_add", types(tStr, tI32), types(tDate, tI64), tDate},
		{"datediff", types(tTS, tDate), types(tTS, tDate), tI64},
		{"date_trunc", types(tStr, tDate), types(tStr, tDate), tDate},
		{"date_trunc", types(tStr, tTS), types(tStr, tTS), tTS},
		{"abs", types(tI16), types(tI64), tI64},
		{"abs", types(dec(7, 2)), types(dec(7, 2)), dec(7, 2)},
		{"ceil", types(dec(7, 2)), types(dec(7, 2)), dec(7, 0)},
		{"floor", types(tF32), types(tF64), tF64},
		{"round", types(dec(12, 4)), types(dec(12, 4)), dec(12, 0)},
		{"round", types(dec(12, 4), tI64), types(dec(12, 4), tI64), dec(13, 4)},
		{"sqrt", types(tI32), types(tF64), tF64},
		{"mod", types(tI32, tI64), types(tI32, tI64), tI64},
		{"mod", types(dec(5, 1), tI64), types(dec(5, 1), tI64), tF64},
		{"greatest", types(tI32, dec(5, 2), tNull), types(dec(12, 2), dec(12, 2), dec(12, 2)), dec(12, 2)},
		{"coalesce", types(tNull, tDate, tTS), types(tTS, tTS, tTS), tTS},
		{"ifnull", types(tStr, tStr), types(tStr, tStr), tStr},
		{"nullif", types(tI64, tF64), types(tF64, tF64), tF64},
		{"if", types(tBool, tI32, tI64), types(tBool, tI64, tI64), tI64},
		{"pi", nil, nil, tF64},
	} {
		f, err := ResolveFunc(tc.name, tc.args)
		require.NoError(t, err, tc.name)
		assert.Equal(t, strings.ToLower(tc.name), f.Name)
		require.Len(t, f.Args, len(tc.params), tc.name)
		for i := range tc.params {
			assert.True(t, arrow.TypeEqual(tc.params[i], f.Args[i]), "%s arg %d: %s, want %s", tc.name, i, f.Args[i], tc.params[i])
		}
		assert.True(t, arrow.TypeEqual(tc.result, f.Result), "%s: result %s, want %s", tc.name, f.Result, tc.result)
	}
}

func TestResolveFuncConst(t *testing.T) {
	for _, tc := range []struct {
		d    int64
		want arrow.DataType
	}{
		{2, dec(12, 2)},
		{0, dec(12, 0)},
		{-1, dec(12, 0)},
		{6, dec(12, 4)},
	} {
		f, err := ResolveFuncConst("round", types(dec(12, 4), tI64), []scalar.Scalar{nil, scalar.NewInt64Scalar(tc.d)})
		require.NoError(t, err)
		assert.True(t, arrow.TypeEqual(tc.want, f.Result), "round(DECIMAL(12,4), %d): %s", tc.d, f.Result)
	}
}

func TestCommonType(t *testing.T) {
	for _, tc := range []struct {
		in   []arrow.DataType
		want arrow.DataType
	}{
		{types(tNull), tNull},
		{types(tI8, tI32), tI32},
		{types(tI64, dec(5, 2)), dec(21, 2)},
		{types(dec(5, 2), dec(10, 4)), dec(10, 4)},
		{types(dec(9, 2), dec(10, 4)), dec(11, 4)},
		{types(dec(38, 0), dec(38, 10)), dec(38, 10)},
		{types(tF32, tF32), tF32},
		{types(tF32, tI64), tF64},
		{types(dec(5, 2), tF64), tF64},
		{types(tDate, tTS), tTS},
		{types(tStr, tDate), tDate},
		{types(tTS, tStr), tTS},
		{types(tI64, tStr), tI64},
		{types(tStr, tNull, tStr), tStr},
	} {
		got, err := CommonType(tc.in...)
		require.NoError(t, err, "%v", tc.in)
		assert.True(t, arrow.TypeEqual(tc.want, got), "%v: %s, want %s", tc.in, got, tc.want)
	}
	for _, bad := range [][]arrow.DataType{types(tBool, tI64), types(tDate, tI64), types(tIv, tStr)} {
		_, err := CommonType(bad...)
		assert.Error(t, err, "%v", bad)
	}
}

// TestFunctionsPropagateNull checks that a NULL in any argument position
// gives NULL, for every function but the documented exceptions, and that
// every listed name resolves.
func TestFunctionsPropagateNull(t *testing.T) {
	samples := map[string]struct {
		types []arrow.DataType
		args  []any
	}{
		"lower": {types(tStr), []any{"a"}}, "lcase": {types(tStr), []any{"a"}}, "upper": {types(tStr), []any{"a"}},
		"ucase": {types(tStr), []any{"a"}}, "length": {types(tStr), []any{"a"}}, "char_length": {types(tStr), []any{"a"}},
		"character_length": {types(tStr), []any{"a"}}, "len": {types(tStr), []any{"a"}},
		"octet_length": {types(tStr), []any{"a"}}, "strlen": {types(tStr), []any{"a"}},
		"substring": {types(tStr, tI64, tI64), []any{"abc", 1, 2}}, "substr": {types(tStr, tI64), []any{"abc", 1}},
		"trim": {types(tStr, tStr), []any{"xax", "x"}}, "ltrim": {types(tStr), []any{" a"}}, "rtrim": {types(tStr), []any{"a "}},
		"replace": {types(tStr, tStr, tStr), []any{"abc", "b", "x"}}, "left": {types(tStr, tI64), []any{"abc", 1}},
		"right": {types(tStr, tI64), []any{"abc", 1}}, "strpos": {types(tStr, tStr), []any{"abc", "b"}},
		"instr": {types(tStr, tStr), []any{"abc", "b"}}, "locate": {types(tStr, tStr), []any{"b", "abc"}},
		"reverse": {types(tStr), []any{"ab"}}, "repeat": {types(tStr, tI64), []any{"ab", 2}},
		"lpad": {types(tStr, tI64, tStr), []any{"a", 3, "x"}}, "rpad": {types(tStr, tI64, tStr), []any{"a", 3, "x"}},
		"starts_with": {types(tStr, tStr), []any{"ab", "a"}}, "ends_with": {types(tStr, tStr), []any{"ab", "b"}},
		"contains":  {types(tStr, tStr), []any{"ab", "b"}},
		"date_part": {types(tStr, tDate), []any{"year", "2024-01-05"}}, "dayname": {types(tDate), []any{"2024-01-05"}},
		"monthname": {types(tDate), []any{"2024-01-05"}}, "last_day": {types(tDate), []any{"2024-01-05"}},
		"date_add": {types(tDate, tIv), []any{"2024-01-05", arrow.MonthDayNanoInterval{Days: 1}}},
		"date_sub": {types(tTS, tIv), []any{"2024-01-05 00:00:00", arrow.MonthDayNanoInterval{Days: 1}}},
		"adddate":  {types(tDate, tI64), []any{"2024-01-05", 1}}, "subdate": {types(tDate, tI64), []any{"2024-01-05", 1}},
		"datediff":    {types(tDate, tDate), []any{"2024-01-05", "2024-01-01"}},
		"date_diff":   {types(tStr, tDate, tDate), []any{"day", "2024-01-05", "2024-01-01"}},
		"date_trunc":  {types(tStr, tTS), []any{"day", "2024-01-05 10:00:00"}},
		"date_format": {types(tDate, tStr), []any{"2024-01-05", "%Y"}}, "strftime": {types(tTS, tStr), []any{"2024-01-05 10:00:00", "%Y"}},
		"make_date": {types(tI64, tI64, tI64), []any{2024, 1, 5}},
		"abs":       {types(tI64), []any{-1}}, "round": {types(dec(5, 2), tI64), []any{"1.25", 1}}, "floor": {types(tF64), []any{1.5}},
		"ceil": {types(dec(5, 2)), []any{"1.25"}}, "ceiling": {types(tF64), []any{1.5}}, "trunc": {types(tF64), []any{1.5}},
		"sign": {types(tI64), []any{-3}}, "sqrt": {types(tF64), []any{4.0}}, "power": {types(tF64, tF64), []any{2.0, 3.0}},
		"pow": {types(tI64, tI64), []any{2, 3}}, "exp": {types(tF64), []any{1.0}}, "ln": {types(tF64), []any{1.0}},
		"log10": {types(tF64), []any{10.0}}, "log2": {types(tF64), []any{2.0}}, "log": {types(tF64, tF64), []any{2.0, 8.0}},
		"mod": {types(tI64, tI64), []any{7, 2}},
	}
	// Functions that are not NULL for some NULL argument, by design.
	exceptions := map[string]bool{
		"concat_ws": true, "coalesce": true, "ifnull": true, "nullif": true, "if": true,
		"greatest": true, "least": true, "pi": true,
	}
	for _, name := range funcNames() {
		_, ok := lookupFunc(name)
		require.True(t, ok, name)
		if exceptions[name] {
			continue
		}
		smp, ok := samples[name]
		if !ok {
			// The date part functions.
			smp.types, smp.args = types(tTS), []any{"2024-01-05 10:11:12"}
		}
		for j := range smp.args {
			args := append([]any(nil), smp.args...)
			args[j] = nil
			checkFunc(t, name, smp.types, []exprCase{row("NULL", args...)})
		}
	}
}

func TestFuncCallChecksArguments(t *testing.T) {
	ctx, mem := testCtx(t)
	f, err := ResolveFunc("lower", types(tStr))
	require.NoError(t, err)
	_, err = (&FuncCall{Fn: f, Args: []Expr{&Lit{Value: mustScalar(t, mem, tI64, 1)}}}).Eval(ctx, nil)
	assert.ErrorContains(t, err, "argument 1 has type BIGINT, want VARCHAR")
	_, err = (&FuncCall{Fn: f}).Eval(ctx, nil)
	assert.ErrorContains(t, err, "0 arguments for 1 parameters")
	assert.Equal(t, "lower(x)", (&FuncCall{Fn: f, Args: []Expr{&Col{Name: "x"}}}).String())
}

// TestSlicedInputs evaluates expressions over a record and over slices of it
// (arrays with offsets): each row must come out the same.
func TestSlicedInputs(t *testing.T) {
	ctx, mem := testCtx(t)
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 67
	maybe := func(v any) any {
		if rng.IntN(6) == 0 {
			return nil
		}
		return v
	}
	var ints, decs, strs, dates, bools, stamps []any
	for i := 0; i < n; i++ {
		ints = append(ints, maybe(int64(rng.IntN(200)-100)))
		decs = append(decs, maybe(fmt.Sprintf("%d.%02d", rng.IntN(2000)-1000, rng.IntN(100))))
		strs = append(strs, maybe([]string{"abc", "héllo", "", "xabcx", "ABC"}[rng.IntN(5)]))
		dates = append(dates, maybe(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(800)-400).Format("2006-01-02")))
		bools = append(bools, maybe(rng.IntN(2) == 0))
		stamps = append(stamps, maybe(time.Unix(rng.Int64N(2e9), 0).UTC().Format("2006-01-02 15:04:05")))
	}
	ty := types(tI64, dec(6, 2), tStr, tDate, tBool, tTS)
	cols := []arrow.Array{
		mkArray(t, mem, tI64, ints...), mkArray(t, mem, dec(6, 2), decs...), mkArray(t, mem, tStr, strs...),
		mkArray(t, mem, tDate, dates...), mkArray(t, mem, tBool, bools...), mkArray(t, mem, tTS, stamps...),
	}
	fields := make([]arrow.Field, len(cols))
	for i := range cols {
		fields[i] = arrow.Field{Name: fmt.Sprint("c", i), Type: ty[i], Nullable: true}
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, n)
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	c := func(i int) Expr { return &Col{Index: i, Name: fmt.Sprint("c", i), T: ty[i]} }
	fn := func(name string, args ...Expr) Expr {
		ts := make([]arrow.DataType, len(args))
		for i, a := range args {
			ts[i] = a.Type()
		}
		return callFunc(t, name, ts...)(args)
	}
	lit := func(dt arrow.DataType, v any) Expr { return &Lit{Value: mustScalar(t, mem, dt, v)} }
	ar := func(op ArithOp, l, r Expr) Expr {
		typ, err := ArithType(op, l.Type(), r.Type())
		require.NoError(t, err)
		return &Arith{Op: op, L: l, R: r, T: typ}
	}
	exprs := []Expr{
		ar(OpMul, c(0), c(1)), ar(OpSub, c(1), c(0)), ar(OpDiv, c(0), c(1)), ar(OpAdd, c(3), c(0)), ar(OpMod, c(0), lit(tI64, 7)),
		&Cast{X: c(1), T: tStr}, &Cast{X: c(5), T: tDate}, &Cast{X: c(4), T: tI64},
		fn("substring", c(2), c(0), lit(tI64, 2)), fn("upper", c(2)), fn("length", c(2)), fn("concat", c(2), c(0), c(3)),
		fn("year", c(3)), fn("dayofweek", c(5)), fn("date_format", c(5), lit(tStr, "%Y-%m-%d %H")), fn("round", c(1), c(0)),
		fn("greatest", c(0), lit(tI64, 0)), fn("coalesce", c(0), lit(tI64, -1)), fn("if", c(4), c(2), lit(tStr, "no")),
		fn("nullif", c(0), lit(tI64, 5)), fn("date_trunc", lit(tStr, "month"), c(3)),
		&Like{X: c(2), Pattern: lit(tStr, "%bc%")}, &Like{X: c(2), Pattern: lit(tStr, "_b%")},
		&InList{X: c(0), List: []Expr{lit(tI64, 1), lit(tI64, 2), lit(tI64, 3)}},
		&InList{X: c(2), List: []Expr{lit(tStr, "abc"), c(2)}, Not: true},
		&Case{Whens: []When{{Cond: c(4), Then: c(2)}}, Else: &Cast{X: c(0), T: tStr}, T: tStr},
		&Coalesce{Args: []Expr{c(1), &Cast{X: c(0), T: dec(6, 2)}}, T: dec(6, 2)},
		&Negate{X: c(1)}, &IsNull{X: c(2)}, &Not{X: c(4)},
		&Compare{Op: OpLt, L: c(0), R: lit(tI64, 10)},
	}
	for _, e := range exprs {
		full, err := evalStrings(ctx, e, rec, n)
		require.NoError(t, err, "%s", e)
		for _, r := range [][2]int64{{1, n}, {3, n - 2}, {8, 9}, {n - 1, n}, {5, 5}} {
			part := rec.NewSlice(r[0], r[1])
			got, err := evalStrings(ctx, e, part, int(r[1]-r[0]))
			part.Release()
			require.NoError(t, err, "%s", e)
			assert.Equal(t, full[r[0]:r[1]], got, "%s over rows %d..%d", e, r[0], r[1])
		}
	}
}
