package planner

import (
	"context"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Constant folding: an expression whose inputs are all constants is
// evaluated once while planning, with the same kernels that would evaluate
// it per row. This turns "d <= DATE '1998-12-01' - INTERVAL '90' DAY" into a
// comparison with a constant that scans can use to skip data.

// foldPlan folds the constant parts of every expression in the plan.
func foldPlan(n Node) {
	mapExprs(n, foldConstants)
	for _, in := range n.Inputs() {
		foldPlan(in)
	}
}

// mapExprs replaces every expression a node holds with fn's result.
func mapExprs(n Node, fn func(Expr) Expr) {
	opt := func(e Expr) Expr {
		if e == nil {
			return nil
		}
		return fn(e)
	}
	switch n := n.(type) {
	case *FilterNode:
		n.Pred = fn(n.Pred)
	case *ProjectNode:
		for i := range n.Exprs {
			n.Exprs[i] = fn(n.Exprs[i])
		}
	case *JoinNode:
		n.On = opt(n.On)
		n.Residual = opt(n.Residual)
		for i := range n.Keys {
			n.Keys[i] = JoinKey{L: fn(n.Keys[i].L), R: fn(n.Keys[i].R)}
		}
	case *AggregateNode:
		for i := range n.Keys {
			n.Keys[i] = fn(n.Keys[i])
		}
		for i := range n.Aggs {
			n.Aggs[i].Arg = opt(n.Aggs[i].Arg)
		}
	case *SortNode:
		for i := range n.Keys {
			n.Keys[i].X = fn(n.Keys[i].X)
		}
	}
}

// foldConstants evaluates the constant subexpressions of e. An expression
// whose evaluation fails (a division overflow, a bad cast) is left for run
// time, which reports the error where the query reads it.
func foldConstants(e Expr) Expr {
	out, _ := transform(e, func(x Expr) (Expr, error) {
		kids := children(x)
		if len(kids) == 0 {
			return x, nil
		}
		for _, k := range kids {
			if _, ok := k.(*Const); !ok {
				return simplify(x), nil
			}
		}
		if v, ok := evalConst(x); ok {
			return &Const{Value: v}, nil
		}
		return x, nil
	})
	return out
}

// simplify drops AND TRUE / OR FALSE terms and short-circuits AND FALSE /
// OR TRUE, which three-valued logic allows whatever the other terms are,
// and factors conjuncts common to every branch out of an OR.
func simplify(e Expr) Expr {
	l, ok := e.(*Logic)
	if !ok {
		return e
	}
	if !l.And {
		if f := factorOr(l); f != nil {
			return f
		}
	}
	var terms []Expr
	for _, t := range l.Terms {
		if c, ok := t.(*Const); ok && c.Value.IsValid() {
			v := c.Value.(*scalar.Boolean).Value
			if v == l.And {
				continue // x AND TRUE, x OR FALSE
			}
			return c // x AND FALSE, x OR TRUE
		}
		terms = append(terms, t)
	}
	switch len(terms) {
	case 0:
		return &Const{Value: scalar.NewBooleanScalar(l.And)}
	case 1:
		return terms[0]
	}
	return &Logic{And: l.And, Terms: terms}
}

var oneRow = arrow.NewSchema(nil, nil)

// evalConst evaluates an expression over constants.
func evalConst(e Expr) (scalar.Scalar, bool) {
	pe, err := lowerExpr(e, nil)
	if err != nil {
		return nil, false
	}
	rec := array.NewRecord(oneRow, nil, 1)
	defer rec.Release()
	ctx := compute.WithAllocator(context.Background(), memory.DefaultAllocator)
	d, err := pe.Eval(ctx, rec)
	if err != nil {
		return nil, false
	}
	defer d.Release()
	switch d := d.(type) {
	case *compute.ScalarDatum:
		return d.Value, true
	case *compute.ArrayDatum:
		arr := d.MakeArray()
		defer arr.Release()
		v, err := scalar.GetScalar(arr, 0)
		if err != nil {
			return nil, false
		}
		return v, true
	}
	return nil, false
}

// factorOr rewrites (a AND x) OR (a AND y) as a AND (x OR y), which holds
// in three-valued logic too. It returns nil when no conjunct is common to
// every branch. Pulling join keys and single-table conditions out of ORs
// lets them become hash join keys and scan filters (TPC-H Q19).
func factorOr(l *Logic) Expr {
	branches := make([][]Expr, len(l.Terms))
	for i, t := range l.Terms {
		branches[i] = conjuncts(t)
	}
	var common []Expr
	for _, c := range branches[0] {
		inAll := true
		for _, br := range branches[1:] {
			inAll = inAll && containsExpr(br, c)
		}
		if inAll && !containsExpr(common, c) {
			common = append(common, c)
		}
	}
	if len(common) == 0 {
		return nil
	}
	var rest []Expr
	for _, br := range branches {
		var left []Expr
		for _, d := range br {
			if !containsExpr(common, d) {
				left = append(left, d)
			}
		}
		if len(left) == 0 {
			// This branch is just the common part: the OR adds nothing.
			return and(common)
		}
		rest = append(rest, and(left))
	}
	return and(append(common, &Logic{Terms: rest}))
}
