package planner

import (
	"context"
	"reflect"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
)

// Join pushdown. After projection pruning, when every scan's columns are
// known, the rule offers each tree of joins over the feature groups of one
// source to that source, if it runs joins itself (connector.JoinPlanner),
// and puts what the source takes in the plan as a RemoteJoinNode. It is a
// negotiation: the planner offers the largest piece first and smaller
// pieces when the source refuses, and keeps above the remote join, in the
// engine, whatever the source does not do exactly.
//
// A tree is made of inner, left and full joins whose keys are plain
// columns on both sides and that have no other condition. Its leaves are
// scans, with the filters over them; those filters go with the offer, one
// list per input, as conjuncts the source applies before joining. The
// offers are left-deep (connector.JoinRequest), inputs in the order of the
// tree's leaves, so that the output keeps the tree's column order (an
// offer that starts elsewhere gets a projection that restores it where a
// node above reads columns by position):
//
//   - A tree with an outer join is offered as the chain of its left spine:
//     the longest prefix of it whose inputs are all scans of one source,
//     then shorter prefixes, the rest joining locally above. The inner
//     joins at the bottom of the chain commute, so each prefix is also
//     offered with another of them first, when that makes every key start
//     from the first input (a star, the Hopsworks query model's shape).
//     A right input that is itself a join is a tree of its own.
//   - A tree of inner joins only is a cluster whose inputs may come from
//     several sources. For each source, its scans are offered in pieces:
//     each connected group of them, every star in it, and shorter prefixes,
//     largest first, until nothing more is taken; the pieces and the other
//     inputs then join locally.
//
// Join order never changes results: outer joins keep their sides, and only
// inner joins are reordered. A conjunct that the source did not apply
// exactly (JoinScan.ExactFilters), or that has no translation, is evaluated
// again above the remote join; that is right only for inputs that no outer
// join pads with NULLs (JoinRequest.NullSupplying), so for the others such
// a conjunct means the piece cannot be pushed.
//
// A remote join yields only the columns the plan reads above it: an
// input's columns that only its filters or the joins inside the piece read
// do not cross the wire. When the source leaves a conjunct to the engine
// whose columns were not asked for, the piece is offered again with them.

// joinPusher is the join pushdown rule for one planning of a statement.
type joinPusher struct {
	ctx context.Context
	src *source
	// refused holds the offers (by offerKey) that sources refused while
	// planning this statement: no offer is made twice, so that a second
	// pass over a plan makes none.
	refused map[string]bool
}

// pushJoins runs the join pushdown rule over n to a fixpoint.
func pushJoins(ctx context.Context, src *source, n Node) (Node, error) {
	r := &joinPusher{ctx: ctx, src: src, refused: map[string]bool{}}
	for {
		out, changed, err := r.rewrite(n)
		if err != nil {
			return nil, err
		}
		n = out
		if !changed {
			return n, nil
		}
	}
}

// rewrite makes one pass of the rule over n and reports whether it changed
// anything.
func (r *joinPusher) rewrite(n Node) (Node, bool, error) {
	return r.visit(n, idSet(n.Columns()), true)
}

// visit rewrites the join trees in n. need holds the columns that the nodes
// above n read (a remote join yields only those of its inputs' columns);
// ordered reports that a node above reads n's columns by position (the
// result itself, a UNION), so that n must keep their order.
func (r *joinPusher) visit(n Node, need map[int]bool, ordered bool) (Node, bool, error) {
	if j, ok := n.(*JoinNode); ok && pushable(j) {
		return r.pushTree(j, need, ordered)
	}
	changed := false
	var err error
	child := func(in *Node, exprs []Expr, all, ordered bool) {
		if err != nil {
			return
		}
		sub := withColumns(need, exprs...)
		if all {
			for _, c := range (*in).Columns() {
				sub[c.ID] = true
			}
		}
		var ch bool
		*in, ch, err = r.visit(*in, sub, ordered)
		changed = changed || ch
	}
	switch n := n.(type) {
	case *FilterNode:
		child(&n.Input, []Expr{n.Pred}, false, ordered)
	case *ProjectNode:
		child(&n.Input, n.Exprs, false, false)
	case *AggregateNode:
		exprs := append([]Expr{}, n.Keys...)
		for _, a := range n.Aggs {
			exprs = append(exprs, a.Arg)
		}
		child(&n.Input, exprs, false, false)
	case *SortNode:
		var exprs []Expr
		for _, k := range n.Keys {
			exprs = append(exprs, k.X)
		}
		child(&n.Input, exprs, false, ordered)
	case *LimitNode:
		child(&n.Input, nil, false, ordered)
	case *SingleRowNode:
		child(&n.Input, nil, true, true)
	case *UnionNode:
		for i := range n.Sides {
			child(&n.Sides[i], nil, true, true)
		}
	case *JoinNode:
		exprs := append(keyExprs(n.Keys), n.On, n.Residual)
		child(&n.Left, exprs, false, ordered)
		child(&n.Right, exprs, false, ordered && n.Kind != JoinSemi && n.Kind != JoinAnti)
	}
	if err != nil {
		return nil, false, err
	}
	return n, changed, nil
}

// pushable reports whether a join may be part of a join a source runs: an
// inner, left or full join on equalities of plain columns, with no other
// condition.
func pushable(j *JoinNode) bool {
	switch j.Kind {
	case JoinInner, JoinLeft, JoinFull:
	default:
		return false
	}
	if j.On != nil || j.Residual != nil || j.NullAware || len(j.Keys) == 0 {
		return false
	}
	for _, k := range j.Keys {
		if _, ok := k.L.(*ColumnRef); !ok {
			return false
		}
		if _, ok := k.R.(*ColumnRef); !ok {
			return false
		}
	}
	return true
}

// joinLeaf is what a source needs to read a scan as part of a join: the
// scan, and the conjuncts of the filters over it with their translations.
type joinLeaf struct {
	scan   *ScanNode
	source connector.JoinPlanner
	conj   []Expr
	// preds[i] translates conj[i] exactly, or is nil.
	preds []connector.Predicate
}

// leafOf returns n as a joinLeaf if it is a scan of a source that runs
// joins, under filters or not; otherwise nil.
func leafOf(n Node) *joinLeaf {
	var conj []Expr
	for {
		f, ok := n.(*FilterNode)
		if !ok {
			break
		}
		conj = append(conj, conjuncts(f.Pred)...)
		n = f.Input
	}
	s, ok := n.(*ScanNode)
	if !ok {
		return nil
	}
	jp, ok := s.Table.Source.(connector.JoinPlanner)
	if !ok {
		return nil
	}
	l := &joinLeaf{scan: s, source: jp, conj: conj, preds: make([]connector.Predicate, len(conj))}
	for i, c := range conj {
		if p, ok := exactPredicate(c); ok {
			l.preds[i] = p
		}
	}
	return l
}

// sameSource reports whether two leaves read the same source instance.
func sameSource(a, b *joinLeaf) bool {
	x, y := a.scan.Table.Source, b.scan.Table.Source
	t := reflect.TypeOf(x)
	return t == reflect.TypeOf(y) && t.Comparable() && x == y
}

// exactPredicate translates a conjunct into the connector's predicates when
// the translation means exactly the same. (toPredicate may drop terms of an
// AND, which is right for pruning but not for a filter that a source
// applies in the planner's place.)
func exactPredicate(e Expr) (connector.Predicate, bool) {
	if !translatesExactly(e) {
		return nil, false
	}
	return toPredicate(e)
}

// translatesExactly reports whether toPredicate translates e whole:
// comparisons of a column with a constant, NULL tests, IN lists of
// constants without NULL, LIKE with a constant pattern, boolean columns,
// and AND, OR and NOT of those.
func translatesExactly(e Expr) bool {
	switch e := e.(type) {
	case *ColumnRef:
		return e.Col.Type.ID() == arrow.BOOL
	case *Compare:
		return columnAndConst(e.L, e.R) || columnAndConst(e.R, e.L)
	case *IsNull:
		_, ok := e.X.(*ColumnRef)
		return ok
	case *Logic:
		for _, t := range e.Terms {
			if !translatesExactly(t) {
				return false
			}
		}
		return len(e.Terms) > 0
	case *InList:
		if _, ok := e.X.(*ColumnRef); !ok || len(e.List) == 0 {
			return false
		}
		for _, v := range e.List {
			if k, ok := v.(*Const); !ok || !k.Value.IsValid() {
				return false
			}
		}
		return true
	case *Like:
		_, col := e.X.(*ColumnRef)
		k, ok := e.Pattern.(*Const)
		if !col || !ok || !k.Value.IsValid() {
			return false
		}
		_, str := k.Value.(*scalar.String)
		return str
	case *Not:
		return translatesExactly(e.X)
	}
	return false
}

func columnAndConst(a, b Expr) bool {
	_, col := a.(*ColumnRef)
	k, ok := b.(*Const)
	return col && ok && k.Value.IsValid()
}

// withColumns returns a copy of need with the columns that exprs read
// (nil expressions read none).
func withColumns(need map[int]bool, exprs ...Expr) map[int]bool {
	out := make(map[int]bool, len(need))
	for id := range need {
		out[id] = true
	}
	for _, e := range exprs {
		if e == nil {
			continue
		}
		for id := range columnsOf(e) {
			out[id] = true
		}
	}
	return out
}

func keyExprs(keys []JoinKey) []Expr {
	out := make([]Expr, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k.L, k.R)
	}
	return out
}

// keepOrder returns n, under a projection if needed, so that it yields the
// columns of want that it has, in want's order.
func keepOrder(n Node, want []*Column) Node {
	have := idSet(n.Columns())
	var cols []*Column
	for _, c := range want {
		if have[c.ID] {
			cols = append(cols, c)
		}
	}
	same := len(cols) == len(n.Columns())
	for i, c := range n.Columns() {
		same = same && cols[i].ID == c.ID
	}
	if same {
		return n
	}
	p := &ProjectNode{Input: n, Cols: cols}
	for _, c := range cols {
		p.Exprs = append(p.Exprs, &ColumnRef{Col: c})
	}
	return p
}
