package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Func is a resolved scalar function: its name, the exact argument types a
// call must supply (the planner casts the arguments to them) and the result
// type. Obtain one from ResolveFunc.
type Func struct {
	Name   string
	Args   []arrow.DataType
	Result arrow.DataType

	// strict functions are NULL wherever an argument is NULL; the kernel
	// then only sees constant arguments that are valid.
	strict bool
	eval   kernelFunc
}

// kernelFunc computes a function over evaluated arguments.
type kernelFunc func(k *kernel, args []operand) (arrow.Array, error)

// ResolveFunc resolves the scalar function name (case-insensitive) for
// arguments of the given types. The returned Func's Args are the types the
// arguments must be cast to: integers widen to BIGINT, timestamps of any unit
// become TIMESTAMP (microseconds), an untyped NULL takes the parameter's
// type, and each function documents its other conversions (a VARCHAR where a
// date is expected, for example). An error names the accepted signatures.
//
// Functions whose result type depends on a constant argument (round of a
// DECIMAL) type it conservatively here; ResolveFuncConst gives the exact type
// when the constant is known.
func ResolveFunc(name string, args []arrow.DataType) (*Func, error) {
	return ResolveFuncConst(name, args, nil)
}

// ResolveFuncConst is ResolveFunc for a call some of whose arguments are
// constants: consts[i] is argument i's value when it is a literal and nil
// otherwise (consts may be shorter than args, or nil). Two functions type
// their result from a constant:
//   - round(DECIMAL(p,s), d) is DECIMAL(p, min(max(d,0), s)), as in DuckDB;
//     without a constant d it is DECIMAL(p+1, s) holding the value rounded
//     to d places;
//   - date_add and date_sub of a DATE and a constant interval with a time of
//     day (INTERVAL 2 HOUR) give TIMESTAMP, as MySQL; without a constant
//     they give DATE and such an interval is an error when evaluated.
func ResolveFuncConst(name string, args []arrow.DataType, consts []scalar.Scalar) (*Func, error) {
	lname := strings.ToLower(name)
	spec, ok := lookupFunc(lname)
	if !ok {
		msg := fmt.Sprintf("unknown function %s", name)
		if s := suggestFunc(lname); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return nil, errors.New(msg)
	}
	c := &call{name: lname, args: args, consts: consts}
	f := spec.resolve(c)
	if f == nil {
		if c.err != nil {
			return nil, c.err
		}
		return nil, fmt.Errorf("function %s does not take (%s); it takes %s", lname, typeList(args), spec.sigs)
	}
	f.Name = lname
	return f, nil
}

// funcSpec describes one function name: its accepted signatures, for error
// messages, and the resolver that picks the overload.
type funcSpec struct {
	sigs    string
	resolve func(c *call) *Func
}

// call is a function call being resolved.
type call struct {
	name   string
	args   []arrow.DataType
	consts []scalar.Scalar
	// err, when set by a resolver, replaces the generic "does not take"
	// message.
	err error
}

// constArg returns argument i's constant value, or nil.
func (c *call) constArg(i int) scalar.Scalar {
	if i < len(c.consts) {
		return c.consts[i]
	}
	return nil
}

// lookupFunc returns the spec of a lower-case function name.
func lookupFunc(name string) (funcSpec, bool) {
	if s, ok := stringFunc(name); ok {
		return s, true
	}
	if s, ok := dateFunc(name); ok {
		return s, true
	}
	if s, ok := mathFunc(name); ok {
		return s, true
	}
	return condFunc(name)
}

// funcNames lists every function name, for suggestions.
func funcNames() []string {
	return slices.Concat(stringFuncNames(), dateFuncNames(), mathFuncNames(), condFuncNames())
}

// suggestFunc returns the known function name closest to name, if any is
// close enough to be a likely typo.
func suggestFunc(name string) string {
	best, bestD := "", 3
	for _, n := range funcNames() {
		if d := editDistance(name, n); d < bestD && d < len(n) {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// FuncCall calls a resolved function. Args must have the types in Fn.Args
// (an untyped NULL argument is also accepted).
type FuncCall struct {
	Fn   *Func
	Args []Expr
}

// Type implements Expr.
func (f *FuncCall) Type() arrow.DataType { return f.Fn.Result }

// String implements Expr.
func (f *FuncCall) String() string {
	parts := make([]string, len(f.Args))
	for i, a := range f.Args {
		parts[i] = a.String()
	}
	return f.Fn.Name + "(" + strings.Join(parts, ", ") + ")"
}

// Eval implements Expr.
func (f *FuncCall) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	if len(f.Args) != len(f.Fn.Args) {
		return nil, fmt.Errorf("engine: %s: %d arguments for %d parameters", f.Fn.Name, len(f.Args), len(f.Fn.Args))
	}
	ops, err := evalOperands(ctx, f.Args, rec)
	if err != nil {
		return nil, err
	}
	defer releaseOperands(ops)
	for i, op := range ops {
		if t := op.arr.DataType(); t.ID() != arrow.NULL && !arrow.TypeEqual(t, f.Fn.Args[i]) {
			return nil, fmt.Errorf("engine: %s: argument %d has type %s, want %s", f.Fn.Name, i+1, sqlTypeName(t), sqlTypeName(f.Fn.Args[i]))
		}
	}
	out, err := runKernel(ctx, f.Fn.Result, f.Fn.strict, f.Fn.eval, ops)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Fn.Name, err)
	}
	return out, nil
}

// Type classes.

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}

func isFloat(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64
}

func isDecimal(t arrow.DataType) bool { return t.ID() == arrow.DECIMAL128 }

func isNumeric(t arrow.DataType) bool { return isInteger(t) || isFloat(t) || isDecimal(t) }

func isString(t arrow.DataType) bool { return t.ID() == arrow.STRING }

func isNull(t arrow.DataType) bool { return t.ID() == arrow.NULL }

func isTimestamp(t arrow.DataType) bool { return t.ID() == arrow.TIMESTAMP }

func isDate(t arrow.DataType) bool { return t.ID() == arrow.DATE32 }

func isInterval(t arrow.DataType) bool { return t.ID() == arrow.INTERVAL_MONTH_DAY_NANO }

// timestampType is TIMESTAMP: microseconds, no time zone (the offline type
// system's timestamp).
func timestampType() arrow.DataType { return &arrow.TimestampType{Unit: arrow.Microsecond} }

// integerDecimal returns the decimal type holding every value of an integer
// type: BIGINT is DECIMAL(19,0), INTEGER (10,0), SMALLINT (5,0), TINYINT
// (3,0).
func integerDecimal(t arrow.DataType) *arrow.Decimal128Type {
	switch t.ID() {
	case arrow.INT8:
		return &arrow.Decimal128Type{Precision: 3}
	case arrow.INT16:
		return &arrow.Decimal128Type{Precision: 5}
	case arrow.INT32:
		return &arrow.Decimal128Type{Precision: 10}
	}
	return &arrow.Decimal128Type{Precision: 19}
}

// asDecimal returns t as a decimal type: decimals themselves, integers by
// integerDecimal.
func asDecimal(t arrow.DataType) *arrow.Decimal128Type {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d
	}
	return integerDecimal(t)
}

// CommonType returns the type that values of all the given types convert to
// for CASE, COALESCE, IFNULL, NULLIF, IF, GREATEST and LEAST (the planner may
// use it for IN lists and comparisons too):
//   - NULL (arrow.Null) fits any type; only NULLs give NULL.
//   - integers give the widest integer type;
//   - integers and decimals give a decimal with the largest scale and enough
//     integer digits for every input (integers count as integerDecimal),
//     capped at precision 38;
//   - any float among numbers gives DOUBLE (FLOAT if all are FLOAT);
//   - DATE and TIMESTAMP give TIMESTAMP;
//   - VARCHAR with a number, DATE, TIMESTAMP or BOOLEAN gives that type (the
//     strings are converted, as DuckDB does for string literals);
//   - equal types give that type. Anything else is an error.
func CommonType(ts ...arrow.DataType) (arrow.DataType, error) {
	var out arrow.DataType = arrow.Null
	for _, t := range ts {
		c, ok := commonPair(out, t)
		if !ok {
			return nil, fmt.Errorf("cannot combine values of types %s", typeList(ts))
		}
		out = c
	}
	return out, nil
}

func commonPair(a, b arrow.DataType) (arrow.DataType, bool) {
	switch {
	case isNull(a):
		return normalizeType(b), true
	case isNull(b):
		return normalizeType(a), true
	case isTimestamp(a) && isTimestamp(b), isTimestamp(a) && isDate(b), isDate(a) && isTimestamp(b):
		return timestampType(), true
	case arrow.TypeEqual(a, b):
		return a, true
	case isString(a) && !isString(b):
		return commonPair(b, a)
	case isString(b):
		switch {
		case isNumeric(a), isDate(a), a.ID() == arrow.BOOL:
			return a, true
		case isTimestamp(a):
			return timestampType(), true
		}
		return nil, false
	case !isNumeric(a) || !isNumeric(b):
		return nil, false
	case isFloat(a) || isFloat(b):
		if a.ID() == arrow.FLOAT32 && b.ID() == arrow.FLOAT32 {
			return a, true
		}
		return arrow.PrimitiveTypes.Float64, true
	case isInteger(a) && isInteger(b):
		if a.(arrow.FixedWidthDataType).BitWidth() >= b.(arrow.FixedWidthDataType).BitWidth() {
			return a, true
		}
		return b, true
	}
	da, db := asDecimal(a), asDecimal(b)
	scale := max(da.Scale, db.Scale)
	digits := max(da.Precision-da.Scale, db.Precision-db.Scale)
	return &arrow.Decimal128Type{Precision: min(digits+scale, 38), Scale: scale}, true
}

// normalizeType maps a type to the one expressions compute in: timestamps of
// any unit become TIMESTAMP (microseconds, no zone).
func normalizeType(t arrow.DataType) arrow.DataType {
	if isTimestamp(t) {
		return timestampType()
	}
	return t
}

// sqlTypeName renders a type the way SQL users know it.
func sqlTypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.Int64Type:
		return "BIGINT"
	case *arrow.Int32Type:
		return "INTEGER"
	case *arrow.Int16Type:
		return "SMALLINT"
	case *arrow.Int8Type:
		return "TINYINT"
	case *arrow.Float64Type:
		return "DOUBLE"
	case *arrow.Float32Type:
		return "FLOAT"
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.StringType:
		return "VARCHAR"
	case *arrow.BinaryType:
		return "BLOB"
	case *arrow.BooleanType:
		return "BOOLEAN"
	case *arrow.Date32Type:
		return "DATE"
	case *arrow.TimestampType:
		return "TIMESTAMP"
	case *arrow.NullType:
		return "NULL"
	case *arrow.MonthDayNanoIntervalType:
		return "INTERVAL"
	}
	return strings.ToUpper(t.String())
}

func typeList(ts []arrow.DataType) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = sqlTypeName(t)
	}
	return strings.Join(parts, ", ")
}

// Parameter matching helpers for resolvers. Each returns the parameter type
// an argument of type t converts to, and whether it may.

// intParam accepts integers and NULL as BIGINT.
func intParam(t arrow.DataType) (arrow.DataType, bool) {
	if isInteger(t) || isNull(t) {
		return arrow.PrimitiveTypes.Int64, true
	}
	return nil, false
}

// stringParam accepts VARCHAR and NULL.
func stringParam(t arrow.DataType) (arrow.DataType, bool) {
	if isString(t) || isNull(t) {
		return arrow.BinaryTypes.String, true
	}
	return nil, false
}

// floatParam accepts any number as DOUBLE.
func floatParam(t arrow.DataType) (arrow.DataType, bool) {
	if isNumeric(t) || isNull(t) {
		return arrow.PrimitiveTypes.Float64, true
	}
	return nil, false
}

// match resolves every argument with the parameter functions (the last
// repeats for variadic calls) and returns the parameter types.
func match(args []arrow.DataType, params ...func(arrow.DataType) (arrow.DataType, bool)) ([]arrow.DataType, bool) {
	out := make([]arrow.DataType, len(args))
	for i, a := range args {
		p := params[min(i, len(params)-1)]
		t, ok := p(a)
		if !ok {
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

// newFunc is a strict function.
func newFunc(args []arrow.DataType, result arrow.DataType, eval kernelFunc) *Func {
	return &Func{Args: args, Result: result, strict: true, eval: eval}
}
