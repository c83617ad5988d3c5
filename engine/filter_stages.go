package engine

import (
	"context"

	"github.com/apache/arrow/go/v15/arrow"
)

// A filter's conjuncts are evaluated in stages. The cheap ones, which
// compare fixed-width values, run first, together, over the whole batch;
// the rows they keep are copied out, and each costlier conjunct (over
// strings, a LIKE, an IN list of strings, a function) then runs over the
// rows still kept. In TPC-H Q12 the date comparisons keep a few percent of
// lineitem, and the IN list over l_shipmode looks at those only. A row is
// kept when every conjunct is true, as when the conjunction is evaluated
// whole.

// filterStages splits pred into the stages applyStages runs.
func filterStages(pred Expr) []Expr {
	var cheap, costly []Expr
	for _, c := range andConjuncts(pred, nil) {
		if cheapExpr(c) {
			cheap = append(cheap, c)
		} else {
			costly = append(costly, c)
		}
	}
	if len(costly) == 0 || len(cheap)+len(costly) == 1 {
		return []Expr{pred}
	}
	var stages []Expr
	if len(cheap) > 0 {
		stages = append(stages, andOf(cheap))
	}
	return append(stages, costly...)
}

// andConjuncts appends the conjuncts of e (split at and_kleene) to out.
func andConjuncts(e Expr, out []Expr) []Expr {
	if c, ok := e.(*Call); ok && c.Fn == "and_kleene" && len(c.Args) == 2 {
		out = andConjuncts(c.Args[0], out)
		return andConjuncts(c.Args[1], out)
	}
	return append(out, e)
}

// andOf is the conjunction of es.
func andOf(es []Expr) Expr {
	e := es[0]
	for _, x := range es[1:] {
		e = &Call{Fn: "and_kleene", Args: []Expr{e, x}, T: arrow.FixedWidthTypes.Boolean, Infix: "AND"}
	}
	return e
}

// cheapExpr reports whether e only compares, combines and tests
// fixed-width columns and constants.
func cheapExpr(e Expr) bool {
	switch e := e.(type) {
	case *Col:
		return fixedWidth(e.T)
	case *Lit:
		return true
	case *Compare:
		return cheapExpr(e.L) && cheapExpr(e.R)
	case *IsNull:
		return cheapExpr(e.X)
	case *Not:
		return cheapExpr(e.X)
	case *Call:
		if e.Fn != "and_kleene" && e.Fn != "or_kleene" && e.Fn != "invert" {
			return false
		}
		for _, a := range e.Args {
			if !cheapExpr(a) {
				return false
			}
		}
		return true
	}
	return false
}

func fixedWidth(t arrow.DataType) bool {
	_, ok := t.(arrow.FixedWidthDataType)
	return ok
}

// applyStages returns the rows of rec that every stage keeps, or nil when
// there are none. It does not release rec.
func applyStages(ctx context.Context, stages []Expr, rec arrow.Record) (arrow.Record, error) {
	rec.Retain()
	for _, st := range stages {
		out, err := applyFilter(ctx, st, rec)
		rec.Release()
		if err != nil || out == nil {
			return nil, err
		}
		rec = out
	}
	return rec, nil
}
