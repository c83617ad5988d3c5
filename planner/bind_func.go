package planner

import (
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/xwb1989/sqlparser"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/engine"
)

// extractFuncs maps EXTRACT units to the engine's functions.
var extractFuncs = map[string]string{
	"year": "year", "quarter": "quarter", "month": "month", "week": "week", "day": "day",
	"hour": "hour", "minute": "minute", "second": "second",
	"dow": "dayofweek", "dayofweek": "dayofweek", "doy": "dayofyear", "dayofyear": "dayofyear",
	"epoch": "epoch", "millisecond": "millisecond", "microsecond": "microsecond",
}

func (b *binder) funcExpr(qc *queryCtx, e *sqlparser.FuncExpr) (Expr, error) {
	name := strings.ToLower(e.Name.String())
	if !e.Qualifier.IsEmpty() {
		return nil, notSupported(b.src, name, "qualified function names")
	}
	if fn, ok := aggregateFuncs[name]; ok {
		return b.aggregate(qc, fn, e)
	}
	if e.Distinct {
		return nil, b.src.errorf(name, nil, "DISTINCT is only allowed in aggregates, not in %s()", name)
	}
	var args []sqlparser.Expr
	for _, a := range e.Exprs {
		ae, ok := a.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, b.src.errorf(name, nil, "%s() does not take *", name)
		}
		args = append(args, ae.Expr)
	}
	switch name {
	case markExtract:
		unit := strings.Trim(sqlparser.String(args[0]), "'")
		return b.call(qc, extractFuncs[unit], args[1:])
	case markCast:
		x, err := b.expr(qc, args[1-1])
		if err != nil {
			return nil, err
		}
		t, err := b.sqlType(strings.Trim(sqlparser.String(args[1]), "'"))
		if err != nil {
			return nil, err
		}
		return b.cast(x, t)
	case markNullsFirst, markNullsLast:
		return nil, b.src.errorf("nulls", nil, "NULLS FIRST and NULLS LAST belong in ORDER BY")
	}
	return b.call(qc, name, args)
}

// call binds a non-aggregate function call.
func (b *binder) call(qc *queryCtx, name string, args []sqlparser.Expr) (Expr, error) {
	bound := make([]Expr, len(args))
	for i, a := range args {
		if iv, ok := a.(*sqlparser.IntervalExpr); ok && i == 1 && (name == "date_add" || name == "date_sub" || name == "adddate" || name == "subdate") {
			x, err := b.interval(qc, iv)
			if err != nil {
				return nil, err
			}
			bound[i] = x
			continue
		}
		x, err := b.expr(qc, a)
		if err != nil {
			return nil, err
		}
		bound[i] = x
	}
	switch name {
	case "coalesce", "ifnull":
		if name == "ifnull" && len(bound) != 2 {
			return nil, b.src.errorf(name, nil, "IFNULL takes two arguments")
		}
		return b.coalesce(name, bound)
	case "nullif":
		if len(bound) != 2 {
			return nil, b.src.errorf(name, nil, "NULLIF takes two arguments")
		}
		// NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END.
		eq, err := b.compare(connector.Eq, bound[0], bound[1])
		if err != nil {
			return nil, b.src.errorf(name, err, "in NULLIF")
		}
		t := bound[0].Type()
		return &Case{Whens: []When{{Cond: eq, Then: &Const{Value: scalar.MakeNullScalar(t)}}}, Else: bound[0], T: t}, nil
	case "if":
		if len(bound) != 3 {
			return nil, b.src.errorf(name, nil, "IF takes three arguments: IF(condition, then, else)")
		}
		cond, err := b.boolean(bound[0], "IF")
		if err != nil {
			return nil, err
		}
		return b.caseOf([]When{{Cond: cond, Then: bound[1]}}, bound[2])
	case "adddate":
		name = "date_add"
	case "subdate":
		name = "date_sub"
	case "substr", "mid":
		name = "substring"
	case "ceiling":
		name = "ceil"
	case "dayofmonth":
		name = "day"
	}
	return b.resolveCall(name, bound)
}

// resolveCall resolves name in the engine's function registry and converts
// the arguments to the types the function takes.
func (b *binder) resolveCall(name string, args []Expr) (Expr, error) {
	types := make([]arrow.DataType, len(args))
	consts := make([]scalar.Scalar, len(args))
	for i, a := range args {
		types[i] = a.Type()
		if c, ok := a.(*Const); ok {
			consts[i] = c.Value
		}
	}
	// Constant arguments can decide the result type: round(x, 2) of a
	// DECIMAL has scale 2, a DATE plus INTERVAL 2 HOUR is a TIMESTAMP.
	fn, err := engine.ResolveFuncConst(name, types, consts)
	if err != nil {
		return nil, b.src.errorf(name, err, "")
	}
	out := make([]Expr, len(args))
	for i, a := range args {
		if i < len(fn.Args) && a.Type().ID() == arrow.NULL {
			out[i] = &Const{Value: scalar.MakeNullScalar(fn.Args[i])}
			continue
		}
		if i < len(fn.Args) {
			if out[i], err = coerce(a, fn.Args[i]); err != nil {
				return nil, b.src.errorf(name, err, "argument %d of %s()", i+1, name)
			}
		} else {
			out[i] = a
		}
	}
	return &Func{Fn: fn, Args: out}, nil
}

// coalesce types COALESCE/IFNULL: the arguments meet in their common type.
func (b *binder) coalesce(name string, args []Expr) (Expr, error) {
	if len(args) == 0 {
		return nil, b.src.errorf(name, nil, "%s needs at least one argument", strings.ToUpper(name))
	}
	t, err := commonOf(args)
	if err != nil {
		return nil, b.src.errorf(name, err, "in %s", strings.ToUpper(name))
	}
	out := make([]Expr, len(args))
	for i, a := range args {
		if out[i], err = coerce(a, t); err != nil {
			return nil, b.src.errorf(name, err, "in %s", strings.ToUpper(name))
		}
	}
	return &Coalesce{Args: out, T: t}, nil
}

// commonOf is the type values of all exprs meet in (a string for NULLs
// only).
func commonOf(exprs []Expr) (arrow.DataType, error) {
	var t arrow.DataType = arrow.Null
	for _, e := range exprs {
		var err error
		if t, err = commonValueType(t, e.Type()); err != nil {
			return nil, err
		}
	}
	if t.ID() == arrow.NULL {
		t = arrow.BinaryTypes.String
	}
	return t, nil
}

// commonValueType is commonType for values that are returned rather than
// compared: also booleans and dates with timestamps meet.
func commonValueType(a, b arrow.DataType) (arrow.DataType, error) {
	if a.ID() == arrow.BOOL && b.ID() == arrow.BOOL {
		return a, nil
	}
	return commonType(a, b)
}

func (b *binder) caseExpr(qc *queryCtx, e *sqlparser.CaseExpr) (Expr, error) {
	var subject Expr
	if e.Expr != nil {
		var err error
		if subject, err = b.expr(qc, e.Expr); err != nil {
			return nil, err
		}
	}
	var whens []When
	for _, w := range e.Whens {
		cond, err := b.expr(qc, w.Cond)
		if err != nil {
			return nil, err
		}
		if subject != nil {
			// CASE x WHEN v THEN ... is CASE WHEN x = v THEN ...
			if cond, err = b.compare(connector.Eq, subject, cond); err != nil {
				return nil, b.src.errorf("case", err, "in CASE")
			}
		} else if cond, err = b.boolean(cond, "CASE WHEN"); err != nil {
			return nil, err
		}
		then, err := b.expr(qc, w.Val)
		if err != nil {
			return nil, err
		}
		whens = append(whens, When{Cond: cond, Then: then})
	}
	var els Expr
	if e.Else != nil {
		var err error
		if els, err = b.expr(qc, e.Else); err != nil {
			return nil, err
		}
	}
	return b.caseOf(whens, els)
}

// caseOf types a CASE: every branch converts to the branches' common type.
func (b *binder) caseOf(whens []When, els Expr) (Expr, error) {
	vals := make([]Expr, 0, len(whens)+1)
	for _, w := range whens {
		vals = append(vals, w.Then)
	}
	if els != nil {
		vals = append(vals, els)
	}
	t, err := commonOf(vals)
	if err != nil {
		return nil, b.src.errorf("case", err, "in CASE branches")
	}
	out := make([]When, len(whens))
	for i, w := range whens {
		then, err := coerce(w.Then, t)
		if err != nil {
			return nil, b.src.errorf("case", err, "in CASE")
		}
		out[i] = When{Cond: w.Cond, Then: then}
	}
	if els != nil {
		if els, err = coerce(els, t); err != nil {
			return nil, b.src.errorf("case", err, "in CASE")
		}
	}
	return &Case{Whens: out, Else: els, T: t}, nil
}

// aggregate binds an aggregate call: its argument is read below the
// aggregation, and the call becomes a reference to the aggregate's output.
func (b *binder) aggregate(qc *queryCtx, fn engine.AggFunc, e *sqlparser.FuncExpr) (Expr, error) {
	name := strings.ToLower(e.Name.String())
	if qc.inAggArg {
		return nil, b.src.errorf(name, nil, "aggregate %s() cannot be nested inside another aggregate", name)
	}
	if qc.agg == nil {
		return nil, b.src.errorf(name, nil, "aggregate %s() is not allowed in %s", name, qc.clause)
	}
	call := AggCall{Func: fn, Distinct: e.Distinct}
	switch {
	case len(e.Exprs) == 1:
		if _, star := e.Exprs[0].(*sqlparser.StarExpr); star {
			if fn != engine.AggCount || e.Distinct {
				return nil, b.src.errorf(name, nil, "%s(*) is not an aggregate: only COUNT(*) takes *", name)
			}
			break
		}
		ae, ok := e.Exprs[0].(*sqlparser.AliasedExpr)
		if !ok {
			return nil, b.src.errorf(name, nil, "bad argument to %s()", name)
		}
		// The argument is read below the aggregation; subqueries in it
		// join onto the aggregation's input.
		inner := *qc
		inner.agg, inner.inAggArg = nil, true
		inner.clause = "an aggregate's argument"
		inner.node = qc.agg.node.Input
		arg, err := b.expr(&inner, ae.Expr)
		if err != nil {
			return nil, err
		}
		qc.agg.node.Input = inner.node
		for _, c := range inner.node.Columns() {
			qc.agg.inner[c.ID] = true
		}
		if arg.Type().ID() == arrow.NULL {
			arg = &Const{Value: scalar.MakeNullScalar(arrow.PrimitiveTypes.Int64)}
		}
		call.Arg = arg
	default:
		return nil, b.src.errorf(name, nil, "%s() takes one argument", name)
	}
	var argType arrow.DataType
	if call.Arg != nil {
		argType = call.Arg.Type()
	}
	t, err := engine.AggResultType(fn, argType)
	if err != nil {
		return nil, b.src.errorf(name, err, "")
	}
	return &ColumnRef{Col: qc.agg.add(b, call, t)}, nil
}
