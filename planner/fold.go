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
// OR TRUE, which three-valued logic allows whatever the other terms are.
func simplify(e Expr) Expr {
	l, ok := e.(*Logic)
	if !ok {
		return e
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
