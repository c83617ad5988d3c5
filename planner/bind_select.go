package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/xwb1989/sqlparser"

	"github.com/hopsql/hopsql/engine"
)

// queryCtx is what binding an expression of one SELECT needs: the names in
// scope, the plan built so far (scalar subqueries join onto it), and, after
// GROUP BY, the aggregation that expressions are lifted over.
type queryCtx struct {
	sc       *scope
	node     Node
	agg      *aggCtx
	inAggArg bool
	// clause names where the expression is, for error messages.
	clause string
	// corr collects the WHERE conjuncts of a subquery that read the
	// enclosing query's columns; nil outside subqueries.
	corr *[]Expr
}

// aggCtx collects the grouping keys and the aggregates of one SELECT.
type aggCtx struct {
	node *AggregateNode
	// keyCols are the node's key columns, callCols its aggregate columns.
	keyCols, callCols []*Column
	index             map[string]int // AggCall.String() → position in calls
	out               map[int]bool   // IDs of keyCols and callCols
	// inner are the IDs of the columns below the aggregation.
	inner map[int]bool
	// byPosition maps SELECT list positions named by GROUP BY (ordinals
	// and aliases) to their key columns.
	byPosition map[int]*Column
}

// add registers an aggregate call, once per distinct call, and returns its
// output column.
func (a *aggCtx) add(b *binder, call AggCall, t arrow.DataType) *Column {
	key := call.String()
	if i, ok := a.index[key]; ok {
		return a.callCols[i]
	}
	col := b.newColumn(key, "", t)
	a.index[key] = len(a.callCols)
	a.node.Aggs = append(a.node.Aggs, call)
	a.callCols = append(a.callCols, col)
	a.node.Cols = append(a.node.Cols, col)
	a.out[col.ID] = true
	return col
}

// keyAt returns the key column GROUP BY named by the SELECT list position
// pos (an ordinal or an alias), if any.
func (a *aggCtx) keyAt(pos int) (*Column, bool) {
	if a == nil {
		return nil, false
	}
	c, ok := a.byPosition[pos]
	return c, ok
}

// lift rewrites an expression bound below the aggregation to read its
// output: grouping keys become key columns; any other column of the input
// is an error, as in standard SQL.
func (a *aggCtx) lift(b *binder, e Expr) (Expr, error) {
	for i, k := range a.node.Keys {
		if sameExpr(e, k) {
			return &ColumnRef{Col: a.keyCols[i]}, nil
		}
	}
	if c, ok := e.(*ColumnRef); ok {
		if a.out[c.Col.ID] || !a.inner[c.Col.ID] {
			return e, nil // an aggregate, or the enclosing query's column
		}
		return nil, b.src.errorf(c.Col.Name, nil, "column %s must appear in GROUP BY or be used in an aggregate function", c.Col)
	}
	kids := children(e)
	if len(kids) == 0 {
		return e, nil
	}
	out := make([]Expr, len(kids))
	for i, k := range kids {
		var err error
		if out[i], err = a.lift(b, k); err != nil {
			return nil, err
		}
	}
	return withChildren(e, out), nil
}

// sameExpr reports whether two bound expressions compute the same thing.
func sameExpr(a, b Expr) bool {
	return a.String() == b.String() && arrow.TypeEqual(a.Type(), b.Type())
}

// containsExpr reports whether es holds an expression that computes what e
// does.
func containsExpr(es []Expr, e Expr) bool {
	for _, x := range es {
		if sameExpr(x, e) {
			return true
		}
	}
	return false
}

// boundQuery is a bound query: its plan and output columns.
type boundQuery struct {
	node Node
	cols []*Column
	// For subqueries, filled when the subquery reads the enclosing query:
	// corr are its correlated WHERE conjuncts, from is its plan below the
	// SELECT list (FROM and the other conjuncts), exprs its SELECT list
	// over from, and aggregated whether it aggregates.
	corr       []Expr
	from       Node
	exprs      []Expr
	aggregated bool
	// corrKeys are set for an aggregating correlated subquery: it is
	// grouped by the inner sides of its correlations, which are extra
	// output columns after the SELECT list; countValue reports that its
	// value is a COUNT (0, not NULL, for a group that does not exist).
	corrKeys   []corrKey
	countValue bool
}

// bindQuery binds a query statement.
func (b *binder) bindQuery(stmt sqlparser.Statement, outer *scope) (*boundQuery, error) {
	switch s := stmt.(type) {
	case *sqlparser.Select:
		return b.bindSelect(s, outer)
	case *sqlparser.ParenSelect:
		return b.bindQuery(s.Select, outer)
	case *sqlparser.Union:
		return b.bindUnion(s, outer)
	case *sqlparser.Insert, *sqlparser.Update, *sqlparser.Delete, *sqlparser.DDL:
		return nil, b.src.errorf("", nil, "hopsql is read-only: feature stores cannot be changed through SQL")
	}
	return nil, notSupported(b.src, "", fmt.Sprintf("statement %T", stmt))
}

func (b *binder) bindSelect(sel *sqlparser.Select, outer *scope) (*boundQuery, error) {
	from, sc, err := b.bindFrom(sel.From)
	if err != nil {
		return nil, err
	}
	sc.outer = outer
	fromIDs := idSet(from.Columns())
	qc := &queryCtx{sc: sc, node: from, clause: "WHERE"}
	var corr []Expr
	if outer != nil {
		qc.corr = &corr
	}
	if sel.Where != nil {
		if err := b.where(qc, sel.Where.Expr, fromIDs); err != nil {
			return nil, err
		}
	}
	q := &boundQuery{corr: corr, from: qc.node}

	aggregated := len(sel.GroupBy) > 0 || sel.Having != nil || hasAggregate(sel.SelectExprs) || hasAggregate(sel.OrderBy)
	var corrInner, corrOuter []Expr
	if aggregated {
		if len(corr) > 0 {
			// Decorrelate: group by the subquery's side of each
			// correlation, and join on them.
			var err error
			if corrInner, corrOuter, err = b.correlationKeys(corr, fromIDs); err != nil {
				return nil, err
			}
			q.corr = nil
		}
		if err := b.groupBy(qc, sel, corrInner); err != nil {
			return nil, err
		}
		q.aggregated = true
	}
	if sel.Having != nil {
		qc.clause = "HAVING"
		pred, err := b.postExpr(qc, sel.Having.Expr)
		if err != nil {
			return nil, err
		}
		if pred, err = b.boolean(pred, "HAVING"); err != nil {
			return nil, err
		}
		qc.node = &FilterNode{Input: qc.node, Pred: pred}
	}

	// The SELECT list.
	qc.clause = "the SELECT list"
	proj := &ProjectNode{}
	for _, se := range sel.SelectExprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			if aggregated {
				return nil, b.src.errorf("*", nil, "SELECT * cannot be used with GROUP BY or aggregates: list the grouped columns")
			}
			cols, err := b.star(se, sc)
			if err != nil {
				return nil, err
			}
			for _, c := range cols {
				proj.Exprs = append(proj.Exprs, &ColumnRef{Col: c})
				proj.Cols = append(proj.Cols, b.newColumn(c.Name, "", c.Type))
			}
		case *sqlparser.AliasedExpr:
			var e Expr
			if col, ok := qc.agg.keyAt(len(proj.Exprs)); ok {
				e = &ColumnRef{Col: col}
			} else if e, err = b.postExpr(qc, se.Expr); err != nil {
				return nil, err
			}
			if e.Type().ID() == arrow.NULL {
				e = &Const{Value: scalar.MakeNullScalar(arrow.BinaryTypes.String)}
			}
			proj.Exprs = append(proj.Exprs, e)
			proj.Cols = append(proj.Cols, b.newColumn(outputName(se), "", e.Type()))
		default:
			return nil, notSupported(b.src, "", sqlparser.String(se))
		}
	}
	if len(proj.Exprs) > 0 && qc.agg != nil {
		if c, ok := proj.Exprs[0].(*ColumnRef); ok {
			if i, ok := qc.agg.index[c.Col.Name]; ok && qc.agg.callCols[i] == c.Col && qc.agg.node.Aggs[i].Func == engine.AggCount {
				q.countValue = true
			}
		}
	}
	q.exprs = append([]Expr{}, proj.Exprs...)
	for i, inner := range corrInner {
		e, err := qc.agg.lift(b, inner)
		if err != nil {
			return nil, err
		}
		col := b.newColumn(inner.String(), "", inner.Type())
		proj.Exprs = append(proj.Exprs, e)
		proj.Cols = append(proj.Cols, col)
		q.corrKeys = append(q.corrKeys, corrKey{outer: corrOuter[i], inner: col})
	}
	visible := len(proj.Exprs)

	// ORDER BY keys: output columns, or hidden columns added to the
	// projection and dropped after sorting.
	var keys []SortItem
	qc.clause = "ORDER BY"
	for _, o := range sel.OrderBy {
		item, err := b.orderItem(qc, o, proj, visible, sel.Distinct != "")
		if err != nil {
			return nil, err
		}
		keys = append(keys, item)
	}
	proj.Input = qc.node
	var node Node = proj
	if sel.Distinct != "" {
		node = b.distinct(node)
	}
	node, err = b.orderAndLimit(node, keys, sel.Limit)
	if err != nil {
		return nil, err
	}
	if len(proj.Cols) > visible {
		node = b.dropHidden(node, proj.Cols[:visible])
	}
	// DISTINCT and dropping hidden columns give the output new columns:
	// the correlation keys move to the same positions.
	out := node.Columns()[:visible]
	for i, k := range q.corrKeys {
		for j, c := range proj.Cols[:visible] {
			if c == k.inner {
				q.corrKeys[i].inner = out[j]
			}
		}
	}
	q.node, q.cols = node, out[:visible-len(q.corrKeys)]
	return q, nil
}

// outputName is the name of a SELECT list column: its alias, a column's
// name, or the expression's text.
func outputName(se *sqlparser.AliasedExpr) string {
	if !se.As.IsEmpty() {
		return se.As.String()
	}
	if c, ok := se.Expr.(*sqlparser.ColName); ok {
		return c.Name.String()
	}
	return sqlparser.String(se.Expr)
}

// where binds a WHERE clause conjunct by conjunct: IN and EXISTS subqueries
// become semi and anti joins, conjuncts that read an enclosing query are set
// aside for decorrelation, and the rest filter the rows.
func (b *binder) where(qc *queryCtx, e sqlparser.Expr, fromIDs map[int]bool) error {
	var preds []Expr
	for _, c := range splitAnd(e) {
		handled, err := b.subqueryConjunct(qc, c)
		if err != nil {
			return err
		}
		if handled {
			continue
		}
		pred, err := b.expr(qc, c)
		if err != nil {
			return err
		}
		if pred, err = b.boolean(pred, "WHERE"); err != nil {
			return err
		}
		if qc.corr != nil && !subset(columnsOf(pred), idSet(qc.node.Columns())) && !subset(columnsOf(pred), fromIDs) {
			*qc.corr = append(*qc.corr, pred)
			continue
		}
		preds = append(preds, pred)
	}
	if len(preds) > 0 {
		qc.node = &FilterNode{Input: qc.node, Pred: and(preds)}
	}
	return nil
}

// splitAnd splits an expression at its top-level ANDs.
func splitAnd(e sqlparser.Expr) []sqlparser.Expr {
	switch x := e.(type) {
	case *sqlparser.AndExpr:
		return append(splitAnd(x.Left), splitAnd(x.Right)...)
	case *sqlparser.ParenExpr:
		if _, ok := x.Expr.(*sqlparser.AndExpr); ok {
			return splitAnd(x.Expr)
		}
	}
	return []sqlparser.Expr{e}
}

// groupBy builds the aggregation: it binds the grouping keys and switches
// qc to binding expressions over the aggregation's output.
func (b *binder) groupBy(qc *queryCtx, sel *sqlparser.Select, extra []Expr) error {
	qc.clause = "GROUP BY"
	agg := &aggCtx{
		node:       &AggregateNode{Input: qc.node},
		index:      map[string]int{},
		out:        map[int]bool{},
		inner:      idSet(qc.node.Columns()),
		byPosition: map[int]*Column{},
	}
	type item struct {
		bind func() (Expr, int, error) // the key and the SELECT position it names (-1: none)
	}
	items := make([]item, 0, len(sel.GroupBy)+len(extra))
	for _, g := range sel.GroupBy {
		items = append(items, item{func() (Expr, int, error) { return b.groupKey(qc, g, sel.SelectExprs) }})
	}
	for _, e := range extra {
		items = append(items, item{func() (Expr, int, error) { return e, -1, nil }})
	}
	for _, it := range items {
		e, pos, err := it.bind()
		if err != nil {
			return err
		}
		// Subqueries in keys join onto the aggregation's input.
		agg.node.Input = qc.node
		for _, c := range qc.node.Columns() {
			agg.inner[c.ID] = true
		}
		dup := -1
		for i, k := range agg.node.Keys {
			if sameExpr(k, e) {
				dup = i
			}
		}
		if dup >= 0 {
			if pos >= 0 {
				agg.byPosition[pos] = agg.keyCols[dup]
			}
			continue
		}
		name := e.String()
		table := ""
		if c, ok := e.(*ColumnRef); ok {
			name, table = c.Col.Name, c.Col.Table
		}
		col := b.newColumn(name, table, e.Type())
		agg.node.Keys = append(agg.node.Keys, e)
		agg.keyCols = append(agg.keyCols, col)
		agg.node.Cols = append(agg.node.Cols, col)
		agg.out[col.ID] = true
		if pos >= 0 {
			agg.byPosition[pos] = col
		}
	}
	qc.agg = agg
	qc.node = agg.node
	return nil
}

// groupKey binds one GROUP BY item: a SELECT list position, a column of
// the FROM clause, a SELECT list alias, or an expression.
func (b *binder) groupKey(qc *queryCtx, g sqlparser.Expr, list sqlparser.SelectExprs) (Expr, int, error) {
	if v, ok := g.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		n, err := strconv.Atoi(string(v.Val))
		if err != nil || n < 1 || n > len(list) {
			return nil, -1, b.src.errorf(string(v.Val), nil, "GROUP BY %s: there are %d columns in the SELECT list", v.Val, len(list))
		}
		ae, ok := list[n-1].(*sqlparser.AliasedExpr)
		if !ok {
			return nil, -1, b.src.errorf(string(v.Val), nil, "GROUP BY %d refers to *", n)
		}
		if hasAggregate(ae.Expr) {
			return nil, -1, b.src.errorf(string(v.Val), nil, "GROUP BY %d refers to an aggregate", n)
		}
		e, err := b.expr(qc, ae.Expr)
		return e, n - 1, err
	}
	e, err := b.expr(qc, g)
	if err == nil {
		return e, -1, nil
	}
	// An alias of the SELECT list, as MySQL and DuckDB allow.
	if c, ok := g.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
		for i, se := range list {
			if ae, ok := se.(*sqlparser.AliasedExpr); ok && strings.EqualFold(ae.As.String(), c.Name.String()) && !hasAggregate(ae.Expr) {
				e, err := b.expr(qc, ae.Expr)
				return e, i, err
			}
		}
	}
	return nil, -1, err
}

// postExpr binds an expression of the SELECT list, HAVING or ORDER BY:
// over the aggregation when the query aggregates.
func (b *binder) postExpr(qc *queryCtx, e sqlparser.Expr) (Expr, error) {
	x, err := b.expr(qc, e)
	if err != nil || qc.agg == nil {
		return x, err
	}
	return qc.agg.lift(b, x)
}

// orderItem binds one ORDER BY item against the projection.
func (b *binder) orderItem(qc *queryCtx, o *sqlparser.Order, proj *ProjectNode, visible int, distinct bool) (SortItem, error) {
	item := sortItem(o)
	e, _, _ := unwrapNullsOrder(o.Expr)
	col, err := b.orderTarget(qc, e, proj, visible, distinct)
	if err != nil {
		return SortItem{}, err
	}
	item.X = &ColumnRef{Col: col}
	return item, nil
}

// sortItem reads an ORDER BY item's direction and NULL placement. NULLs
// sort as the smallest values, as in MySQL: first ascending, last
// descending, unless the item says NULLS FIRST or NULLS LAST.
func sortItem(o *sqlparser.Order) SortItem {
	item := SortItem{Desc: o.Direction == sqlparser.DescScr}
	item.NullsFirst = !item.Desc
	if _, first, marked := unwrapNullsOrder(o.Expr); marked {
		item.NullsFirst = first
	}
	return item
}

// unwrapNullsOrder takes off the front end's NULLS FIRST/LAST marker.
func unwrapNullsOrder(e sqlparser.Expr) (inner sqlparser.Expr, nullsFirst, marked bool) {
	f, ok := e.(*sqlparser.FuncExpr)
	if !ok || len(f.Exprs) != 1 {
		return e, false, false
	}
	name := strings.ToLower(f.Name.String())
	if name != markNullsFirst && name != markNullsLast {
		return e, false, false
	}
	ae, ok := f.Exprs[0].(*sqlparser.AliasedExpr)
	if !ok {
		return e, false, false
	}
	return ae.Expr, name == markNullsFirst, true
}

func (b *binder) orderTarget(qc *queryCtx, e sqlparser.Expr, proj *ProjectNode, visible int, distinct bool) (*Column, error) {
	if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		n, err := strconv.Atoi(string(v.Val))
		if err != nil || n < 1 || n > visible {
			return nil, b.src.errorf(string(v.Val), nil, "ORDER BY %s: there are %d columns in the SELECT list", v.Val, visible)
		}
		return proj.Cols[n-1], nil
	}
	if c, ok := e.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
		for i := 0; i < visible; i++ {
			if strings.EqualFold(proj.Cols[i].Name, c.Name.String()) {
				return proj.Cols[i], nil
			}
		}
	}
	x, err := b.postExpr(qc, e)
	if err != nil {
		return nil, err
	}
	for i := 0; i < visible; i++ {
		if sameExpr(proj.Exprs[i], x) {
			return proj.Cols[i], nil
		}
	}
	if distinct {
		return nil, b.src.errorf("", nil, "with SELECT DISTINCT, ORDER BY %s must be in the SELECT list", x)
	}
	col := b.newColumn(x.String(), "", x.Type())
	proj.Exprs = append(proj.Exprs, x)
	proj.Cols = append(proj.Cols, col)
	return col, nil
}

// distinct removes duplicate rows: an aggregation with every column as a
// key and no aggregates.
func (b *binder) distinct(n Node) Node {
	agg := &AggregateNode{Input: n}
	for _, c := range n.Columns() {
		agg.Keys = append(agg.Keys, &ColumnRef{Col: c})
		agg.Cols = append(agg.Cols, b.newColumn(c.Name, c.Table, c.Type))
	}
	// Keep the projection's columns visible under their own identities:
	// parents refer to the aggregation's new columns by position.
	return agg
}

// orderAndLimit adds ORDER BY and LIMIT/OFFSET.
func (b *binder) orderAndLimit(n Node, keys []SortItem, limit *sqlparser.Limit) (Node, error) {
	if len(keys) > 0 {
		// Sort keys name the projection's columns; after DISTINCT the
		// same positions hold the aggregation's columns.
		if agg, ok := n.(*AggregateNode); ok {
			in := agg.Input.Columns()
			for i := range keys {
				id := keys[i].X.(*ColumnRef).Col.ID
				for j, c := range in {
					if c.ID == id {
						keys[i].X = &ColumnRef{Col: agg.Cols[j]}
					}
				}
			}
		}
		n = &SortNode{Input: n, Keys: keys}
	}
	if limit != nil {
		count, err := b.limitValue(limit.Rowcount)
		if err != nil {
			return nil, err
		}
		var offset int64
		if limit.Offset != nil {
			if offset, err = b.limitValue(limit.Offset); err != nil {
				return nil, err
			}
		}
		n = &LimitNode{Input: n, Offset: offset, Count: count}
	}
	return n, nil
}

// dropHidden projects n down to the columns of cols' positions.
func (b *binder) dropHidden(n Node, visible []*Column) Node {
	in := n.Columns()
	p := &ProjectNode{Input: n}
	for i := range visible {
		p.Exprs = append(p.Exprs, &ColumnRef{Col: in[i]})
		p.Cols = append(p.Cols, b.newColumn(in[i].Name, "", in[i].Type))
	}
	return p
}

func (b *binder) limitValue(e sqlparser.Expr) (int64, error) {
	v, ok := e.(*sqlparser.SQLVal)
	if ok && v.Type == sqlparser.IntVal {
		if n, err := strconv.ParseInt(string(v.Val), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	if ok && v.Type == sqlparser.ValArg {
		x, err := b.param(string(v.Val))
		if err != nil {
			return 0, err
		}
		if n, err := castConst(x.(*Const).Value, arrow.PrimitiveTypes.Int64); err == nil && n.(*scalar.Int64).Value >= 0 {
			return n.(*scalar.Int64).Value, nil
		}
	}
	return 0, b.src.errorf("limit", nil, "LIMIT and OFFSET take a non-negative integer, not %s", sqlparser.String(e))
}

// bindUnion binds UNION [ALL]: the inputs' columns meet in common types.
func (b *binder) bindUnion(u *sqlparser.Union, outer *scope) (*boundQuery, error) {
	left, err := b.bindQuery(u.Left, outer)
	if err != nil {
		return nil, err
	}
	right, err := b.bindQuery(u.Right, outer)
	if err != nil {
		return nil, err
	}
	if len(left.cols) != len(right.cols) {
		return nil, b.src.errorf("union", nil, "the two sides of UNION have %d and %d columns", len(left.cols), len(right.cols))
	}
	un := &UnionNode{}
	types := make([]arrow.DataType, len(left.cols))
	for i := range types {
		t, err := commonValueType(left.cols[i].Type, right.cols[i].Type)
		if err != nil {
			return nil, b.src.errorf("union", err, "UNION column %d (%s)", i+1, left.cols[i].Name)
		}
		if t.ID() == arrow.NULL {
			t = arrow.BinaryTypes.String
		}
		types[i] = t
		un.Cols = append(un.Cols, b.newColumn(left.cols[i].Name, "", t))
	}
	for _, side := range []*boundQuery{left, right} {
		p := &ProjectNode{Input: side.node}
		for i, c := range side.cols {
			e, err := coerce(&ColumnRef{Col: c}, types[i])
			if err != nil {
				return nil, err
			}
			if c.Type.ID() == arrow.NULL {
				e = &Const{Value: scalar.MakeNullScalar(types[i])}
			}
			p.Exprs = append(p.Exprs, e)
			p.Cols = append(p.Cols, b.newColumn(c.Name, "", types[i]))
		}
		un.Sides = append(un.Sides, p)
	}
	var node Node = un
	if u.Type != sqlparser.UnionAllStr {
		node = b.distinct(node)
	}
	out := node.Columns()
	var keys []SortItem
	for _, o := range u.OrderBy {
		item := sortItem(o)
		e, _, _ := unwrapNullsOrder(o.Expr)
		var col *Column
		switch x := e.(type) {
		case *sqlparser.SQLVal:
			if n, err := strconv.Atoi(string(x.Val)); err == nil && n >= 1 && n <= len(out) {
				col = out[n-1]
			}
		case *sqlparser.ColName:
			for _, c := range out {
				if strings.EqualFold(c.Name, x.Name.String()) {
					col = c
					break
				}
			}
		}
		if col == nil {
			return nil, b.src.errorf("order", nil, "ORDER BY after UNION takes output column names or positions, not %s", sqlparser.String(e))
		}
		item.X = &ColumnRef{Col: col}
		keys = append(keys, item)
	}
	if len(keys) > 0 {
		node = &SortNode{Input: node, Keys: keys}
	}
	if u.Limit != nil {
		if node, err = b.orderAndLimit(node, nil, u.Limit); err != nil {
			return nil, err
		}
	}
	return &boundQuery{node: node, cols: node.Columns()}, nil
}

// hasAggregate reports whether an expression (outside subqueries) calls an
// aggregate function.
func hasAggregate(n sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		switch x := node.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.FuncExpr:
			if _, ok := aggregateFuncs[strings.ToLower(x.Name.String())]; ok {
				found = true
			}
		}
		return !found, nil
	}, n)
	return found
}
