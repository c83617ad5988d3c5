package planner

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/xwb1989/sqlparser"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/engine"
)

// Subqueries are planned as joins. A subquery that reads the enclosing
// query's columns (a correlated subquery) is decorrelated when its
// correlation is the common one: conjuncts of its WHERE clause, equalities
// between an expression of the subquery and one of the enclosing query
// (other conditions become a join residual for EXISTS and IN).
//
//	x IN (SELECT e ...)            semi join on x = e
//	x NOT IN (SELECT e ...)        null-aware anti join on x = e
//	EXISTS (SELECT ... WHERE c)    semi join on c
//	NOT EXISTS (...)               anti join on c
//	(SELECT agg ... WHERE k = o.k) left join with the subquery grouped by k
//	(SELECT ... uncorrelated)      join with its single row

// corrKey is a correlation equality of an aggregating subquery: the
// enclosing query's expression and the subquery's output column holding
// the matching grouping key.
type corrKey struct {
	outer Expr
	inner *Column
}

func unparen(e sqlparser.Expr) sqlparser.Expr {
	for {
		p, ok := e.(*sqlparser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

// subqueryConjunct plans a WHERE conjunct that is [NOT] EXISTS (...) or
// x [NOT] IN (SELECT ...) as a semi or anti join of qc.node. It reports
// whether c was such a conjunct.
func (b *binder) subqueryConjunct(qc *queryCtx, c sqlparser.Expr) (bool, error) {
	e := unparen(c)
	if n, ok := e.(*sqlparser.NotExpr); ok {
		if ex, ok := unparen(n.Expr).(*sqlparser.ExistsExpr); ok {
			return true, b.semiJoin(qc, nil, ex.Subquery, true)
		}
	}
	switch x := e.(type) {
	case *sqlparser.ExistsExpr:
		return true, b.semiJoin(qc, nil, x.Subquery, false)
	case *sqlparser.ComparisonExpr:
		if sub, ok := x.Right.(*sqlparser.Subquery); ok && (x.Operator == sqlparser.InStr || x.Operator == sqlparser.NotInStr) {
			return true, b.semiJoin(qc, x.Left, sub, x.Operator == sqlparser.NotInStr)
		}
	}
	return false, nil
}

// semiJoin joins qc.node with a subquery for EXISTS (left nil) or IN.
func (b *binder) semiJoin(qc *queryCtx, left sqlparser.Expr, sub *sqlparser.Subquery, anti bool) error {
	if qc.node == nil {
		return notSupported(b.src, "select", "subqueries in ON conditions")
	}
	q, err := b.bindQuery(sub.Select, qc.sc)
	if err != nil {
		return err
	}
	outerIDs := idSet(qc.node.Columns())
	var keys []JoinKey
	var residual []Expr
	build := q.node
	value := func() Expr { return &ColumnRef{Col: q.cols[0]} }
	switch {
	case len(q.corrKeys) > 0:
		for _, k := range q.corrKeys {
			keys = append(keys, JoinKey{L: k.outer, R: &ColumnRef{Col: k.inner}})
		}
	case len(q.corr) > 0:
		// Not aggregated: join with the subquery's rows below its SELECT
		// list, on its correlated conditions.
		build = q.from
		inner := idSet(build.Columns())
		for _, p := range q.corr {
			if k, ok := equiKey(p, outerIDs, inner); ok {
				keys = append(keys, k)
				continue
			}
			if !subset(columnsOf(p), union(outerIDs, inner)) {
				return notSupported(b.src, "select", "a subquery correlated with a query two levels out")
			}
			residual = append(residual, p)
		}
		value = func() Expr { return q.exprs[0] }
	}
	if left != nil {
		if len(q.cols) != 1 {
			return b.src.errorf("select", nil, "the subquery of IN must return one column, not %d", len(q.cols))
		}
		x, err := b.expr(qc, left)
		if err != nil {
			return err
		}
		eq, err := b.compare(connector.Eq, x, value())
		if err != nil {
			return b.src.errorf("in", err, "in IN (subquery)")
		}
		c, ok := eq.(*Compare)
		if !ok {
			// NULL IN (...) is never true.
			qc.node = &FilterNode{Input: qc.node, Pred: &Const{Value: scalar.MakeNullScalar(eq.Type())}}
			return nil
		}
		keys = append([]JoinKey{{L: c.L, R: c.R}}, keys...)
	}
	kind := JoinSemi
	if anti {
		kind = JoinAnti
	}
	qc.node = &JoinNode{Left: qc.node, Right: build, Kind: kind, Keys: keys, Residual: and(residual), NullAware: anti && left != nil}
	return nil
}

func union(a, b map[int]bool) map[int]bool {
	out := make(map[int]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// existsExpr is EXISTS used as a value (in a SELECT list, under OR or
// NOT): a left join with the subquery's distinct correlation keys, or a
// join with its row count when it is not correlated; the value is whether
// a match was found.
func (b *binder) existsExpr(qc *queryCtx, sub *sqlparser.Subquery, not bool) (Expr, error) {
	if qc.node == nil {
		return nil, notSupported(b.src, "exists", "subqueries in ON conditions")
	}
	q, err := b.bindQuery(sub.Select, qc.sc)
	if err != nil {
		return nil, err
	}
	outerIDs := idSet(qc.node.Columns())
	build := q.node
	var outer, inner []Expr
	switch {
	case len(q.corrKeys) > 0:
		for _, k := range q.corrKeys {
			outer, inner = append(outer, k.outer), append(inner, &ColumnRef{Col: k.inner})
		}
	case len(q.corr) > 0:
		build = q.from
		innerIDs := idSet(build.Columns())
		for _, p := range q.corr {
			k, ok := equiKey(p, outerIDs, innerIDs)
			if !ok {
				return nil, notSupported(b.src, "exists", "EXISTS used as a value with the correlation "+p.String()+" (only equalities)")
			}
			outer, inner = append(outer, k.L), append(inner, k.R)
		}
	}
	count := b.newColumn("exists_count", "", arrow.PrimitiveTypes.Int64)
	agg := &AggregateNode{Input: build, Keys: inner, Aggs: []AggCall{{Func: engine.AggCount}}}
	var keyCols []*Column
	for _, k := range inner {
		c := b.newColumn(k.String(), "", k.Type())
		keyCols = append(keyCols, c)
		agg.Cols = append(agg.Cols, c)
	}
	agg.Cols = append(agg.Cols, count)
	var found Expr
	if len(inner) == 0 {
		qc.node = &JoinNode{Left: qc.node, Right: &SingleRowNode{Input: agg}, Kind: JoinCross}
		found = &Compare{Op: connector.Gt, L: &ColumnRef{Col: count}, R: &Const{Value: scalar.NewInt64Scalar(0)}}
	} else {
		keys := make([]JoinKey, len(inner))
		for i := range inner {
			keys[i] = JoinKey{L: outer[i], R: &ColumnRef{Col: keyCols[i]}}
		}
		qc.node = &JoinNode{Left: qc.node, Right: agg, Kind: JoinLeft, Keys: keys}
		found = &IsNull{X: &ColumnRef{Col: count}, Not: true}
	}
	if not {
		return &Not{X: found}, nil
	}
	return found, nil
}

// inSubquery is x IN (SELECT e ...) used as a value, with SQL's answer:
// TRUE if x equals some e; otherwise NULL if x is NULL or some e is NULL
// (and there are rows); otherwise FALSE. It joins the distinct values of e
// and the subquery's row and non-NULL counts.
func (b *binder) inSubquery(qc *queryCtx, left sqlparser.Expr, sub *sqlparser.Subquery, not bool) (Expr, error) {
	if qc.node == nil {
		return nil, notSupported(b.src, "in", "subqueries in ON conditions")
	}
	// The subquery is read twice: once for its values, once for its counts.
	values, err := b.bindQuery(sub.Select, qc.sc)
	if err != nil {
		return nil, err
	}
	if len(values.corr) > 0 || len(values.corrKeys) > 0 {
		return nil, notSupported(b.src, "in", "a correlated IN (subquery) used as a value")
	}
	if len(values.cols) != 1 {
		return nil, b.src.errorf("select", nil, "the subquery of IN must return one column, not %d", len(values.cols))
	}
	counts, err := b.bindQuery(sub.Select, qc.sc)
	if err != nil {
		return nil, err
	}
	x, err := b.expr(qc, left)
	if err != nil {
		return nil, err
	}
	eq, err := b.compare(connector.Eq, x, &ColumnRef{Col: values.cols[0]})
	if err != nil {
		return nil, b.src.errorf("in", err, "in IN (subquery)")
	}
	c, ok := eq.(*Compare)
	if !ok {
		return &Const{Value: scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)}, nil
	}
	match := b.newColumn("in_value", "", c.R.Type())
	distinct := &AggregateNode{Input: values.node, Keys: []Expr{c.R}, Cols: []*Column{match}}
	rows := b.newColumn("in_rows", "", arrow.PrimitiveTypes.Int64)
	nonNull := b.newColumn("in_values", "", arrow.PrimitiveTypes.Int64)
	stats := &AggregateNode{Input: counts.node, Cols: []*Column{rows, nonNull}, Aggs: []AggCall{
		{Func: engine.AggCount},
		{Func: engine.AggCount, Arg: &ColumnRef{Col: counts.cols[0]}},
	}}
	qc.node = &JoinNode{Left: qc.node, Right: distinct, Kind: JoinLeft, Keys: []JoinKey{{L: c.L, R: &ColumnRef{Col: match}}}}
	qc.node = &JoinNode{Left: qc.node, Right: &SingleRowNode{Input: stats}, Kind: JoinCross}
	truth := func(v bool) Expr { return &Const{Value: scalar.NewBooleanScalar(v)} }
	value := &Case{T: arrow.FixedWidthTypes.Boolean, Whens: []When{
		{Cond: &IsNull{X: &ColumnRef{Col: match}, Not: true}, Then: truth(true)},
		{Cond: &Compare{Op: connector.Eq, L: &ColumnRef{Col: rows}, R: &Const{Value: scalar.NewInt64Scalar(0)}}, Then: truth(false)},
		{Cond: &Logic{Terms: []Expr{&IsNull{X: c.L}, &Compare{Op: connector.Gt, L: &ColumnRef{Col: rows}, R: &ColumnRef{Col: nonNull}}}},
			Then: &Const{Value: scalar.MakeNullScalar(arrow.FixedWidthTypes.Boolean)}},
	}, Else: truth(false)}
	if not {
		return &Not{X: value}, nil
	}
	return value, nil
}

// scalarSubquery joins a subquery that yields one value onto qc.node and
// returns a reference to that value.
func (b *binder) scalarSubquery(qc *queryCtx, sub *sqlparser.Subquery) (Expr, error) {
	if qc.node == nil {
		return nil, notSupported(b.src, "select", "a subquery in "+qc.clause)
	}
	q, err := b.bindQuery(sub.Select, qc.sc)
	if err != nil {
		return nil, err
	}
	if len(q.cols) != 1 {
		return nil, b.src.errorf("select", nil, "a subquery used as a value must return one column")
	}
	var value Expr = &ColumnRef{Col: q.cols[0]}
	switch {
	case len(q.corrKeys) > 0:
		keys := make([]JoinKey, len(q.corrKeys))
		for i, k := range q.corrKeys {
			keys[i] = JoinKey{L: k.outer, R: &ColumnRef{Col: k.inner}}
		}
		qc.node = &JoinNode{Left: qc.node, Right: q.node, Kind: JoinLeft, Keys: keys}
		if q.countValue {
			// A group that does not exist counted no rows.
			value = &Coalesce{Args: []Expr{value, &Const{Value: scalar.NewInt64Scalar(0)}}, T: value.Type()}
		}
	case len(q.corr) > 0:
		return nil, notSupported(b.src, "select", "a correlated subquery used as a value must aggregate, correlated by equalities: (SELECT agg(x) FROM t WHERE t.k = outer.k)")
	default:
		qc.node = &JoinNode{Left: qc.node, Right: &SingleRowNode{Input: q.node}, Kind: JoinCross}
	}
	return value, nil
}

// correlationKeys checks that the correlated conjuncts of an aggregating
// subquery are equalities between its own columns and the enclosing
// query's, and returns their inner and outer sides.
func (b *binder) correlationKeys(corr []Expr, inner map[int]bool) (innerSide, outerSide []Expr, err error) {
	for _, p := range corr {
		c, ok := p.(*Compare)
		if ok && c.Op == connector.Eq {
			li, ri := columnsOf(c.L), columnsOf(c.R)
			switch {
			case len(li) > 0 && subset(li, inner) && disjoint(ri, inner):
				innerSide, outerSide = append(innerSide, c.L), append(outerSide, c.R)
				continue
			case len(ri) > 0 && subset(ri, inner) && disjoint(li, inner):
				innerSide, outerSide = append(innerSide, c.R), append(outerSide, c.L)
				continue
			}
		}
		return nil, nil, notSupported(b.src, "select", "an aggregating subquery correlated by "+p.String()+" (only equalities with the enclosing query are supported)")
	}
	return innerSide, outerSide, nil
}

func disjoint(a, b map[int]bool) bool {
	for k := range a {
		if b[k] {
			return false
		}
	}
	return true
}
